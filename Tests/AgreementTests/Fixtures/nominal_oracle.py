#!/usr/bin/env python3
"""Oracle for `gloss agree --by-parent` (tests only, never shipped).

Reads a JSON list of data sets {"categories": [label, ...], "rows": [[label or null, ...]
per coder]} on stdin and prints a list of the multi-category figures of each, as other
projects compute them:
  alpha         krippendorff.alpha, nominal, on every unit (missing values allowed);
  pa            irrCAC's Gwet AC1 `pa` on every unit (mean agreement of units with 2+ values);
  fleiss_kappa  statsmodels fleiss_kappa on the units every coder coded;
  ac1, bp       irrCAC gwet() and bp() on those units, q = every category given;
  pairs         statsmodels cohens_kappa on the units both coders coded.
Undefined figures (NaN, or a library refusing) are null. Installed by
deps.d/70-agreement-oracles.sh.
"""
import json
import math
import sys
import warnings

import numpy as np
import pandas as pd
import krippendorff
from irrCAC.raw import CAC
from statsmodels.stats import inter_rater

warnings.filterwarnings("ignore")


def clean(value):
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) or math.isinf(value) else value


def guarded(compute):
    try:
        return clean(compute())
    except (ZeroDivisionError, ValueError, FloatingPointError):
        return None


def figures(data):
    labels = data["categories"]
    code = {label: index for index, label in enumerate(labels)}
    rows = [[None if value is None else code[value] for value in row] for row in data["rows"]]
    coders = len(rows)
    matrix = np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)
    result = {}
    result["alpha"] = guarded(
        lambda: krippendorff.alpha(
            reliability_data=matrix, level_of_measurement="nominal",
            value_domain=list(range(len(labels)))))
    # irrCAC wants units as rows, coders as columns.
    frame = pd.DataFrame(matrix.T)
    result["pa"] = guarded(lambda: CAC(frame, categories=list(range(len(labels))), digits=15)
                           .gwet()["est"]["pa"])
    complete = frame.dropna()
    if len(complete) > 0:
        counts, _ = inter_rater.aggregate_raters(complete.values.astype(int), n_cat=len(labels))
        result["fleiss_kappa"] = guarded(lambda: inter_rater.fleiss_kappa(counts, method="fleiss"))
        listwise = CAC(complete, categories=list(range(len(labels))), digits=15)
        result["ac1"] = guarded(lambda: listwise.gwet()["est"]["coefficient_value"])
        result["bp"] = guarded(lambda: listwise.bp()["est"]["coefficient_value"])
    else:
        result["fleiss_kappa"] = result["ac1"] = result["bp"] = None
    pairs = []
    for a in range(coders):
        for b in range(a + 1, coders):
            both = frame[[a, b]].dropna().astype(int)
            entry = {"a": a, "b": b, "n_units": len(both)}
            if len(both) == 0:
                entry["pa"] = entry["cohen_kappa"] = None
            else:
                table = pd.crosstab(both[a], both[b]).reindex(
                    index=range(len(labels)), columns=range(len(labels)), fill_value=0)
                entry["pa"] = clean(np.trace(table.values) / len(both))
                used = set(both[a]) | set(both[b])
                entry["cohen_kappa"] = (
                    None if len(used) < 2
                    else guarded(lambda: inter_rater.cohens_kappa(table.values).kappa))
            pairs.append(entry)
    result["pairs"] = pairs
    return result


def main():
    json.dump([figures(data) for data in json.load(sys.stdin)], sys.stdout)


if __name__ == "__main__":
    main()
