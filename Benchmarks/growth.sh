#!/usr/bin/env bash
# Growth: doubles documents, coders and commits (and so assignments) three times and prints
# each command's cost (CPU seconds, user + system, which a busy machine does not inflate as
# it does wall time) and peak RSS. A command whose cost stays flat grows with what it
# touches (the changed blobs, one coder's file), not with the repository's size.
set -euo pipefail
gloss="${1:?usage: growth.sh path/to/gloss [steps]}"
steps="${2:-4}"
here="$(cd "$(dirname "$0")" && pwd)"
work="${BENCH_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/gloss-bench-growth.XXXXXX")}"
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.org GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.org
if [ ! -x /usr/bin/time ]; then echo "needs /usr/bin/time (Debian package 'time')" >&2; exit 1; fi
cost() {
  local stats="$work/time.txt"
  /usr/bin/time -o "$stats" -f "%U %S %M" "$@" >/dev/null 2>&1 || true
  set -- $(tail -n 1 "$stats")
  awk -v u="$1" -v s="$2" -v m="$3" 'BEGIN { printf "%6.2fs %4.0fM", u + s, m / 1024 }'
}
printf '%-28s' "docs/coders/commits/assign."
labels=("add" "ls --coder" "diff ~10" "log -n 50" "ls json" "validate --rev" "doc list")
for l in "${labels[@]}"; do printf ' %-13s' "$l"; done
echo
docs=50; coders=5; commits=2000
for step in $(seq 1 "$steps"); do
  repo="$work/repo-$step"
  assignments=$(( commits * 10 ))
  if [ ! -d "$repo/.git" ]; then
    python3 "$here/make_history_repo.py" "$repo" --commits "$commits" --assignments "$assignments" \
      --coders "$coders" --docs "$docs" --doc-length 5000 >/dev/null
  fi
  cd "$repo"
  printf '%-28s' "$docs/$coders/$commits/$assignments"
  s=$(( (step * 7919 + $(date +%s)) % 4500 ))
  printf ' %-13s' "$(cost "$gloss" --as coder0 add doc-0000 code-1 --chars "$s-$(( s + 20 ))")"
  printf ' %-13s' "$(cost "$gloss" ls --coder coder0 --doc doc-0000 --format json)"
  printf ' %-13s' "$(cost "$gloss" diff HEAD~10 HEAD --format json)"
  printf ' %-13s' "$(cost "$gloss" log --max-count 50 --format json)"
  printf ' %-13s' "$(cost "$gloss" ls --format json)"
  printf ' %-13s' "$(cost "$gloss" validate --rev HEAD)"
  printf ' %-13s' "$(cost "$gloss" doc list --format json)"
  echo
  docs=$(( docs * 2 )); coders=$(( coders * 2 )); commits=$(( commits * 2 ))
done
echo "flat columns (add, ls of one file, diff, log) grow with what they touch; the whole-project"
echo "columns (ls json, validate, doc list) grow with the assignments they read, as they must."
