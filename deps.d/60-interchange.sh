#!/usr/bin/env bash
# Real tools for the REFI-QDA interchange tests, each in its own virtual environment
# (Taguette pins SQLAlchemy 1.x, qc needs 2.x): qc (PyPI qualitative-coding) and Taguette
# export and import .qdpx/.qdc headless. The tests look for them under $GLOSS_TOOLS.
. "$(dirname "$0")/lib.sh"
TOOLS="${GLOSS_TOOLS:-/usr/local/lib/gloss-tools}"
# venv_install NAME COMMAND PACKAGE...: a venv TOOLS/NAME with the packages, once.
venv_install() {
  local name="$1" command="$2"; shift 2
  [ -x "$TOOLS/$name/bin/$command" ] && return 0
  echo "==> installing $* (in $TOOLS/$name, for the interchange tests)"
  python3 -m venv "$TOOLS/$name" &&
    "$TOOLS/$name/bin/python" -m pip install -q --disable-pip-version-check "$@"
}
# Debian's python3 makes no venv without python3-venv (ensurepip); a pyenv python has it.
python3 -c "import ensurepip, venv" 2>/dev/null || apt_install "python3-venv (for the interchange tools)" python3-venv ||
  echo "warning: python3 cannot make virtual environments (python3-venv)" >&2
venv_install qc qc qualitative-coding ||
  echo "warning: qualitative-coding not installed; the qc interchange tests will fail" >&2
venv_install taguette taguette taguette ||
  echo "warning: taguette not installed; the Taguette interchange tests will fail" >&2
