#!/usr/bin/env python3
"""Builds a large Gloss project quickly with `git fast-import`, for benchmarks.

usage: make_history_repo.py DIR [--commits N] [--assignments N] [--coders N] [--docs N] [--codes N]

The repository holds `--docs` transcripts, a codebook of `--codes` codes, and
`--assignments` canonical annotation records spread over `--coders` coders, added in
`--commits` commits (each commit adds a few records to one coder's file, the way coding
happens). Files are written in Gloss's canonical form so `gloss` reads them as its own.
"""
import argparse, json, os, random, subprocess, uuid

def canonical(record):
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--commits", type=int, default=10_000)
    ap.add_argument("--assignments", type=int, default=100_000)
    ap.add_argument("--coders", type=int, default=5)
    ap.add_argument("--docs", type=int, default=100)
    ap.add_argument("--codes", type=int, default=8)
    ap.add_argument("--doc-length", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.dir, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", a.dir], check=True)
    words = "data model label noise missing outlier sensor train test small weather value".split()
    docs = {}
    for d in range(a.docs):
        text, paragraphs = [], []
        while sum(len(p) + 2 for p in paragraphs) < a.doc_length:
            paragraphs.append(" ".join(rng.choice(words) for _ in range(rng.randint(8, 60))) + ".")
        docs[f"doc-{d:04d}"] = "\n\n".join(paragraphs) + "\n"
    codes = [f"code-{c}" for c in range(a.codes)]
    coders = [f"coder{c}" for c in range(a.coders)]
    files = {}  # path -> list of records
    used = {}   # path -> set of (code,start,end)
    stream = []
    mark = [0]
    def blob(data):
        mark[0] += 1
        raw = data.encode("utf-8")
        stream.append(b"blob\nmark :%d\ndata %d\n" % (mark[0], len(raw)) + raw + b"\n")
        return mark[0]
    def commit(message, coder, changes, when, first=False):
        body = f"{message}\n\nGloss-Coder: {coder}\n".encode()
        out = [b"commit refs/heads/main\n",
               b"author %s <%s@example.org> %d +0000\n" % (coder.encode(), coder.encode(), when),
               b"committer %s <%s@example.org> %d +0000\n" % (coder.encode(), coder.encode(), when),
               b"data %d\n" % len(body), body]
        for path, m in changes:
            out.append(b"M 100644 :%d %s\n" % (m, path.encode()))
        out.append(b"\n")
        stream.append(b"".join(out))
    when = 1_700_000_000
    setup = [("gloss.yaml", blob("gloss: 1\nname: benchmark\nleads: [lead]\n")),
             ("codebook.yaml", blob("codes:\n" + "".join(f"  - id: {c}\n    name: {c.capitalize()}\n" for c in codes))),
             (".gitattributes", blob("*.txt text eol=lf\n*.yaml text eol=lf\n*.jsonl text eol=lf merge=gloss\ncodebook.yaml merge=gloss\n"))]
    setup += [(f"documents/{d}.txt", blob(t)) for d, t in docs.items()]
    commit("gloss: lead creates the project", "lead", setup, when)
    per_commit = max(1, a.assignments // max(1, a.commits - 1))
    remaining = a.assignments
    doc_ids = list(docs)
    for i in range(a.commits - 1):
        coder = coders[i % len(coders)]
        doc = doc_ids[(i // len(coders)) % len(doc_ids)]
        path = f"annotations/{coder}/{doc}.jsonl"
        records = files.setdefault(path, [])
        keys = used.setdefault(path, set())
        text = docs[doc]
        n = per_commit if i < a.commits - 2 else remaining
        n = min(n, remaining)
        for _ in range(n):
            while True:
                start = rng.randrange(0, len(text) - 200)
                end = start + rng.randint(20, 200)
                code = rng.choice(codes)
                if (code, start, end) not in keys:
                    break
            keys.add((code, start, end))
            records.append({"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "code": code,
                            "start": start, "end": end, "exact": text[start:end]})
        remaining -= n
        records.sort(key=lambda r: (r["start"], r["end"], r["code"], r["id"]))
        when += 60
        commit(f"gloss: {coder} adds {n} assignments to {doc}", coder,
               [(path, blob("".join(canonical(r) for r in records)))], when)
    data = b"".join(stream)
    subprocess.run(["git", "-C", a.dir, "fast-import", "--quiet"], input=data, check=True)
    subprocess.run(["git", "-C", a.dir, "checkout", "-q", "-f", "main"], check=True)
    subprocess.run(["git", "-C", a.dir, "config", "merge.gloss.driver", "gloss merge-driver %O %A %B %P"], check=True)
    total = sum(len(r) for r in files.values())
    print(f"built {a.dir}: {a.commits} commits, {total} assignments, {len(files)} annotation files, {len(docs)} documents")

if __name__ == "__main__":
    main()
