#!/usr/bin/env bash
# Time to first render of a long transcript in `gloss serve`, in headless Chromium (DESIGN §7:
# a 100,000-character transcript with 10,000 spans opens and scrolls smoothly). Prints the
# time from navigation to the first frame with the transcript and its highlights on screen
# (the page marks it with performance.mark('gloss-first-render')), and the time to paint the
# highlights after jumping to the middle and to the end of the transcript, then scrolls 40 px a
# frame and prints the frame times with a verdict (smooth: median <= 20 ms, p95 <= 35 ms).
# Needs chromium, chromium-driver and selenium (make deps).
set -euo pipefail
gloss="${1:?usage: serve_render.sh path/to/gloss [runs]}"
runs="${2:-5}"
work="$(mktemp -d "${TMPDIR:-/tmp}/gloss-bench-render.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.org GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.org
export GLOSS_CODER=ana
"$gloss" init "$work/p" --name "Render benchmark" --as lead >/dev/null
cd "$work/p"
"$gloss" --as lead coder add ana --email bench@example.org >/dev/null
python3 - "$work" <<'PY'
import json, random, sys
work = sys.argv[1]
rng = random.Random(7)
words = "data model label noise missing outlier sensor train test small weather value".split()
paragraphs, total = [], 0
while total < 100_000:
    speaker = "Interviewer" if len(paragraphs) % 2 == 0 else "Ana"
    p = f"{speaker}: " + " ".join(rng.choice(words) for _ in range(rng.randint(10, 60))) + "."
    paragraphs.append(p)
    total += len(p) + 2
text = "\n\n".join(paragraphs)[:100_000].rstrip() + "\n"
open(f"{work}/big.txt", "w").write(text)
seen, lines = set(), []
while len(lines) < 10_000:
    start = rng.randrange(0, len(text) - 80)
    end = start + rng.randint(5, 80)
    code = f"code-{rng.randrange(8)}"
    if (code, start, end) in seen or not text[start:end].strip():
        continue
    seen.add((code, start, end))
    lines.append(json.dumps({"doc": "big", "code": code, "start": start, "end": end}))
open(f"{work}/batch.jsonl", "w").write("\n".join(lines) + "\n")
PY
"$gloss" --as lead doc add "$work/big.txt" --id big >/dev/null
for c in 0 1 2 3 4 5 6 7; do "$gloss" --as lead code add "code-$c" >/dev/null; done
"$gloss" --as lead doc assign big --to ana >/dev/null
"$gloss" add --batch "$work/batch.jsonl" >/dev/null

python3 - "$gloss" "$runs" <<'PY'
import os, statistics, subprocess, sys, time
os.environ["SE_OFFLINE"] = "true"
os.environ["SE_AVOID_STATS"] = "true"
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
gloss, runs = sys.argv[1], int(sys.argv[2])
server = subprocess.Popen([gloss, "serve", "--port", "0"], stdout=subprocess.PIPE, text=True)
options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,900",
                 "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]:
    options.add_argument(argument)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
driver.set_script_timeout(60)
JUMP = """
const [where, done] = arguments;
const reader = document.querySelector('#reader');
const t0 = performance.now();
reader.scrollTop = where * (reader.scrollHeight - reader.clientHeight);
function check() {
  const marks = [...document.querySelectorAll('mark.hl')].some((mark) => {
    const box = mark.getBoundingClientRect();
    return box.bottom > 0 && box.top < innerHeight;
  });
  if (marks) requestAnimationFrame(() => done(performance.now() - t0)); else requestAnimationFrame(check);
}
requestAnimationFrame(check);
"""
# Scrolling as a reader does: 40 px a frame for 300 frames from the top third; the time
# between frames (a frame over 50 ms is a visible stutter).
SCROLL = """
const done = arguments[arguments.length - 1];
const reader = document.querySelector('#reader');
reader.scrollTop = (reader.scrollHeight - reader.clientHeight) / 3;
const gaps = [];
let last = null, frames = 0;
function step(now) {
  if (last !== null) gaps.push(now - last);
  last = now;
  if (frames++ === 300) return done(gaps);
  reader.scrollTop += 40;
  requestAnimationFrame(step);
}
requestAnimationFrame(step);
"""
try:
    url = server.stdout.readline().strip().split(" at ", 1)[1]
    driver.get(url)  # sets the cookie
    first, middle, end, gaps = [], [], [], []
    for _ in range(runs):
        driver.get(url.split("/?")[0] + "/?r=%d#doc=big" % time.time_ns())
        deadline = time.time() + 60
        mark = None
        while time.time() < deadline and not mark:
            mark = driver.execute_script(
                "const m = performance.getEntriesByName('gloss-first-render'); return m.length ? m[0].startTime : null")
            time.sleep(0.05)
        assert mark, "the page never rendered"
        marks = driver.execute_script("return document.querySelectorAll('mark.hl').length")
        assert marks > 0, "no highlights on screen"
        first.append(mark)
        middle.append(driver.execute_async_script(JUMP, 0.5))
        end.append(driver.execute_async_script(JUMP, 1.0))
        gaps += driver.execute_async_script(SCROLL)
    spans = driver.execute_script("return document.querySelectorAll('[data-testid=para]').length")
    print(f"\nserve render: 100,000-character transcript, 10,000 spans, {spans} paragraphs ({runs} runs)")
    print(f"  first render          median {statistics.median(first):8.0f} ms")
    print(f"  jump to the middle    median {statistics.median(middle):8.0f} ms (highlights painted)")
    print(f"  jump to the end       median {statistics.median(end):8.0f} ms (highlights painted)")
    gaps.sort()
    slow = sum(1 for gap in gaps if gap > 50)
    median, p95 = statistics.median(gaps), gaps[int(len(gaps) * 0.95)]
    print(f"  scrolling 40 px/frame median frame {median:5.1f} ms, 95th percentile "
          f"{p95:5.1f} ms, {slow} of {len(gaps)} frames over 50 ms")
    # Smooth: most frames on time at 60 Hz, and a late one at most one frame late.
    smooth = median <= 20 and p95 <= 35
    print(f"  verdict: scrolling {'is smooth' if smooth else 'is NOT smooth'} "
          "(target: median frame <= 20 ms, 95th percentile <= 35 ms)")
finally:
    driver.quit()
    server.terminate()
    server.wait(timeout=10)
PY
