# Shared by the deps.d scripts: quiet, non-interactive installs that only run when needed.
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
APT_UPDATED="${APT_UPDATED:-}"

# apt_install DESCRIPTION PACKAGE...: installs Debian packages, updating the index once.
apt_install() {
  local what="$1"; shift
  command -v apt-get >/dev/null 2>&1 || { echo "warning: no apt-get to install $what" >&2; return 1; }
  echo "==> installing $what"
  if [ -z "$APT_UPDATED" ]; then
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
    APT_UPDATED=1
  fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# pip_install MODULE PACKAGE...: installs PyPI packages when `import MODULE` fails.
pip_install() {
  local module="$1"; shift
  python3 -c "import $module" 2>/dev/null && return 0
  echo "==> installing $* (pip, for the tests)"
  python3 -m pip install -q --disable-pip-version-check "$@" 2>/dev/null ||
    python3 -m pip install -q --disable-pip-version-check --break-system-packages "$@"
}
