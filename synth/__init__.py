"""Synthetic support documents with exact ground truth (fictional people only).

Modules: `people` (Person, make_people, voter_list_csv), `render` (pages as images with truth),
`degrade` (scan damage), `containers` / `documents` (files, `make_submission`), `text_pdf`
(PDFs with a real text layer). Importing the package draws nothing and reads no file.
"""
