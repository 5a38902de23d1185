#!/usr/bin/env python3
"""Runs QualCoder's own REFI-QDA code (src/qualcoder/refi.py) headless, without its GUI.

  qualcoder_headless.py QUALCODER_SRC export OUT_DIR
      builds a tiny QualCoder project (its own schema, read from QualCoder's __main__.py),
      then writes OUT_DIR/qualcoder.qdpx and OUT_DIR/qualcoder.qdc with RefiExport.
  qualcoder_headless.py QUALCODER_SRC import FILE.qdpx
      imports FILE.qdpx into a new QualCoder project with RefiImport and prints, as JSON,
      its texts, codes (with categories) and coded segments read back from its sqlite database.

QUALCODER_SRC is the src/ folder of a QualCoder checkout. Needs PyQt6 (pip), and
QT_QPA_PLATFORM=offscreen (set here). Dialogs are stubbed: file dialogs return the paths
given here, message boxes are not shown, the line-endings dialog keeps its default (LF).
"""
import ast
import builtins
import datetime
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import types
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
builtins._ = lambda text: text

SRC = Path(sys.argv[1]).resolve()
sys.path.insert(0, str(SRC))

from PyQt6 import QtWidgets  # noqa: E402

qt_app = QtWidgets.QApplication([])


# QualCoder's helpers module pulls in pymupdf, PIL and VLC; refi.py uses only Message from it.
class Message:
    def __init__(self, app, title, text, icon=None):
        self.text = text

    def exec(self):
        return 0


helpers = types.ModuleType("qualcoder.helpers")
helpers.Message = Message
helpers.get_default_user_directory = lambda: str(Path.home())
sys.modules["qualcoder.helpers"] = helpers

from qualcoder import refi  # noqa: E402


def qualcoder_schema():
    """The CREATE TABLE statements of QualCoder's 'new project' code, read from __main__.py."""
    tree = ast.parse((SRC / "qualcoder" / "__main__.py").read_text(encoding="utf-8"))
    statements = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            found = []
            for call in ast.walk(node):
                if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                        and call.func.attr == "execute" and call.args
                        and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)
                        and call.args[0].value.startswith("CREATE TABLE")):
                    found.append(call.args[0].value)
            if any(s.startswith("CREATE TABLE project ") for s in found):
                statements = found
                break
    if not statements:
        sys.exit("error: no CREATE TABLE project in QualCoder's __main__.py")
    return statements


class FakeApp:
    """The attributes of QualCoder's App that refi.py uses."""

    def __init__(self, project_path):
        self.project_path = str(project_path)
        self.project_name = Path(project_path).name
        self.version = "QualCoder (headless, Gloss tests)"
        self.settings = {"codername": "default", "directory": str(Path(project_path).parent), "ai_enable": "False",
                         "fontsize": 10, "font": "sans"}
        self.ai_models = []
        for sub in ("images", "audio", "video", "documents"):
            (Path(project_path) / sub).mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(Path(project_path) / "data.qda")
        cur = self.conn.cursor()
        for statement in qualcoder_schema():
            cur.execute(statement)
        cur.execute("INSERT INTO project VALUES(?,?,?,?,?,?,?,?,null,null,null)",
                    ("v17", datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S"), "", self.version, 0, 0,
                     "default", ""))
        self.conn.commit()

    def write_config_ini(self, settings, ai_models):
        pass

    def get_annotations(self):
        return []


def app_methods():
    """QualCoder's App class, for its update_coder_names (which makes the code_text_visible
    views and so on) called on FakeApp; its AI and speaker modules are stubbed."""
    ai = types.ModuleType("qualcoder.ai_llm")
    ai.get_default_ai_models = lambda *a, **k: []
    ai.update_ai_models = lambda *a, **k: []
    sys.modules.setdefault("qualcoder.ai_llm", ai)
    speakers = types.ModuleType("qualcoder.speakers")  # needs qtawesome; App uses one name of it
    speakers.speaker_coder_name = "\N{PUSHPIN} Speaker coding"
    sys.modules.setdefault("qualcoder.speakers", speakers)
    from qualcoder.app import App
    return App


class TextEdit:
    def __init__(self):
        self.lines = []

    def append(self, text):
        self.lines.append(text)


def export(out_dir):
    out_dir = Path(out_dir).resolve()
    work = Path(tempfile.mkdtemp())
    app = FakeApp(work / "tiny.qda")
    App = app_methods()
    app.get_last_project_coder = lambda: ""
    cur = app.conn.cursor()
    now = "2026-12-01 10:00:00"
    text = "Interviewer: How do you label data?\nAna: By hand, every week. It takes days.\n"
    cur.execute("insert into source (name, fulltext, mediapath, memo, owner, date) values (?,?,?,?,?,?)",
                ("interview-1.txt", text, None, "", "ana", now))
    fid = cur.lastrowid
    cur.execute("insert into code_cat (name, owner, date, memo, supercatid) values (?,?,?,?,?)",
                ("Labelling", "ana", now, "How labels are made", None))
    catid = cur.lastrowid
    codes = {}
    for name, cat, memo in [("Manual labelling", catid, "By people"), ("Time cost", None, "")]:
        cur.execute("insert into code_name (name, memo, catid, owner, date, color) values (?,?,?,?,?,?)",
                    (name, memo, cat, "ana", now, "#F5A9A9"))
        codes[name] = cur.lastrowid
    for code, quote, owner in [("Manual labelling", "By hand", "ana"), ("Time cost", "It takes days.", "ana"),
                               ("Time cost", "every week", "ben")]:
        pos0 = text.index(quote)
        cur.execute("insert into code_text (cid, fid, seltext, pos0, pos1, owner, date, memo, important) "
                    "values (?,?,?,?,?,?,?,?,?)", (codes[code], fid, quote, pos0, pos0 + len(quote), owner, now, "", None))
    app.conn.commit()
    App.update_coder_names(app)
    app.conn.commit()
    (work / "tiny.qda" / "documents" / "interview-1.txt").write_text(text, encoding="utf-8")
    out_dir.mkdir(parents=True, exist_ok=True)
    refi.QtWidgets.QFileDialog.getExistingDirectory = staticmethod(lambda *a, **k: str(out_dir))
    refi.RefiLineEndings.exec = lambda self: 0
    home = Path(tempfile.mkdtemp())
    os.environ["HOME"] = str(home)
    (home / ".qualcoder").mkdir()
    refi.RefiExport(app, TextEdit(), "project")
    refi.RefiExport(app, TextEdit(), "codebook")
    for produced in out_dir.iterdir():
        if produced.suffix == ".qdpx":
            produced.rename(out_dir / "qualcoder.qdpx")
        elif produced.suffix == ".qdc":
            produced.rename(out_dir / "qualcoder.qdc")
    shutil.rmtree(work)
    print("wrote", out_dir / "qualcoder.qdpx", out_dir / "qualcoder.qdc")


def import_project(qdpx):
    work = Path(tempfile.mkdtemp())
    copy = work / Path(qdpx).name
    shutil.copyfile(qdpx, copy)
    app = FakeApp(work / "imported.qda")
    App = app_methods()
    app.get_last_project_coder = lambda: ""
    App.update_coder_names(app)
    refi.QtWidgets.QFileDialog.getOpenFileName = staticmethod(lambda *a, **k: (str(copy), "ok"))
    refi.RefiImport(app, TextEdit(), "qdpx")
    cur = app.conn.cursor()
    cur.execute("select id, name, fulltext from source order by name")
    sources = {row[0]: {"name": row[1], "text": row[2]} for row in cur.fetchall()}
    cur.execute("select catid, name, supercatid from code_cat")
    categories = {row[0]: {"name": row[1], "parent": row[2]} for row in cur.fetchall()}
    cur.execute("select cid, name, catid, supercid from code_name order by name")
    code_rows = cur.fetchall()
    names = {row[0]: row[1] for row in code_rows}

    def path(catid):
        parts = []
        while catid is not None and catid in categories:
            parts.insert(0, categories[catid]["name"])
            catid = categories[catid]["parent"]
        return parts

    codes = [{"name": name, "categories": path(catid), "parent_code": names.get(supercid)}
             for cid, name, catid, supercid in code_rows]
    cur.execute("select cid, fid, pos0, pos1, seltext, owner from code_text order by fid, pos0, pos1, cid")
    segments = []
    for cid, fid, pos0, pos1, seltext, owner in cur.fetchall():
        full = sources[fid]["text"]
        segments.append({"code": names.get(cid), "source": sources[fid]["name"], "start": pos0, "end": pos1,
                         "seltext": seltext, "text_at_positions": full[pos0:pos1], "owner": owner})
    print(json.dumps({"sources": list(sources.values()), "codes": codes, "segments": segments},
                     ensure_ascii=False, indent=1))
    shutil.rmtree(work)


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[2] not in ("export", "import"):
        sys.exit(__doc__)
    if sys.argv[2] == "export":
        export(sys.argv[3])
    else:
        import_project(sys.argv[3])
