#!/usr/bin/env python3
"""Writes docs/commands.md from the help of every gloss command: `python3 docs/make-commands.py GLOSS`."""
import re, subprocess, sys

gloss = sys.argv[1] if len(sys.argv) > 1 else "gloss"

def help_of(path):
    return subprocess.run([gloss, *path, "--help"], capture_output=True, text=True).stdout

def subcommands(text):
    names, inside = [], False
    for line in text.splitlines():
        if line.startswith("SUBCOMMANDS:"):
            inside = True
            continue
        if inside:
            if not line.strip():
                break
            m = re.match(r"^  ([a-z][a-z-]*)\b", line)
            if m and m.group(1) != "help":
                names.append(m.group(1))
    return names

out = ["# Command reference", "",
       "Generated from `gloss <command> --help` by `docs/make-commands.py`; the help is the",
       "source of truth. Exit status: 0 on success, 1 for a failed check or a domain error",
       "(one `error:` line on stderr), 64 for usage errors.", ""]

def visit(path):
    text = help_of(path)
    out.extend([f"## gloss {' '.join(path)}".rstrip(), "", "```text", text.rstrip(), "```", ""])
    for name in subcommands(text):
        visit(path + [name])

visit([])
open("docs/commands.md", "w").write("\n".join(out))
print("wrote docs/commands.md")
