#!/usr/bin/env bash
# `gloss doc update` of a 100,000-character transcript carrying 10,000 spans (DESIGN §5, issue 8):
# scattered corrections (typos, a renamed speaker, a split and a joined paragraph), every span
# re-anchored in one commit. Prints the time and what the re-anchoring reported.
set -euo pipefail
gloss="${1:?usage: doc_update.sh path/to/gloss [runs]}"
runs="${2:-3}"
if [ -n "${BENCH_WORK:-}" ]; then
  work="$BENCH_WORK"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/gloss-bench-update.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
fi
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.org GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.org
export GLOSS_CODER=lead

python3 - "$work" <<'PY'
import json, random, sys, uuid
work = sys.argv[1]
rng = random.Random(34)
words = ("data model label noise outlier the we uh so training set missing value sensor weather "
         "garbage pipeline quality really think because interview region tabular image text").split()
paras = []
length = 0
while length < 100_000:
    speaker = "# Interviewee" if len(paras) % 4 else "# Interviewer 1"
    body = " ".join(rng.choice(words) for _ in range(rng.randint(20, 120))) + "."
    paras += [speaker, body]
    length += len(speaker) + len(body) + 4
old = "\n\n".join(paras) + "\n"
old = old[:100_000].rstrip() + "\n"
open(f"{work}/old.txt", "w").write(old)
# 10,000 spans over 3 coders, inside body paragraphs (some across paragraph breaks).
spans = {}
coders = ["ana", "ben", "lead"]
n = len(old)
lines = []
for i in range(10_000):
    start = rng.randrange(0, n - 200)
    end = start + rng.randint(5, 150)
    coder = coders[i % 3]
    code = f"code-{i % 8}"
    key = (coder, code, start, end)
    if key in spans:
        continue
    spans[key] = True
    lines.append({"doc": "big", "code": code, "start": start, "end": end, "coder": coder})
for coder in coders:
    with open(f"{work}/batch-{coder}.jsonl", "w") as f:
        for line in lines:
            if line["coder"] == coder:
                f.write(json.dumps({k: line[k] for k in ("doc", "code", "start", "end")}) + "\n")
# Corrections: 300 typo-sized edits, a renamed speaker, one split, one join.
new = old
for _ in range(300):
    i = rng.randrange(0, len(new) - 10)
    new = new[:i] + rng.choice(["", "uh, ", "e", "the "]) + new[i + rng.randint(0, 4):]
new = new.replace("# Interviewer 1", "# Dr. Smith")
i = new.index(". ", 50_000)
new = new[:i] + ".\n\n" + new[i + 2:]
j = new.index(".\n\n# Interviewee\n\n", 70_000)
new = new[:j] + ". " + new[j + len(".\n\n# Interviewee\n\n"):]
open(f"{work}/new.txt", "w").write(new)
print(f"document: {len(old)} -> {len(new)} characters, {len(lines)} spans")
PY

now() { date +%s%N; }
times=()
for run in $(seq 1 "$runs"); do
  repo="$work/repo-$run"
  "$gloss" init "$repo" --as lead >/dev/null 2>&1
  cd "$repo"
  "$gloss" doc add "$work/old.txt" --id big >/dev/null 2>&1
  for i in 0 1 2 3 4 5 6 7; do "$gloss" code add "code-$i" >/dev/null 2>&1; done
  for coder in ana ben lead; do "$gloss" --as "$coder" add --batch "$work/batch-$coder.jsonl" >/dev/null 2>&1; done
  t0=$(now)
  "$gloss" doc update big "$work/new.txt" > "$work/report-$run.txt" 2>/dev/null
  t1=$(now)
  times+=($(( (t1 - t0) / 1000 )))
  cd "$work"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
printf '\ndoc update (100,000 characters, 10,000 spans, %s runs)\n' "$runs"
sed -n '1,2p' "$work/report-1.txt" | sed 's/^/  /'
awk -v m="$median" 'BEGIN { printf "  gloss doc update       median %8.1f ms\n", m / 1000 }'
cd "$work/repo-1" && "$gloss" validate >/dev/null 2>&1 && echo "  gloss validate: ok (every span matches or is marked)"
