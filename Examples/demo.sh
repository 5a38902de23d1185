#!/usr/bin/env bash
# The main job on the bundled Delve exports: a lead sets up a project from them, ana brings
# her Delve coding of interview 34 and ben codes it in gloss, each on their own branch, and
# the lead merges their work and compares them.
set -euo pipefail
gloss="${1:-gloss}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/gloss-demo.XXXXXX")"
# The demo must work where git has no identity configured.
export GIT_AUTHOR_NAME="${GIT_AUTHOR_NAME:-Gloss Demo}" GIT_AUTHOR_EMAIL="${GIT_AUTHOR_EMAIL:-demo@example.org}"
export GIT_COMMITTER_NAME="${GIT_COMMITTER_NAME:-Gloss Demo}" GIT_COMMITTER_EMAIL="${GIT_COMMITTER_EMAIL:-demo@example.org}"
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { step "$*"; "$@"; }
g() { step "gloss $*"; "$gloss" "$@"; }

cd "$work"
g init study --as lead --name "ML data-quality interviews"
cd study
g --as lead import delve "$here/interview-34.txt" "$here/interview-35.txt" --text-only
g --as lead code add "Data-containing-outliers" --description "Readings or values far outside the expected range."
g --as lead code add "Data-missing-value" --description "Gaps in the data."
g --as lead code add "Data-low-quantity" --description "Too few examples to train on."
g --as lead doc assign interview-34 --to ana ben
g doc list

run git checkout -q -b ana main
g --as ana import delve "$here/interview-34.txt"
g --as ana add interview-34 data-containing-outliers --quote "I found the outliers" --memo "sensor readings out of range"

run git checkout -q -b ben main
g --as ben add interview-34 data-containing-outliers --para 21
g --as ben add interview-34 data-missing-value --para 27
g --as ben add interview-34 data-missing-value --para 30
g --as ben add interview-34 data-low-quantity --para 79

run git checkout -q main
g --as lead merge ana
g --as lead merge ben
g ls --doc interview-34
g log --max-count 4
g diff --coders ana ben
g agree --unit para
g agree --format json | cut -c1-400
g --as lead reconcile interview-34 --coders ana,ben | sed -n '1,12p'
g doc show interview-34 --coder ana --para | sed -n '/^¶21 /,/^¶22 /p'
printf '\nThe demo project is in %s\n' "$work/study"
printf 'Code it in the browser: %s -C %s --as ana serve --open\n' "$gloss" "$work/study"
