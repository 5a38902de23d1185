#!/usr/bin/env python3
"""Data and the Python side of Benchmarks/agree.sh.

  corpus DIR    write documents, codebook and canonical annotation files into the
                gloss project DIR (created by `gloss init`); the caller commits them
  history DIR N append N commits to DIR's branch through `git fast-import`, each
                adding or removing one assignment in one coder's file
  alphas DIR    Krippendorff's alpha (nominal, per code point) per code with the
                `krippendorff` package, reading DIR's work tree; prints JSON with the
                time spent in krippendorff.alpha
"""
import argparse
import json
import os
import random
import subprocess
import sys
import time
import uuid

WORDS = ("data label noise sensor outlier missing value model train test batch "
         "café naïve größe データ 数据 étiquette annotation interview quality").split()
CODERS = ["c1", "c2", "c3", "c4", "c5"]


def canonical_line(record):
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def write_file(path, records):
    records = sorted(records, key=lambda r: (r["start"], r["end"], r["code"], r["id"]))
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for record in records:
            out.write(canonical_line(record) + "\n")


def make_text(rng, length):
    parts, size = [], 0
    while size < length:
        paragraph = " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 140)))
        parts.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(parts)[: length - 1] + "\n"


def coder_spans(rng, length, base, keep=0.85, jitter=30, extra=3):
    """One coder's spans of one code: the shared base segments, perturbed, plus noise."""
    spans = set()
    for start, end in base:
        if rng.random() < keep:
            s = max(0, start + rng.randint(-jitter, jitter))
            e = min(length, end + rng.randint(-jitter, jitter))
            if s < e:
                spans.add((s, e))
    for _ in range(extra):
        s = rng.randrange(0, length - 10)
        spans.add((s, min(length, s + rng.randint(20, 300))))
    return sorted(spans)


def corpus(args):
    rng = random.Random(args.seed)
    root = args.dir
    os.makedirs(os.path.join(root, "documents"), exist_ok=True)
    codes = [f"code-{k}" for k in range(args.codes)]
    with open(os.path.join(root, "codebook.yaml"), "w") as out:
        out.write("codes:\n")
        for code in codes:
            out.write(f"  - id: {code}\n    name: {code.capitalize()}\n")
    total = 0
    for d in range(args.docs):
        doc = f"doc-{d:03d}"
        text = make_text(rng, args.chars)
        with open(os.path.join(root, "documents", doc + ".txt"), "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        length = len(text)
        bases = {}
        for code in codes:
            segments = []
            for _ in range(args.base):
                s = rng.randrange(0, length - 10)
                segments.append((s, min(length, s + rng.randint(50, 400))))
            bases[code] = segments
        for c, coder in enumerate(CODERS[: args.coders]):
            # Missing data: the last coder never opened the first few documents; another
            # coder opened one document and assigned nothing (an empty file).
            if c == args.coders - 1 and d < args.missing:
                continue
            folder = os.path.join(root, "annotations", coder)
            os.makedirs(folder, exist_ok=True)
            records = []
            if not (c == 0 and d == args.docs - 1):
                for code in codes:
                    for s, e in coder_spans(rng, length, bases[code]):
                        records.append({"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                                        "code": code, "start": s, "end": e, "exact": text[s:e]})
            write_file(os.path.join(folder, doc + ".jsonl"), records)
            total += len(records)
    print(json.dumps({"documents": args.docs, "code_points": args.docs * args.chars,
                      "assignments": total}))


def read_annotations(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def history(args):
    """Commits on top of the current branch through fast-import: one changed file each."""
    rng = random.Random(args.seed)
    root = args.dir
    branch = subprocess.check_output(["git", "-C", root, "symbolic-ref", "HEAD"], text=True).strip()
    docs = sorted(f[:-4] for f in os.listdir(os.path.join(root, "documents")))
    texts = {d: open(os.path.join(root, "documents", d + ".txt"), encoding="utf-8").read() for d in docs}
    files = {}
    for coder in sorted(os.listdir(os.path.join(root, "annotations"))):
        for name in os.listdir(os.path.join(root, "annotations", coder)):
            files[(coder, name[:-6])] = read_annotations(os.path.join(root, "annotations", coder, name))
    keys = sorted(files)
    when = int(time.time()) - args.commits * 60
    stream = []
    for n in range(args.commits):
        coder, doc = keys[rng.randrange(len(keys))]
        records = files[(coder, doc)]
        text = texts[doc]
        if records and rng.random() < 0.3:
            removed = records.pop(rng.randrange(len(records)))
            verb = f"removes {removed['code']} from"
        else:
            s = rng.randrange(0, len(text) - 10)
            e = min(len(text), s + rng.randint(20, 300))
            code = f"code-{rng.randrange(args.codes)}"
            records.append({"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                            "code": code, "start": s, "end": e, "exact": text[s:e]})
            verb = f"adds {code} to"
        records.sort(key=lambda r: (r["start"], r["end"], r["code"], r["id"]))
        body = "".join(canonical_line(r) + "\n" for r in records).encode("utf-8")
        message = f"gloss: {coder} {verb} {doc}\n\nGloss-Coder: {coder}\n".encode("utf-8")
        when += 60
        stream.append(f"commit {branch}\n".encode())
        stream.append(f"committer {coder} <{coder}@example.org> {when} +0000\n".encode())
        stream.append(f"data {len(message)}\n".encode() + message)
        if n == 0:
            stream.append(f"from {branch}^0\n".encode())
        path = f"annotations/{coder}/{doc}.jsonl"
        stream.append(f"M 100644 inline {path}\ndata {len(body)}\n".encode() + body + b"\n")
    subprocess.run(["git", "-C", root, "fast-import", "--quiet"], input=b"".join(stream), check=True)
    subprocess.run(["git", "-C", root, "reset", "-q", "--hard"], check=True)


def alphas(args):
    import numpy as np
    import krippendorff

    root = args.dir
    docs = sorted(f[:-4] for f in os.listdir(os.path.join(root, "documents")))
    coders = sorted(c for c in os.listdir(os.path.join(root, "annotations")) if c != "consensus")
    codes = []
    with open(os.path.join(root, "codebook.yaml")) as f:
        for line in f:
            if line.strip().startswith("- id:"):
                codes.append(line.split(":", 1)[1].strip())
    codes.sort()
    # Reliability data per code: coders × code points of the documents two coders coded.
    started = time.perf_counter()
    matrices = {code: [] for code in codes}
    for doc in docs:
        text = open(os.path.join(root, "documents", doc + ".txt"), encoding="utf-8").read()
        present = {}
        for coder in coders:
            path = os.path.join(root, "annotations", coder, doc + ".jsonl")
            if os.path.exists(path):
                present[coder] = read_annotations(path)
        if len(present) < 2:
            continue
        for code in codes:
            block = np.full((len(coders), len(text)), np.nan)
            for i, coder in enumerate(coders):
                if coder in present:
                    block[i, :] = 0.0
                    for r in present[coder]:
                        if r["code"] == code:
                            block[i, r["start"]:r["end"]] = 1.0
            matrices[code].append(block)
    prepared = time.perf_counter() - started
    result, spent = {}, 0.0
    for code in codes:
        data = np.concatenate(matrices[code], axis=1)
        t0 = time.perf_counter()
        value = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal",
                                   value_domain=[0.0, 1.0])
        spent += time.perf_counter() - t0
        result[code] = None if value is None or value != value else float(value)
    print(json.dumps({"alphas": result, "alpha_seconds": spent, "prepare_seconds": prepared}))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("corpus")
    c.add_argument("dir")
    c.add_argument("--docs", type=int, default=40)
    c.add_argument("--chars", type=int, default=50_000)
    c.add_argument("--coders", type=int, default=5)
    c.add_argument("--codes", type=int, default=8)
    c.add_argument("--base", type=int, default=32, help="shared segments per code and document")
    c.add_argument("--missing", type=int, default=4, help="documents the last coder never coded")
    c.add_argument("--seed", type=int, default=1)
    h = sub.add_parser("history")
    h.add_argument("dir")
    h.add_argument("commits", type=int)
    h.add_argument("--codes", type=int, default=8)
    h.add_argument("--seed", type=int, default=2)
    a = sub.add_parser("alphas")
    a.add_argument("dir")
    args = parser.parse_args()
    {"corpus": corpus, "history": history, "alphas": alphas}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
