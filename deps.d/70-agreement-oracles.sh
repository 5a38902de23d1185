#!/usr/bin/env bash
# gloss agree --by-parent: the tests check the multi-category figures against independent
# implementations (krippendorff, statsmodels, irrCAC) through a Python oracle script.
. "$(dirname "$0")/lib.sh"
pip_install krippendorff krippendorff numpy ||
  echo "warning: krippendorff not installed; the --by-parent oracle test will fail" >&2
pip_install statsmodels statsmodels ||
  echo "warning: statsmodels not installed; the --by-parent oracle test will fail" >&2
pip_install irrCAC irrCAC pandas ||
  echo "warning: irrCAC not installed; the --by-parent oracle test will fail" >&2
