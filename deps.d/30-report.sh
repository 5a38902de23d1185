#!/usr/bin/env bash
# gloss report: html5lib validates its HTML in the tests.
. "$(dirname "$0")/lib.sh"
pip_install html5lib html5lib ||
  echo "warning: html5lib not installed; the report's HTML validation test will fail" >&2
