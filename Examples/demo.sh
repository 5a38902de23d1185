#!/usr/bin/env bash
# The main job on the bundled transcripts: a lead sets up a project, two coders code
# interview 34 on their own branches, the lead merges their work and compares them.
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
g --as lead doc add "$here/interview-34.txt" "$here/interview-35.txt"
g --as lead code add "Data-containing-outliers" --description "Readings or values far outside the expected range."
g --as lead code add "Data-missing-value" --description "Gaps in the data."
g --as lead code add "Data-low-quantity" --description "Too few examples to train on."
g --as lead doc assign interview-34 --to ana ben
g doc list

run git checkout -q -b ana main
g --as ana add interview-34 data-containing-outliers --para 23 --memo "sensor readings out of range"
g --as ana add interview-34 data-containing-outliers --quote "I found the outliers"
g --as ana add interview-34 data-missing-value --para 216
g --as ana add interview-34 data-low-quantity --quote "the size of the data set, which is really small"

run git checkout -q -b ben main
g --as ben add interview-34 data-containing-outliers --para 23
g --as ben add interview-34 data-missing-value --para 216
g --as ben add interview-34 data-missing-value --para 259
g --as ben add interview-34 data-low-quantity --para 104

run git checkout -q main
run git merge -q --no-edit ana ben
g ls --doc interview-34
g log --max-count 4
g diff --coders ana ben
g doc show interview-34 --coder ana --para | sed -n '/^¶23 /,/^¶24 /p'
printf '\nThe demo project is in %s\n' "$work/study"
