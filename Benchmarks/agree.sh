#!/usr/bin/env bash
# gloss agree against its peers (DESIGN §7), side by side, printing ratios:
#  1. `gloss agree --unit char` on ~2,000,000 code points, 5 coders, 8 codes, ~50,000
#     assignments, against the Python `krippendorff` package computing the same alphas
#     (values checked equal; budget, DESIGN §7: at least 50x faster);
#  2. `gloss agree --history` over 1,000 commits (best of 3), against checking out every commit and
#     recomputing (budget, DESIGN §7: at least 300x faster).
# Usage: agree.sh path/to/gloss. BENCH_WORK=dir keeps the data between runs;
# BENCH_HISTORY_COMMITS (1000) and BENCH_BASELINE_COMMITS (all) size the second case;
# BENCH_AGREE_CASES ("1 2") picks the cases to run.
set -euo pipefail
gloss="$(cd "$(dirname "${1:?usage: agree.sh path/to/gloss}")" && pwd)/$(basename "$1")"
here="$(cd "$(dirname "$0")" && pwd)"
work="${BENCH_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/gloss-bench-agree.XXXXXX")}"
mkdir -p "$work"
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.org
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.org GLOSS_CODER=lead
now() { date +%s%N; }
# CPU seconds (user + system) used so far by this shell's finished children: on a busy
# machine wall time mostly measures the other processes, so case 2 prints both.
children_cpu() { # file to write the figure to (no subshell: `times` must see our children)
  times >"$1.times"
  tail -1 "$1.times" | awk '{ split($1, u, "m"); split($2, s, "m"); printf "%.3f\n", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' >"$1"
}
seconds() { awk "BEGIN {printf \"%.3f\", $1 / 1e9}"; }

# The Python peer, in its own virtual environment.
venv="${BENCH_VENV:-$work/venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check krippendorff numpy
fi
py="$venv/bin/python"

# Builds a project: gloss init, then documents and annotations written as files and
# committed with the git CLI (a benchmark fixture; gloss reads it through libgit2).
make_corpus() { # dir, corpus options...
  local dir="$1"
  shift
  [ -d "$dir/.git" ] && return
  "$gloss" init "$dir" --as lead >/dev/null
  "$py" "$here/agree_data.py" corpus "$dir" "$@"
  git -C "$dir" add -A
  git -C "$dir" commit -q -m "bench: corpus" -m "Gloss-Coder: lead"
}

cases=" ${BENCH_AGREE_CASES:-1 2} "
if [[ "$cases" == *" 1 "* ]]; then
echo "-- 1. gloss agree --unit char vs Python krippendorff"
big="$work/big"
t0=$(now)
make_corpus "$big" --docs 40 --chars 50000 --coders 5 --codes 8
echo "corpus ready in $(seconds $(( $(now) - t0 ))) s: $(find "$big/documents" -name '*.txt' | wc -l) documents, \
$(cat "$big"/annotations/*/*.jsonl | wc -l) assignments"
best=""
for _ in 1 2 3; do
  t0=$(now)
  "$gloss" -C "$big" agree --unit char --format json >"$work/gloss.json"
  t=$(( $(now) - t0 ))
  if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
done
"$py" "$here/agree_data.py" alphas "$big" >"$work/python.json"
"$py" - "$work/gloss.json" "$work/python.json" "$best" <<'EOF'
import json, sys
gloss = json.load(open(sys.argv[1]))
python = json.load(open(sys.argv[2]))
gloss_seconds = int(sys.argv[3]) / 1e9
worst = 0.0
for figures in gloss["codes"]:
    ours, theirs = figures["alpha"], python["alphas"][figures["code"]]
    if (ours is None) != (theirs is None):
        sys.exit(f"alpha differs for {figures['code']}: gloss {ours}, krippendorff {theirs}")
    if ours is not None:
        worst = max(worst, abs(ours - theirs))
if worst > 1e-9:
    sys.exit(f"alphas differ by up to {worst:g}")
n = sum(1 for _ in gloss["codes"])
print(f"units per code: {gloss['codes'][0]['n_units']}, codes: {n}, coders: {len(gloss['coders'])}")
print(f"alphas agree with krippendorff to {worst:.1e}")
print(f"gloss agree --unit char        {gloss_seconds:8.3f} s (whole command, best of 3)")
print(f"krippendorff.alpha x {n}         {python['alpha_seconds']:8.3f} s "
      f"(alpha calls only; building its matrices took another {python['prepare_seconds']:.3f} s)")
ratio = python["alpha_seconds"] / gloss_seconds
print(f"ratio: {ratio:.1f}x (budget >= 50x) {'OK' if ratio >= 50 else 'BELOW BUDGET'}")
EOF
echo
fi

[[ "$cases" == *" 2 "* ]] || exit 0
echo "-- 2. gloss agree --history vs checking out each commit and recomputing"
commits="${BENCH_HISTORY_COMMITS:-1000}"
hist="$work/history"
if [ ! -d "$hist/.git" ]; then
  make_corpus "$hist" --docs 20 --chars 10000 --coders 5 --codes 8 --base 6 --missing 2
  "$py" "$here/agree_data.py" history "$hist" "$commits"
fi
range="HEAD~$commits..HEAD"
# Best of 3, as for case 1: one run of well under a second is at the mercy of whatever else
# the machine runs, while the baseline's thousand runs average that out.
history_ns=""
history_cpu=""
for _ in 1 2 3; do
  children_cpu "$work/cpu0"
  t0=$(now)
  "$gloss" -C "$hist" agree --history "$range" --format json >"$work/history.jsonl"
  t=$(( $(now) - t0 ))
  children_cpu "$work/cpu1"
  if [ -z "$history_ns" ] || [ "$t" -lt "$history_ns" ]; then history_ns=$t; fi
  c=$(awk "BEGIN {print $(cat "$work/cpu1") - $(cat "$work/cpu0")}")
  if [ -z "$history_cpu" ] || awk "BEGIN {exit !($c < $history_cpu)}"; then history_cpu=$c; fi
done
lines=$(wc -l <"$work/history.jsonl")
mapfile -t revs < <(git -C "$hist" rev-list --first-parent --reverse "$range")
sample="${BENCH_BASELINE_COMMITS:-${#revs[@]}}"
branch="$(git -C "$hist" symbolic-ref --short HEAD)"
rm -rf "$work/baseline"
mkdir -p "$work/baseline"
t0=$(now)
for ((i = 0; i < sample; i++)); do
  rev="${revs[$(( i * ${#revs[@]} / sample ))]}"
  git -C "$hist" checkout -q --detach "$rev"
  "$gloss" -C "$hist" agree --format json >"$work/baseline/$rev.json"
done
baseline_ns=$(( $(now) - t0 ))
children_cpu "$work/cpu2"
git -C "$hist" checkout -q "$branch"
"$py" - "$work/history.jsonl" "$work/baseline" "$history_ns" "$baseline_ns" "$sample" "${#revs[@]}" \
  "$history_cpu" "$(cat "$work/cpu1")" "$(cat "$work/cpu2")" <<'EOF'
import json, os, sys
lines = [l for l in open(sys.argv[1]) if l.strip()]
folder, history_ns, baseline_ns, sample, total = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
checked = 0
for line in lines:
    record = json.loads(line)
    path = os.path.join(folder, record["rev"] + ".json")
    if os.path.exists(path):
        expected = open(path).read().rstrip("\n")
        date = record.pop("date")
        if line.rstrip("\n") != expected[:-1] + f',"date":"{date}"}}':
            sys.exit(f"history line for {record['rev']} differs from gloss agree --rev")
        checked += 1
history_s = history_ns / 1e9
baseline_s = baseline_ns / 1e9 * total / sample
print(f"commits: {total}, history lines: {len(lines)}, lines equal to the per-commit run: {checked}/{sample}")
print(f"gloss agree --history          {history_s:8.3f} s (best of 3)")
note = "" if sample == total else f" (extrapolated from {sample} commits)"
print(f"checkout + gloss agree x {total}  {baseline_s:8.3f} s{note}")
ratio = baseline_s / history_s
print(f"ratio: {ratio:.1f}x (budget >= 300x) {'OK' if ratio >= 300 else 'BELOW BUDGET'}")
history_cpu, cpu1, cpu2 = float(sys.argv[7]), float(sys.argv[8]), float(sys.argv[9])
baseline_cpu = (cpu2 - cpu1) * total / sample
if history_cpu > 0:
    cpu_ratio = baseline_cpu / history_cpu
    print(f"CPU time (user + system): history {history_cpu:.3f} s, checkout + agree {baseline_cpu:.3f} s; "
          f"ratio {cpu_ratio:.1f}x {'OK' if cpu_ratio >= 300 else 'BELOW BUDGET'}")
EOF
