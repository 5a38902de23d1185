#!/usr/bin/env bash
# xmllint validates REFI-QDA exports against the published schemas in the tests.
. "$(dirname "$0")/lib.sh"
command -v xmllint >/dev/null 2>&1 ||
  apt_install "libxml2-utils (xmllint, for the REFI-QDA schema tests)" libxml2-utils ||
  echo "warning: libxml2-utils not installed; REFI-QDA schema tests will be skipped" >&2
