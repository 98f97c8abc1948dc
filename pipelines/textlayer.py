"""Pages with a real PDF text layer, read from the text instead of OCR.

`extract_words` runs while the page is rendered (pages.py) and keeps only *visible*
text (render mode other than 3/invisible), boxed in pixels of the rendered image.
`text_line_groups` turns words into lines; the letter and list readers accept these lines
in place of OCR output, so the same parsing serves scans and computer-made PDFs.
"""

from __future__ import annotations

from typing import Any

from pipelines.engines.base import OcrLine
from pipelines.pages import TextWord

_INVISIBLE = 3  # FPDF_TEXTRENDERMODE_INVISIBLE


def extract_words(page: Any, scale: float, image_size: tuple[int, int]) -> tuple[TextWord, ...]:
    """Visible words of a pypdfium2 page, boxed in rendered-image pixels."""
    import pypdfium2.raw as raw

    textpage = page.get_textpage()
    try:
        n = textpage.count_chars()
        if n <= 0:
            return ()
        width_pt, height_pt, rotation = _frame(page)
        visible: dict[int, bool] = {}
        words: list[TextWord] = []
        cur: list[str] = []
        box = [0.0, 0.0, 0.0, 0.0]
        last_right = -1e9

        def flush() -> None:
            if cur:
                words.append(TextWord("".join(cur), _to_pixels(box, scale, width_pt, height_pt, rotation)))
                cur.clear()

        for i in range(n):
            code = raw.FPDFText_GetUnicode(textpage.raw, i)
            ch = chr(code) if code else " "
            obj = raw.FPDFText_GetTextObject(textpage.raw, i)
            key = int(raw.cast(obj, raw.c_void_p).value or 0) if obj else 0
            if key and key not in visible:
                visible[key] = raw.FPDFTextObj_GetTextRenderMode(obj) != _INVISIBLE
            if ch.isspace() or (key and not visible[key]):
                flush()
                continue
            left, bottom, right, top = textpage.get_charbox(i, loose=True)
            size = max(top - bottom, 1.0)
            if cur and (left - last_right > 0.4 * size or abs(top - box[3]) > 0.5 * size):
                flush()
            if not cur:
                box = [left, bottom, right, top]
            else:
                box = [min(box[0], left), min(box[1], bottom), max(box[2], right), max(box[3], top)]
            cur.append(ch)
            last_right = right
        flush()
        return tuple(words)
    finally:
        textpage.close()


RULE_THICK = 2.0  # pt: a path thinner than this (and long) is a ruling stroke
RULE_LONG = 6.0  # pt


def extract_rulings(page: Any, scale: float) -> tuple[tuple[int, int, int, int], ...]:
    """Straight ruling strokes of a pypdfium2 page drawn as vector paths (table lines), boxed
    in rendered-image pixels. A computer-made form's table is read from these, not from pixels."""
    import pypdfium2.raw as raw

    width_pt, height_pt, rotation = _frame(page)
    out: list[tuple[int, int, int, int]] = []
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        thin, long = sorted((right - left, top - bottom))
        if thin <= RULE_THICK and long >= RULE_LONG:
            edges = [[left, bottom, right, top]]
        elif thin >= RULE_LONG and _is_rectangle(raw, obj, (left, bottom, right, top)):
            w = min(RULE_THICK, 1.0)  # a drawn rectangle (a shaded header row): its four edges
            edges = [
                [left, top - w, right, top],
                [left, bottom, right, bottom + w],
                [left, bottom, left + w, top],
                [right - w, bottom, right, top],
            ]
        else:
            continue
        out.extend(_to_pixels(e, scale, width_pt, height_pt, rotation) for e in edges)
    return tuple(out)


def _is_rectangle(raw: Any, obj: Any, bounds: tuple[float, float, float, float]) -> bool:
    """Whether a path is one axis-aligned rectangle: 4-5 points, each on a corner of its bounds
    (a signature's polyline has other points)."""
    n = raw.FPDFPath_CountSegments(obj.raw)
    if n not in (4, 5):
        return False
    left, bottom, right, top = bounds
    x, y = raw.FS_FLOAT(), raw.FS_FLOAT()
    slack = 2.0  # the bounds include half the stroke width
    for i in range(n):
        segment = raw.FPDFPath_GetPathSegment(obj.raw, i)
        if not segment or not raw.FPDFPathSegment_GetPoint(segment, x, y):
            return False
        px, py = _transformed(obj, x.value, y.value)
        on_x = min(abs(px - left), abs(px - right)) <= slack
        on_y = min(abs(py - bottom), abs(py - top)) <= slack
        if not (on_x and on_y):
            return False
    return True


def _transformed(obj: Any, x: float, y: float) -> tuple[float, float]:
    """A path point in page space (segment points are in the object's own space)."""
    m = obj.get_matrix()
    return m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f


def _frame(page: Any) -> tuple[float, float, int]:
    """(width, height, rotation) of a pypdfium2 page: points as the page is shown, turned by
    its /Rotate, and that rotation."""
    width_pt, height_pt = page.get_size()
    rotation = int(page.get_rotation()) % 360
    if rotation in (90, 270):
        width_pt, height_pt = height_pt, width_pt
    return width_pt, height_pt, rotation


def _to_pixels(
    box: list[float], scale: float, width_pt: float, height_pt: float, rotation: int
) -> tuple[int, int, int, int]:
    left, bottom, right, top = box
    # Unrotated page: origin bottom-left. Rendered image: origin top-left, turned clockwise.
    if rotation == 90:
        x0, y0, x1, y1 = bottom, left, top, right
    elif rotation == 180:
        x0, y0, x1, y1 = width_pt - right, bottom, width_pt - left, top
    elif rotation == 270:
        x0, y0, x1, y1 = width_pt - top, height_pt - right, width_pt - bottom, height_pt - left
    else:
        x0, y0, x1, y1 = left, height_pt - top, right, height_pt - bottom
    return (int(x0 * scale), int(y0 * scale), int(x1 * scale + 0.999), int(y1 * scale + 0.999))


def text_lines(words: tuple[TextWord, ...]) -> list[OcrLine]:
    """Group words into lines (top to bottom, left to right), as an OCR engine would."""
    rows: list[list[TextWord]] = []
    for w in sorted(words, key=lambda w: (w.box[1] + w.box[3]) / 2):
        cy = (w.box[1] + w.box[3]) / 2
        h = w.box[3] - w.box[1]
        if rows:
            last = rows[-1]
            ly = sum((x.box[1] + x.box[3]) / 2 for x in last) / len(last)
            if abs(cy - ly) < 0.5 * max(h, 1):
                last.append(w)
                continue
        rows.append([w])
    lines: list[OcrLine] = []
    for row in rows:
        row.sort(key=lambda w: w.box[0])
        # Split a visual row where words are far apart (table columns, label/value pairs).
        chunk: list[TextWord] = [row[0]]
        for w in row[1:]:
            h = max(w.box[3] - w.box[1], 1)
            if w.box[0] - chunk[-1].box[2] > 2.5 * h:
                lines.append(_line(chunk))
                chunk = []
            chunk.append(w)
        lines.append(_line(chunk))
    return lines


def _line(words: list[TextWord]) -> OcrLine:
    return OcrLine(
        text=" ".join(w.text for w in words),
        confidence=1.0,
        box=(
            min(w.box[0] for w in words),
            min(w.box[1] for w in words),
            max(w.box[2] for w in words),
            max(w.box[3] for w in words),
        ),
    )


def words_in(words: tuple[TextWord, ...], box: tuple[int, int, int, int]) -> str:
    """The text of the words whose centre lies inside `box` (a table cell), in reading order."""
    x0, y0, x1, y1 = box
    inside = [w for w in words if x0 <= (w.box[0] + w.box[2]) / 2 <= x1 and y0 <= (w.box[1] + w.box[3]) / 2 <= y1]
    rows: list[list[TextWord]] = []
    for w in sorted(inside, key=lambda w: (w.box[1] + w.box[3]) / 2):
        cy = (w.box[1] + w.box[3]) / 2
        if rows and abs(cy - (rows[-1][0].box[1] + rows[-1][0].box[3]) / 2) < 0.5 * max(1, w.box[3] - w.box[1]):
            rows[-1].append(w)
        else:
            rows.append([w])
    return " ".join(w.text for row in rows for w in sorted(row, key=lambda w: w.box[0]))
