#!/usr/bin/env bash
# Runs the benchmarks side by side with their peers: `Benchmarks/run.sh GLOSS [case...]`.
# With no case, every Benchmarks/*.sh case runs.
set -euo pipefail
gloss="${1:?usage: run.sh path/to/gloss [case...]}"
shift
here="$(cd "$(dirname "$0")" && pwd)"
cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
  for f in "$here"/*.sh; do
    name="$(basename "$f" .sh)"
    [ "$name" = run ] || cases+=("$name")
  done
fi
for name in "${cases[@]}"; do
  echo "== $name"
  bash "$here/$name.sh" "$gloss"
done
