"""Writes python-docx.docx with python-docx (PyPI python-docx 1.2.0), whose default
template is a document saved by Microsoft Word: run `python3 make-python-docx.py`."""
from docx import Document
from docx.enum.text import WD_BREAK

doc = Document()
doc.core_properties.author = "gloss tests"
doc.add_heading("Focus group 3", level=1)
p = doc.add_paragraph()
p.add_run("Moderator:").bold = True
p.add_run(" Who labels the images?")
p = doc.add_paragraph()
p.add_run("Participant 2:").bold = True
run = p.add_run(" We do, by hand.")
run.add_break(WD_BREAK.LINE)
p.add_run("Every\tFriday.")
doc.add_paragraph("")
doc.add_heading("Tools", level=2)
doc.add_paragraph("Spreadsheets", style="List Bullet")
table = doc.add_table(rows=2, cols=2)
table.cell(0, 0).text = "Tool"
table.cell(0, 1).text = "Users"
table.cell(1, 0).text = "Excel"
table.cell(1, 1).text = "everyone"
doc.add_paragraph("Moderator: Thank you – naïve question, sorry 🙂")
doc.save("python-docx.docx")
