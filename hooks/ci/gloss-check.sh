#!/bin/sh
# Gloss CI check, for any CI that runs shell: validates the project (format, and the
# authorship of the commits being tested) and runs the agreement gate (`gloss agree
# --gate`): the build fails if a code's Krippendorff's alpha falls below the threshold.
# gloss.yaml's gate: (min, unit, codes) sets the gate for the team; the variables override it.
#
#   GLOSS          the gloss binary (default: gloss on PATH)
#   GLOSS_BASE     the commit the tested range starts after (default: none, whole history)
#   GLOSS_MIN_ALPHA  threshold, e.g. 0.67 (default: gloss.yaml's gate: min; neither: no gate)
#   GLOSS_UNIT     agreement unit for the gate (default: gloss.yaml's gate: unit, else char)
set -eu
gloss="${GLOSS:-gloss}"
base="${GLOSS_BASE:-}"
status=0
echo "gloss: validating ${base:-the whole history}..HEAD"
"$gloss" validate --range "$base..HEAD" || status=1
echo "gloss: agreement gate${GLOSS_MIN_ALPHA:+, alpha >= $GLOSS_MIN_ALPHA}${GLOSS_UNIT:+ (unit $GLOSS_UNIT)}"
"$gloss" agree --gate ${GLOSS_MIN_ALPHA:+--min "$GLOSS_MIN_ALPHA"} ${GLOSS_UNIT:+--unit "$GLOSS_UNIT"} || status=1
exit $status
