#!/bin/sh
# Gloss CI check, for any CI that runs shell: validates the project (format, and the
# authorship of the commits being tested) and, when GLOSS_MIN_ALPHA is set, refuses the
# build if any code's Krippendorff's alpha falls below it.
#
#   GLOSS          the gloss binary (default: gloss on PATH)
#   GLOSS_BASE     the commit the tested range starts after (default: none, whole history)
#   GLOSS_MIN_ALPHA  agreement gate, e.g. 0.67 (default: no gate)
#   GLOSS_UNIT     agreement unit for the gate (default: char)
set -eu
gloss="${GLOSS:-gloss}"
base="${GLOSS_BASE:-}"
status=0
echo "gloss: validating ${base:-the whole history}..HEAD"
"$gloss" validate --range "$base..HEAD" || status=1
if [ -n "${GLOSS_MIN_ALPHA:-}" ]; then
  echo "gloss: agreement gate, alpha >= $GLOSS_MIN_ALPHA (unit ${GLOSS_UNIT:-char})"
  "$gloss" agree --unit "${GLOSS_UNIT:-char}" --min "$GLOSS_MIN_ALPHA" || status=1
fi
exit $status
