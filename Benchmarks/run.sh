#!/usr/bin/env bash
# Runs the benchmarks side by side with their peers: `Benchmarks/run.sh GLOSS [case...]`.
# With no case, every Benchmarks/*.sh case runs; serve_render (headless Chromium) only where
# chromium, chromedriver and selenium are installed (make deps), else it says it skips.
set -euo pipefail
gloss="${1:?usage: run.sh path/to/gloss [case...]}"
shift
here="$(cd "$(dirname "$0")" && pwd)"
# The figures in docs/scale.md are of a release build with the Swift runtime linked in
# (--static-swift-stdlib, as `make release`); loading it as shared libraries costs a
# `gloss add` more than its own commit.
if ldd "$gloss" 2>/dev/null | grep -q libswiftCore; then
  echo "note: $gloss loads the Swift runtime as shared libraries; build it as the Makefile does:" >&2
  echo "  swift build -c release --static-swift-stdlib --scratch-path .build-release" >&2
fi
cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
  for f in "$here"/*.sh; do
    name="$(basename "$f" .sh)"
    [ "$name" = run ] && continue
    if [ "$name" = serve_render ] && ! { [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] &&
      python3 -c 'import selenium' 2>/dev/null; }; then
      echo "== $name: skipped (needs chromium, chromedriver and selenium: make deps)"
      continue
    fi
    cases+=("$name")
  done
fi
for name in "${cases[@]}"; do
  echo "== $name"
  bash "$here/$name.sh" "$gloss"
done
