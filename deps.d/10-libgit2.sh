#!/usr/bin/env bash
# libgit2 comes from the system (pkg-config libgit2); install it when missing.
. "$(dirname "$0")/lib.sh"
if ! pkg-config --exists libgit2 2>/dev/null; then
  apt_install "libgit2-dev (the git library gloss is built on)" libgit2-dev pkg-config
fi
pkg-config --exists libgit2 || { echo "error: libgit2-dev could not be installed" >&2; exit 1; }
