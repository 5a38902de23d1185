#!/usr/bin/env bash
# gloss report over 1,000 commits of history (DESIGN §7/§9, budget: under 2 s for the whole
# command): builds a project with Benchmarks/make_history_repo.py (3 coders, 20 documents,
# 8 codes, 6,000 assignments added over the commits), then times
# `gloss report --history HEAD` (every first-parent commit) writing HTML.
# Usage: report.sh path/to/gloss. BENCH_WORK=dir keeps the repository between runs;
# BENCH_HISTORY_COMMITS (1000) sizes the history. Not part of the test suite.
set -euo pipefail
gloss="$(cd "$(dirname "${1:?usage: report.sh path/to/gloss}")" && pwd)/$(basename "$1")"
here="$(cd "$(dirname "$0")" && pwd)"
work="${BENCH_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/gloss-bench-report.XXXXXX")}"
mkdir -p "$work"
export GLOSS_CODER=lead
commits="${BENCH_HISTORY_COMMITS:-1000}"
repo="$work/history-$commits"
if [ ! -d "$repo/.git" ]; then
  python3 "$here/make_history_repo.py" "$repo" --commits "$commits" --assignments 6000 --coders 3 \
    --docs 20 --codes 8 --doc-length 8000
fi
now() { date +%s%N; }
best=""
for _ in 1 2 3; do
  t0=$(now)
  "$gloss" -C "$repo" report --history HEAD -o "$work/report.html" 2>/dev/null
  t=$(( $(now) - t0 ))
  if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
done
size=$(wc -c <"$work/report.html")
seconds=$(awk "BEGIN {printf \"%.3f\", $best / 1e9}")
echo "commits: $commits, report: $size bytes"
echo "gloss report --history HEAD   $seconds s (best of 3; budget < 2 s) \
$(awk "BEGIN {print ($best / 1e9 < 2) ? \"OK\" : \"OVER BUDGET\"}")"
