"""pdfium is not thread-safe: a worker with several threads renders PDFs one call at a time.

The renders (text-layer and image PDFs, four threads) run in a child process, so a regression
(without `PDFIUM_LOCK` this crashed with SIGSEGV on every run here) fails this test instead of
killing the test session.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = textwrap.dedent("""
    import threading
    from synth.containers import pdf_bytes
    from synth.people import make_people
    from synth.render import render_letter
    from synth.text_pdf import text_layer_pdf
    from pipelines.pages import count_pages, load_page

    people = make_people(20, 1)
    text_pdf, _ = text_layer_pdf(letters=people[:2], list_people=people[2:20], seed=1, dpi=100)
    image_pdf = pdf_bytes([render_letter(p, i, 100).image for i, p in enumerate(people[:3])], dpi=100)
    docs = [text_pdf, image_pdf]
    errors = []

    def work(k):
        try:
            for i in range(30):
                data = docs[(k + i) % 2]
                n = count_pages(data, "application/pdf")
                assert load_page(data, "application/pdf", 1 + i % n, 100).image.width > 0
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads: t.start()
    for t in threads: t.join()
    print("errors", errors)
    raise SystemExit(1 if errors else 0)
""")



def test_pdfs_render_from_many_threads_without_crashing() -> None:
    proc = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, (proc.returncode, proc.stdout[-500:], proc.stderr[-2000:])
