#!/usr/bin/env bash
# strace witnesses the order of a commit's system calls (objects flushed before the branch moves).
. "$(dirname "$0")/lib.sh"
command -v strace >/dev/null 2>&1 ||
  apt_install "strace (for the commit engine's durability test)" strace ||
  echo "warning: strace not installed; the durability-order test will be skipped" >&2
