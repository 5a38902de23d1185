#!/usr/bin/env bash
# Adding an assignment through `gloss serve`'s API in a repository with 10,000 commits and
# 100,000 assignments, against `git add` + `git commit` of the same one-line change
# (DESIGN §7: at most half). One kept-alive HTTP connection, as a browser page has.
set -euo pipefail
gloss="${1:?usage: serve_add.sh path/to/gloss [runs]}"
runs="${2:-20}"
here="$(cd "$(dirname "$0")" && pwd)"
work="${BENCH_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/gloss-bench-serve.XXXXXX")}"
repo="$work/repo"
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.org GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.org
if [ ! -d "$repo/.git" ]; then
  start=$(date +%s)
  python3 "$here/make_history_repo.py" "$repo" --commits "${BENCH_COMMITS:-10000}" \
    --assignments "${BENCH_ASSIGNMENTS:-100000}"
  echo "repository built in $(( $(date +%s) - start )) s"
fi
cd "$repo"
git gc -q --auto || true

python3 - "$gloss" "$runs" <<'PY'
import http.client, json, statistics, subprocess, sys, time, uuid
gloss, runs = sys.argv[1], int(sys.argv[2])
server = subprocess.Popen([gloss, "--as", "coder0", "serve", "--port", "0"], stdout=subprocess.PIPE, text=True)
try:
    line = server.stdout.readline().strip()
    url = line.split(" at ", 1)[1]
    port = int(url.split(":")[2].split("/")[0])
    token = url.split("token=", 1)[1]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    api, manual = [], []
    for i in range(runs):
        # A fresh span each run (re-runs on the same repository must not repeat one).
        s = (time.time_ns() // 1000 + i * 7919) % 19000
        body = json.dumps({"doc": "doc-0000", "code": "code-1", "start": s, "end": s + 25})
        t0 = time.perf_counter()
        connection.request("POST", "/api/assignments", body, headers)
        response = connection.getresponse()
        response.read()
        api.append(time.perf_counter() - t0)
        assert response.status == 201, response.status
        # The same one-line change by hand: append a record, then git add + git commit.
        with open("annotations/coder1/doc-0000.jsonl", "a") as f:
            f.write(json.dumps({"id": str(uuid.uuid4()), "code": "code-2", "start": s, "end": s + 25,
                                "exact": "x"}, separators=(",", ":")) + "\n")
        t1 = time.perf_counter()
        subprocess.run(["git", "add", "annotations/coder1/doc-0000.jsonl"], check=True)
        subprocess.run(["git", "commit", "-q", "-m", f"hand edit {i}"], check=True)
        manual.append(time.perf_counter() - t1)
    a, m = statistics.median(api), statistics.median(manual)
    commits = subprocess.run(["git", "rev-list", "--count", "HEAD"], capture_output=True, text=True).stdout.strip()
    print(f"\nserve add latency ({runs} runs, {commits} commits)")
    print(f"  POST /api/assignments  median {a * 1000:8.1f} ms")
    print(f"  git add + git commit   median {m * 1000:8.1f} ms")
    print(f"  ratio api/git          {a / m:8.2f}  (budget: <= 0.50)")
finally:
    server.terminate()
    server.wait()
PY
git fsck --no-dangling >/dev/null 2>&1 && echo "  git fsck: ok"
