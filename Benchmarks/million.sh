#!/usr/bin/env bash
# One million assignments: `ls`, `diff`, `agree` and `validate` finish, with bounded
# memory (DESIGN §7). Prints wall time and peak resident memory of each command.
set -euo pipefail
gloss="${1:?usage: million.sh path/to/gloss}"
here="$(cd "$(dirname "$0")" && pwd)"
work="${BENCH_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/gloss-bench-million.XXXXXX")}"
repo="$work/repo"
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.org GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.org
if [ ! -d "$repo/.git" ]; then
  start=$(date +%s)
  python3 "$here/make_history_repo.py" "$repo" --commits 1001 --assignments 1000000 --docs 200 --doc-length 20000
  echo "repository built in $(( $(date +%s) - start )) s"
fi
cd "$repo"
size=$(du -sh .git | cut -f1)
echo "repository: $(git rev-list --count HEAD) commits, .git $size"
measure() {
  local label="$1"; shift
  local stats="$work/time.txt"
  /usr/bin/time -o "$stats" -f "%e %M" "$@" >/dev/null 2>&1 || true
  set -- $(tail -n 1 "$stats")
  printf '  %-34s %7.2f s   peak RSS %6.0f MB\n' "$label" "$1" "$(( $2 / 1024 ))"
}
if [ ! -x /usr/bin/time ]; then echo "needs /usr/bin/time (Debian package 'time')" >&2; exit 1; fi
echo "one million assignments:"
measure "gloss ls --format json" "$gloss" ls --format json
measure "gloss diff HEAD~100 HEAD" "$gloss" diff HEAD~100 HEAD --format json
measure "gloss agree --unit char" "$gloss" agree --unit char --format json
measure "gloss validate --rev HEAD" "$gloss" validate --rev HEAD
measure "gloss log --max-count 50" "$gloss" log --max-count 50 --format json
