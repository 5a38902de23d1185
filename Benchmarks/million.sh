#!/usr/bin/env bash
# One million assignments, 100 coders x 1,000 documents, 100,000 commits (DESIGN §7): every
# read command under 3 s and 500 MB peak resident memory; `gloss add` as fast as in a small
# project. Prints wall time and peak RSS of each command, and the budget verdict.
set -euo pipefail
gloss="${1:?usage: million.sh path/to/gloss}"
here="$(cd "$(dirname "$0")" && pwd)"
work="${BENCH_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/gloss-bench-million.XXXXXX")}"
repo="$work/repo"
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.org GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.org
if [ ! -d "$repo/.git" ]; then
  start=$(date +%s)
  python3 "$here/make_history_repo.py" "$repo" --commits 100001 --assignments 1000000 --coders 100 \
    --docs 1000 --doc-length 20000
  echo "repository built in $(( $(date +%s) - start )) s"
fi
if [ ! -x /usr/bin/time ]; then echo "needs /usr/bin/time (Debian package 'time')" >&2; exit 1; fi
cd "$repo"
echo "repository: $(git rev-list --count HEAD) commits, $(git ls-files | wc -l) files, .git $(du -sh .git | cut -f1)"
over=0
measure() {
  local label="$1"; shift
  local stats="$work/time.txt"
  /usr/bin/time -o "$stats" -f "%e %M" "$@" >/dev/null 2>&1 || true
  set -- $(tail -n 1 "$stats")
  local verdict=ok
  if awk -v t="$1" -v m="$2" 'BEGIN { exit !(t > 3 || m > 500 * 1024) }'; then verdict=OVER; over=1; fi
  printf '  %-40s %7.2f s   peak RSS %5.0f MB   %s\n' "$label" "$1" "$(( $2 / 1024 ))" "$verdict"
}
echo "one million assignments (budget: 3 s, 500 MB each):"
measure "gloss ls --format json" "$gloss" ls --format json
measure "gloss ls --format csv" "$gloss" ls --format csv
measure "gloss ls (table)" "$gloss" ls
measure "gloss diff HEAD~100 HEAD" "$gloss" diff HEAD~100 HEAD --format json
measure "gloss agree --unit char" "$gloss" agree --unit char --format json
measure "gloss validate (work tree)" "$gloss" validate
measure "gloss validate --rev HEAD" "$gloss" validate --rev HEAD
measure "gloss validate --range HEAD~100..HEAD" "$gloss" validate --range HEAD~100..HEAD
measure "gloss log --max-count 50" "$gloss" log --max-count 50 --format json
measure "gloss doc list" "$gloss" doc list --format json
measure "gloss code list" "$gloss" code list --format json
# `gloss add` here against a small project's, median of 7 each after one not timed: with
# git's usual index (rewritten whole, 10 MB here), and with git's split index
# (`core.splitIndex`, which gloss follows as git does: each add rewrites only the split part).
small="$work/small"
if [ ! -d "$small/.git" ]; then
  python3 "$here/make_history_repo.py" "$small" --commits 100 --assignments 1000 >/dev/null
fi
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# A fresh span each time (gloss refuses a span already coded, and a refusal would time the
# wrong thing).
add_once() {
  local r s e
  r=$(od -An -N4 -tu4 /dev/urandom); s=$(( r % 19000 )); e=$(( s + 1 + r / 19000 % 400 ))
  "$gloss" -C "$1" --as coder0 add doc-0000 code-1 --chars "$s-$e" >/dev/null 2>&1 || { echo "gloss add $s-$e failed in $1" >&2; exit 1; }
}
add_times() {
  local dir="$1" i t0 t1
  add_once "$dir" 0
  for i in 1 2 3 4 5 6 7; do
    t0=$(date +%s%N)
    add_once "$dir" "$i"
    t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000 ))
  done | median
}
git -C "$repo" config core.splitIndex false
plain=$(add_times "$repo")
git -C "$repo" config core.splitIndex true
split=$(add_times "$repo")
git -C "$repo" config --unset core.splitIndex
little=$(add_times "$small")
awk -v p="$plain" -v s="$split" -v l="$little" 'BEGIN {
  printf "  gloss add in a 1,000-assignment project    %7.1f ms\n", l / 1000
  printf "  gloss add here, git'"'"'s usual index          %7.1f ms (ratio %.2f)\n", p / 1000, p / l
  printf "  gloss add here, split index (core.splitIndex) %5.1f ms (ratio %.2f)\n", s / 1000, s / l
}'
[ "$over" = 0 ] && echo "all within budget" || echo "some commands over budget"
