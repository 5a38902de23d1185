#!/usr/bin/env bash
# `gloss add` in a repository with 10,000 commits and 100,000 assignments, against
# `git add` + `git commit` of the same one-line change (DESIGN §7: no slower), raw and as
# own work (less the libgit2-init floor measured in the same runs).
set -euo pipefail
gloss="${1:?usage: add_latency.sh path/to/gloss [runs]}"
runs="${2:-20}"
here="$(cd "$(dirname "$0")" && pwd)"
work="${BENCH_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/gloss-bench-add.XXXXXX")}"
repo="$work/repo"
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.org GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.org
if [ ! -d "$repo/.git" ]; then
  start=$(date +%s)
  python3 "$here/make_history_repo.py" "$repo" --commits 10000 --assignments 100000
  echo "repository built in $(( $(date +%s) - start )) s"
fi
source "$here/libgit2_floor.bash"
cd "$repo"
git gc -q --auto || true

# Each run adds one new assignment (a fresh span) to coder0's file of doc-0000.
now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
gloss_times=(); git_times=(); floor_times=(); durable_times=()
for i in $(seq 1 "$runs"); do
  # A fresh span each run: re-runs on the same repository must not repeat one (gloss
  # refuses a span already coded), and a refusal would time the wrong thing.
  r=$(od -An -N4 -tu4 /dev/urandom); s=$(( r % 19000 )); e=$(( s + 1 + r / 19000 % 400 ))
  t0=$(now)
  "$gloss" --as coder0 add doc-0000 code-1 --chars "$s-$e" >/dev/null 2>&1 || { echo "gloss add $s-$e failed" >&2; exit 1; }
  t1=$(now)
  gloss_times+=($(( (t1 - t0) / 1000 )))
  "$floor_bin"
  t1b=$(now)
  floor_times+=($(( (t1b - t1) / 1000 )))
  # The same one-line change by hand: append a record, then git add + git commit.
  printf '{"id":"%s","code":"code-2","start":%d,"end":%d,"exact":"x"}\n' "$(cat /proc/sys/kernel/random/uuid)" "$s" "$e" \
    >> annotations/coder1/doc-0000.jsonl
  t2=$(now)
  git add annotations/coder1/doc-0000.jsonl
  git commit -q -m "hand edit $i"
  t3=$(now)
  git_times+=($(( (t3 - t2) / 1000 )))
  # And as durable as gloss (which fsyncs each object, ref and the index; git by default
  # fsyncs none of them), for comparison only.
  printf '{"id":"%s","code":"code-2","start":%d,"end":%d,"exact":"x"}\n' "$(cat /proc/sys/kernel/random/uuid)" "$s" "$e" \
    >> annotations/coder2/doc-0000.jsonl
  t4=$(now)
  git -c core.fsync=all add annotations/coder2/doc-0000.jsonl
  git -c core.fsync=all commit -q -m "hand edit, fsynced $i"
  t5=$(now)
  durable_times+=($(( (t5 - t4) / 1000 )))
done
g=$(printf '%s\n' "${gloss_times[@]}" | median)
h=$(printf '%s\n' "${git_times[@]}" | median)
f=$(printf '%s\n' "${floor_times[@]}" | median)
d=$(printf '%s\n' "${durable_times[@]}" | median)
commits=$(git rev-list --count HEAD)
assignments=$(cat annotations/*/*.jsonl | wc -l)
printf '\nadd latency (%s runs, %s commits, %s assignments)\n' "$runs" "$commits" "$assignments"
awk -v g="$g" -v h="$h" -v f="$f" -v d="$d" 'BEGIN {
  printf "  gloss add              median %8.1f ms\n", g / 1000
  printf "  git add + git commit   median %8.1f ms\n", h / 1000
  printf "  libgit2 init floor     median %8.1f ms\n", f / 1000
  printf "  raw ratio gloss/git    %8.2f\n", g / h
  printf "  own-work ratio         %8.2f  ((gloss - floor) / git; budget: <= 1.00)\n", (g - f) / h
  printf "  git with core.fsync=all median %8.1f ms (as durable as gloss; own-work ratio against it %.2f)\n", d / 1000, (g - f) / d
}'
git fsck --no-dangling >/dev/null 2>&1 && echo "  git fsck: ok"
