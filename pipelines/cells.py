"""Reading the text of one box of a form (a table cell, a labelled value), by OCR or text layer.

The OCR reader cleans the crop before Tesseract sees it: ruling and the boxes of a NIK
printed one digit per box are painted white, the ink is cut into text lines, and each line
is cropped tight and scaled to a height Tesseract reads well. Each line is then one
single-line call (`read_line`), with a character whitelist where the field allows it.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterator
from typing import Protocol

import cv2
import numpy as np
from numpy.typing import NDArray

from pipelines.engines.base import OcrEngine, OcrLine, OcrText
from pipelines.nik import NIK_LENGTH
from pipelines.pages import TextWord
from pipelines.table import components, horizontal_lines, labels_in, morph, runs, spread, u8, vertical_lines
from pipelines.textlayer import words_in

Gray = NDArray[np.uint8]
Box = tuple[int, int, int, int]
_Line = tuple[tuple[int, int, int, int], Gray]  # (top, bottom, left, right) in the box, tight crop

DIGITS = "0123456789"
NAME_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz .,'-"
SEX_CHARS = "LPlp"
LINE_HEIGHT = 15  # px of ink of a text line as handed to Tesseract
NAME_HEIGHT = 20  # names: apostrophes and word gaps are lost at 15 px
NAME_CHECK_HEIGHT = 26  # the second, independent reading of a name
SMALL_PRINT = 14  # px: capitals shorter are small print (150 dpi: 11-14 px; 200 dpi: 14-18 px)
# Wide gaps in a line of digits that show them spread out one per box (16 digits: 15 gaps; a
# grouped NIK, "3173 0108 0974 3135", has 3)
SPREAD_GAPS = 8
DUST = 0.3  # a mark no larger than this share of the glyphs' height, in both directions, is no digit
WITNESS_HEIGHT = 32  # line height handed to the witness engine (it rescales to 48 itself)
# A cell's lines are set side by side this many line heights apart: Tesseract reads the blank as
# the word break it is; the witness wants a word-sized one (two heights apart it ran the words of
# 45 of 177 wrapped 150/200-dpi names together, and was sure of 3: the join its weakest
# character; half a height apart, 12 and 106)
JOIN_GAP = 2.0
WITNESS_JOIN_GAP = 0.5


class CellReader(Protocol):
    def read(
        self,
        box: Box,
        *,
        charset: str | None = None,
        boxed_digits: bool = False,
        height: int = LINE_HEIGHT,
        close_gaps: bool | None = None,
        name: bool = False,
    ) -> OcrText:
        """The text of a box; `height` is the ink height lines are scaled to (OCR only);
        `name`: the box holds a name (OCR only: small print is read with care, see OcrCellReader)."""
        ...

    def ink_width(self, box: Box, *, boxed_digits: bool = False) -> float:
        """Share of the box's width that carries ink (text), 0..1; ruling excluded."""
        ...


class OcrCellReader:
    """Cells of an upright grey page, read by an OCR engine."""

    def __init__(
        self,
        gray: Gray,
        engine: OcrEngine,
        *,
        ruled: bool = True,
        witness: OcrEngine | None = None,
        check: OcrEngine | None = None,
    ) -> None:
        """`ruled`: the boxes are table cells whose ruling may show at the edges (False for
        text lines cut by projection, where a "vertical line" would be the stem of a letter).
        `witness`: a second, independent engine (RapidOCR) asked where the first is unsure.
        `check`: another model of the first engine, for second readings (`read(check=True)`)."""
        self.gray = gray
        self.ruled = ruled
        self.engine = engine
        self.witness = witness
        self.check = check
        self.seconds_budget = 2.0
        self._cache: dict[tuple[Box, bool], tuple[Gray | None, Gray | None]] = {}
        self._boxed: dict[Box, bool] = {}  # boxes cleaned for digits: whether digit boxes were found
        self._found: dict[tuple[Box, bool, bool], list[_Line] | None] = {}  # text lines by box
        self._smalls: dict[tuple[Box, bool, int], bool] = {}  # boxes in small print
        self._unspecked: dict[Box, Gray] = {}  # a box's ink before specks were dropped (not digits)

    def read(
        self,
        box: Box,
        *,
        charset: str | None = None,
        boxed_digits: bool = False,
        height: int = LINE_HEIGHT,
        binary: bool = False,
        close_gaps: bool | None = None,
        check: bool = False,
        name: bool = False,
    ) -> OcrText:
        """`binary`: hand Tesseract black-on-white instead of grey (an independent reading).
        `check`: read with the `check` model when there is one.
        `name`: the box holds a name; in small print (150 dpi) dust amid the letters is painted
        out, a pixel is kept beside the ink, and a binary reading is cut after scaling (names
        are where a speck reads as punctuation; NIKs and dates are read as they were measured).
        `close_gaps` (default: as `boxed_digits`): narrow wide gaps between glyphs to a letter
        space, as digits printed one per box need; a blurred run of digits reads better without."""
        engine = self.check if check and self.check is not None else self.engine
        return self._read_with(engine, box, charset, boxed_digits, height, binary, close_gaps, name)

    def witness_read(
        self,
        box: Box,
        *,
        charset: str | None = None,
        boxed_digits: bool = False,
        height: int = WITNESS_HEIGHT,
        name: bool = False,
    ) -> OcrText | None:
        """The box read by the witness engine (None: there is none), from the same cleaned
        line crops the first engine saw."""
        if self.witness is None:
            return None
        return self._read_with(self.witness, box, charset, boxed_digits, height, False, None, name, WITNESS_JOIN_GAP)

    def _read_with(
        self,
        engine: OcrEngine,
        box: Box,
        charset: str | None,
        boxed_digits: bool,
        height: int,
        binary: bool,
        close_gaps: bool | None,
        name: bool = False,
        join_gap: float = JOIN_GAP,
    ) -> OcrText:
        found = self._lines(box, boxed_digits=boxed_digits, care=name)
        if found is None:
            return OcrText("", 1.0)
        if not found:
            return OcrText("", 0.0)
        lines = [line for _, line in found]
        if boxed_digits if close_gaps is None else close_gaps:
            lines = [_close_gaps(line) for line in lines]
        small = binary and name and self._small(box, boxed_digits=boxed_digits)
        if binary and not small:
            lines = [u8(np.where(line < 150, 0, 255)) for line in lines]
        # A cell's lines ("JAKARTA," / "30-08-1963") are set side by side and read in one call:
        # one call per cell instead of one per line.
        image = join_lines(lines, height, join_gap)
        if small:
            image = black_on_white(image)
        got = engine.read_line(image, charset=charset, timeout=self.seconds_budget)
        return got if got.text else OcrText("", 0.0)

    def digits_spread(self, box: Box) -> bool:
        """Whether the box's digits stand apart, one per box (a NIK printed in digit boxes): the
        boxes were found while the box was cleaned for a reading of its digits, or, where noise
        broke their thin lines, a line of its ink has a wide gap between most of its digits."""
        self._clean(box, boxed_digits=True)
        if self._boxed.get(box, False):
            return True
        return any(_wide_gaps(line)[1] >= SPREAD_GAPS for _, line in self._lines(box, boxed_digits=True) or [])

    def read_each_line(self, box: Box, *, height: int = LINE_HEIGHT) -> list[OcrLine]:
        """Every text line inside `box` on its own, boxed in page coordinates."""
        out: list[OcrLine] = []
        for (_, line), page_box in zip(self._lines(box) or [], self.line_boxes(box), strict=True):
            got = self.engine.read_line(prepare_line(line, height), timeout=self.seconds_budget)
            if got.text:
                out.append(OcrLine(got.text, got.confidence, page_box))
        return out

    def line_boxes(self, box: Box) -> list[Box]:
        """The page boxes `read_each_line` gives the text lines inside `box`, without reading."""
        return [(box[0] + c0, box[1] + a, box[0] + c1, box[1] + b) for (a, b, c0, c1), _ in self._lines(box) or []]

    def small_print(self, box: Box, *, boxed_digits: bool = False, below: int = SMALL_PRINT) -> bool:
        """Whether the box's text is small print (capitals under `below` px; SMALL_PRINT: 150 dpi)."""
        return self._small(box, boxed_digits=boxed_digits, below=below)

    def text_height(self, box: Box) -> int | None:
        """Height in px of the glyphs of the box's text (None: no text): of most components of
        each line, not of the line's band, which dust beside the letters makes taller and
        which a stroke or a ring alone makes short; the smallest of the lines."""
        ink = self._clean(box, boxed_digits=False)[1]
        if ink is None:
            return None
        found = (_glyph_height(ink[a:b, c0:c1]) for (a, b, c0, c1), _ in self._lines(box) or [])
        return min((g for g in found if g), default=None)

    def expected_chars(self, box: Box) -> float | None:
        """About how many characters the ink in the box holds (line widths over glyph width)."""
        lines = self._lines(box)
        if not lines:
            return None
        return sum((c1 - c0) / max(1.0, 0.62 * (b - a)) for (a, b, c0, c1), _ in lines)

    def gaps(self, box: Box) -> tuple[int, list[float]]:
        """(text lines, blank column runs inside each line as shares of the line's height):
        what the ink says about word breaks, to hold a reading's spaces against."""
        ink = self._clean(box, boxed_digits=False)[1]
        lines = self._lines(box)
        if ink is None or lines is None:
            return 0, []
        out: list[float] = []
        for (a, b, c0, c1), _ in lines:
            # from the first glyph to the last: a speck of dust beside the name is no word (the
            # run before ".", after "RAHAYU", doubted the name's two spaces on seed 2026's lists)
            g0, g1, _ = _glyph_span(ink[a:b, c0:c1]) or (0, c1 - c0, 0)
            inked = np.concatenate(([1], ink[a:b, c0 + g0 : c0 + g1].any(axis=0).astype(np.int8), [1]))
            edges = np.flatnonzero(np.diff(inked))  # blank runs start at even, end at odd places
            out.extend(float(run) / max(1, b - a) for run in (edges[1::2] - edges[0::2]).tolist())
        return len(lines), out

    def high_marks(self, box: Box) -> int:
        """Small upright marks hanging from the capitals' top line, clear of the letters: what
        an apostrophe is (NI'MAH), to hold a reading's apostrophes against. Capitals have no
        such part of their own. Measured on generated 150-dpi names (seed 7): apostrophes start
        at the top line (within 0.08 of the capitals' height) and are 0.25-0.38 of it tall, and
        3 px (0.23) at least (seed 5: NI'MAH read "NI MAH" by all three engines); specks of
        dust there were mostly 2 x 2 px (0.17) or above the line (up to 0.73). A
        speck that passes for one makes doubt, not a wrong name. The ink is taken before specks
        are dropped: at 150 dpi an apostrophe can be 1 x 3 px (seed 3: NI'MAH read NIMAH by all
        three engines, sure)."""
        return len(self.high_mark_places(box))

    def high_mark_places(self, box: Box) -> list[tuple[int, int, float, bool, bool]]:
        """Each of the `high_marks` as (its line's number, how many of the line's letters stand
        left of it, its centre along the letters from 0 at the first's left edge to 1 at the
        last's right, whether the letter just left of it is a bare stem, whether the one just
        right of it is): the letters are the components a glyph tall or nearly, by their
        centres; a stem is at most STEM_WIDE times as wide as tall (an I, not a T)."""
        places = []
        self._clean(box, boxed_digits=False)  # (keeps the ink before specks were dropped)
        for line, (n, labels, stats, glyph) in enumerate(self._line_glyphs(self._unspecked.get(box), box)):
            tall = [i for i in range(1, n) if stats[i, cv2.CC_STAT_HEIGHT] >= 0.6 * glyph]
            cap_top = float(np.median([int(stats[i, cv2.CC_STAT_TOP]) for i in tall])) if tall else 0.0
            letters = sorted(
                (float(stats[i, cv2.CC_STAT_LEFT] + stats[i, cv2.CC_STAT_WIDTH] / 2), _bare_stem(stats[i]))
                for i in tall
            )
            centres = [c for c, _ in letters]
            first = min((int(stats[i, cv2.CC_STAT_LEFT]) for i in tall), default=0)
            last = max((int(stats[i, cv2.CC_STAT_LEFT] + stats[i, cv2.CC_STAT_WIDTH]) for i in tall), default=1)
            marks = []
            for i in range(1, n):
                x, y, w, h, area = (int(v) for v in stats[i, :5])
                upright = max(3.0, 0.2 * glyph) <= h < 0.5 * glyph and w <= h and area >= 3
                if upright and abs(y - cap_top) <= HIGH_MARK_TOP * glyph:
                    marks.append(x + w / 2)
            for i in tall:  # an apostrophe that blur joined to the letter beside it (MA'RUF)
                x, y, w, h = (int(v) for v in stats[i, :4])
                mask = labels[y : y + h, x : x + w] == i
                marks.extend(x + at for at in _hanging_stubs(mask, cap_top - y, glyph))
            for centre in marks:
                left = bisect.bisect_left(centres, centre)
                before = left > 0 and letters[left - 1][1]
                after = left < len(letters) and letters[left][1]
                places.append((line, left, (centre - first) / max(1, last - first), before, after))
        return places

    def flagged_stems(self, box: Box) -> int:
        """Glyphs that are a stem with ink beside its top on one side only: an I with a speck
        stuck to it, which every engine reads as T (seed 5, 150 dpi bilevel: FEBRIANTI read
        "FEBRIANTT" by all three). A T's bar stands out on both sides of its stem; F, P and J
        have ink beside the stem lower down too."""
        return self._glyphs_shaped(box, _flag_shape, widest=0.6)

    def spurred_tees(self, box: Box) -> int:
        """Glyphs that are a T with a speck stuck to its stem: every engine reads them F (seed
        23's 150-dpi list: SITI read "SIFI" by all three, sure). An F has no bar left of its stem."""
        return self._glyphs_shaped(box, _spurred_tee, widest=1.0)

    def spurred_ells(self, box: Box) -> int:
        """Glyphs that are an L with a speck stuck to its stem: every engine reads them E (seed
        29's 150-dpi list: LUBIS read "EUBIS" by all three, sure). An E has its top arm."""
        return self._glyphs_shaped(box, _spurred_ell, widest=1.0)

    def opened_rings(self, box: Box) -> list[bool]:
        """For each full-height glyph of the box's digits (its ink cleaned as for a reading of
        digits), left to right and line by line: whether it is a ring broken open on its right
        (`_opened_ring`): a 0 that both Tesseract models read 6, sure (seed 73's 200-dpi bilevel
        list: "...903840" read "...903846" at 0.96 and 0.98)."""
        ink = self._clean(box, boxed_digits=True)[1]
        return [_opened_ring(glyph) for _, _, glyph in self._full_glyphs(ink, box, boxed_digits=True)]

    def eights(self, box: Box) -> list[float]:
        """Where the box's digits (cleaned as for a reading of digits, on one line) have a glyph
        that encloses a hole in its upper half and one in its lower half (`_two_bowls`), as an 8
        does and a 9 does not: each such glyph's centre along the line, 0..1, in even shares of
        its groups (four alike of four digits, or one digit a box, apart by wide gaps; else the
        line as one). Both Tesseract models read a narrow 8 as 9, sure
        (seed 41's 150-dpi list). Sixteen glyphs are one a digit, and each is placed by its
        number; else by where it lies: blurred digits run together into one glyph."""
        ink = self._clean(box, boxed_digits=True)[1]
        glyphs = list(self._full_glyphs(ink, box, boxed_digits=True))
        if not glyphs or glyphs[-1][0] != 0:
            return []  # none, or more lines than one
        height = float(np.median([g.shape[0] for _, _, g in glyphs]))
        # the digits are what follows the last word's gap: a letter's NIK box can take in its
        # label's end (seed 23's 150-dpi letter 32: 16 glyphs of "(NIK)" and more, 51 px before
        # the digits, 17 px high), and 32 glyphs as one line placed its 8s two digits off
        spans = [(x, x + g.shape[1]) for _, x, g in glyphs]
        gaps = [spans[i][0] - spans[i - 1][1] for i in range(1, len(spans))]
        word = max(WORD_GAP * height, WORD_GAPS * float(np.median(gaps or [0])))  # (not a row of boxes' gaps)
        start = max((i for i, gap in enumerate(gaps, start=1) if gap >= word), default=0)
        glyphs, spans, gaps = glyphs[start:], spans[start:], gaps[start:]
        if len(glyphs) == NIK_LENGTH:  # one glyph a digit: its place is its number
            return [(i + 0.5) / NIK_LENGTH for i, (_, _, glyph) in enumerate(glyphs) if _two_bowls(glyph)]
        least = GROUP_GAP * height
        wide = max(least, GROUP_GAPS * float(np.median(gaps or [0])))
        cuts = [i for i, gap in enumerate(gaps, start=1) if gap >= wide]
        widest = sorted(gaps, reverse=True)
        if len(cuts) not in (3, 15) and len(widest) > 3 and widest[2] >= max(least, GROUPS_APART * widest[3]):
            # (digits 2-6 px apart at 300 dpi, their groups 9-13: seed 17's list, where the
            # median gap, 4 px, hid a group gap of 9 and an 8 was placed half a digit off, at a 9)
            cuts = sorted(sorted(range(1, len(spans)), key=lambda i: gaps[i - 1], reverse=True)[:3])
        groups = [0, *cuts, len(spans)]
        widths = [spans[b - 1][1] - spans[a][0] for a, b in itertools.pairwise(groups)]
        if len(cuts) not in (3, 15) or max(widths) > GROUPS_ALIKE * min(widths):
            # (a digit broken into specks leaves a gap too: seed 7's 150-dpi bilevel list, where
            # three such gaps parted groups 15, 8, 76 and 26 px wide, and an 8 was placed at a 9)
            groups = [0, len(spans)]
        out = []
        for k, (a, b) in enumerate(itertools.pairwise(groups)):
            left, right = spans[a][0], spans[b - 1][1]
            for (x0, x1), (_, _, glyph) in zip(spans[a:b], glyphs[a:b], strict=True):
                if _two_bowls(glyph):
                    out.append((k + ((x0 + x1) / 2 - left) / max(1, right - left)) / (len(groups) - 1))
        return out

    def _glyphs_shaped(self, box: Box, shape: Callable[[NDArray[np.bool_]], bool], *, widest: float) -> int:
        """How many full-height glyphs of the box's cleaned ink, at most `widest` times as wide
        as tall, have `shape`."""
        glyphs = self._full_glyphs(self.ink(box), box)
        return sum(shape(glyph) for _, _, glyph in glyphs if glyph.shape[1] <= widest * glyph.shape[0])

    def _full_glyphs(
        self, ink: Gray | None, box: Box, *, boxed_digits: bool = False
    ) -> Iterator[tuple[int, int, NDArray[np.bool_]]]:
        """The components of `ink` 0.8 of their line's glyph height or taller, each as (its
        line's number, its left edge in the line, its own mask), left to right and line by line
        (`_line_glyphs`)."""
        for line, (n, labels, stats, glyph) in enumerate(self._line_glyphs(ink, box, boxed_digits=boxed_digits)):
            tall = sorted((int(stats[i, 0]), i) for i in range(1, n) if stats[i, cv2.CC_STAT_HEIGHT] >= 0.8 * glyph)
            for _, i in tall:
                x, y, w, h = (int(v) for v in stats[i, :4])
                yield line, x, labels[y : y + h, x : x + w] == i

    def _line_glyphs(
        self, ink: Gray | None, box: Box, *, boxed_digits: bool = False
    ) -> Iterator[tuple[int, NDArray[np.int32], NDArray[np.int32], int]]:
        """For each text line of the box (cleaned as `boxed_digits` says): (count, labels, stats)
        of the components of `ink` (the box's, cleaned or not) in it, and the height of its glyphs."""
        lines = self._lines(box, boxed_digits=boxed_digits)
        if ink is None or not lines:
            return
        for (a, b, c0, c1), _ in lines:
            n, labels, stats, _ = components(np.ascontiguousarray(ink[a:b, c0:c1]))
            yield n, labels, stats, _glyph_of(n, stats) or (b - a)

    def ink(self, box: Box) -> Gray | None:
        """The cell's ink (255) with ruling and specks removed."""
        return self._clean(box, boxed_digits=False)[1]

    def ink_width(self, box: Box, *, boxed_digits: bool = False) -> float:
        crop, ink = self._clean(box, boxed_digits=boxed_digits)
        if crop is None or ink is None:
            return 0.0
        # Only glyph-sized ink counts: scattered scanner dust must not make an empty row "filled".
        ink = _drop_specks(ink, max(9, int((ink.shape[0] * 0.05) ** 2)))
        cols = np.flatnonzero(ink.sum(axis=0) > 0)
        if len(cols) == 0:
            return 0.0
        return float(cols[-1] - cols[0] + 1) / float(ink.shape[1])

    def _clean(self, box: Box, *, boxed_digits: bool) -> tuple[Gray | None, Gray | None]:
        key = (box, boxed_digits)
        if key not in self._cache:
            if len(self._cache) > 64:
                self._cache.clear()
                self._boxed.clear()
                self._found.clear()
                self._smalls.clear()
                self._unspecked.clear()
            self._cache[key] = self._clean_uncached(box, boxed_digits=boxed_digits)
        return self._cache[key]

    def _lines(self, box: Box, *, boxed_digits: bool = False, care: bool = False) -> list[_Line] | None:
        """`_text_lines_at` of the cleaned box (None: nothing to clean), found once: a row's
        cells are read two or three times and measured as often (the crops are not changed)."""
        key = (box, boxed_digits, care)
        if key not in self._found:
            crop, ink = self._clean(box, boxed_digits=boxed_digits)
            self._found[key] = None if crop is None or ink is None else _text_lines_at(crop, ink, small_print_care=care)
        return self._found[key]

    def _small(self, box: Box, *, boxed_digits: bool, below: int = SMALL_PRINT) -> bool:
        """Whether any text line of the box is small print (measured once: a name is asked
        for each of its readings)."""
        key = (box, boxed_digits, below)
        if key not in self._smalls:
            ink = self._clean(box, boxed_digits=boxed_digits)[1]
            lines = self._lines(box, boxed_digits=boxed_digits)
            small = any(_small_print(ink[a:b], below) for (a, b, _, _), _ in lines or []) if ink is not None else False
            self._smalls[key] = small
        return self._smalls[key]

    def _clean_uncached(self, box: Box, *, boxed_digits: bool) -> tuple[Gray | None, Gray | None]:
        x0, y0, x1, y1 = (max(0, v) for v in box)
        crop = self.gray[y0:y1, x0:x1]
        if crop.shape[0] < 6 or crop.shape[1] < 6:
            return None, None
        ink = _ink(crop)
        h, w = ink.shape
        lines = np.zeros_like(ink)
        if self.ruled:
            horiz = horizontal_lines(ink, max(10, int(w * 0.6)))
            vert = vertical_lines(ink, max(10, int(h * 0.8)))
            lines = horiz | vert | _edge_slivers(ink)
        if boxed_digits:
            boxes = _digit_boxes(ink)
            self._boxed[box] = bool(boxes.any())
            lines |= boxes
        lines = u8(cv2.dilate(lines, np.ones((3, 3), np.uint8)))
        ink = u8(cv2.bitwise_and(ink, cv2.bitwise_not(lines)))
        if not boxed_digits:
            self._unspecked[box] = ink
        ink = _drop_specks(ink, max(4, (h // 25) ** 2))
        clean = crop.copy()
        clean[lines > 0] = 255
        if boxed_digits:
            # Digits are marks a glyph tall: dust beside them (a bilevel scan's specks, a stub
            # of a box's side) is painted out, or Tesseract reads it as dots, colons and
            # slashes amid the digits and is less sure of them (seed 2026's 300-dpi list: 58
            # of 150 NIKs were asked of the witness, 11 without the dust).
            kept = _drop_dust(ink)
            clean[cv2.dilate(ink & ~kept, np.ones((3, 3), np.uint8)) > 0] = 255
            ink = kept
        return clean, ink


class TextLayerCellReader:
    """Cells of a page with a real text layer: the words whose centres fall in the box."""

    def __init__(self, words: tuple[TextWord, ...]) -> None:
        self.words = words
        self._by_top = sorted(words, key=lambda w: w.box[1])
        self._tops = [w.box[1] for w in self._by_top]
        self._tall = max((w.box[3] - w.box[1] for w in words), default=0)

    def _near(self, box: Box) -> tuple[TextWord, ...]:
        """The words that can lie in `box` (by their top edge), without scanning the page."""
        lo = bisect.bisect_left(self._tops, box[1] - self._tall)
        hi = bisect.bisect_right(self._tops, box[3])
        return tuple(self._by_top[lo:hi])

    def read(
        self,
        box: Box,
        *,
        charset: str | None = None,
        boxed_digits: bool = False,
        height: int = LINE_HEIGHT,
        close_gaps: bool | None = None,
        name: bool = False,
    ) -> OcrText:
        text = words_in(self._near(box), box)
        if charset:
            text = " ".join("".join(ch for ch in word if ch in charset) for word in text.split())
        return OcrText(text.strip(), 1.0)

    def ink_width(self, box: Box, *, boxed_digits: bool = False) -> float:
        x0, y0, x1, y1 = box
        inside = [
            w
            for w in self._near(box)
            if x0 <= (w.box[0] + w.box[2]) / 2 <= x1 and y0 <= (w.box[1] + w.box[3]) / 2 <= y1
        ]
        if not inside:
            return 0.0
        return (max(w.box[2] for w in inside) - min(w.box[0] for w in inside)) / max(1, x1 - x0)


def _ink(gray: Gray) -> Gray:
    level, otsu = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if spread(gray) < 10 or level > 235:  # nothing but paper: Otsu would split the noise
        return np.zeros_like(gray)
    return u8(otsu)


def _close_gaps(line: Gray) -> Gray:
    """The line with wide blank gaps narrowed to a letter space. Digits one per box (or in
    groups) then read as a plain run: spread out, Tesseract misread a final 0 as 9 at two
    scales alike (measured on a generated list at 300 dpi). A blank column is lighter than the
    line's own level, not mid-grey: faint toner and blur left a 150-dpi NIK's strokes lighter,
    and mid-grey cut them away as blank, to half the line's width ("3404645541"). (A stamp's
    grey over the digits then counts as ink, and leaves the gaps it covers open.)"""
    return np.ascontiguousarray(line[:, _wide_gaps(line)[0]])


def _wide_gaps(line: Gray) -> tuple[NDArray[np.bool_], int]:
    """(the columns of a line to keep, every wide blank gap narrowed to a letter space; how
    many gaps were so wide)."""
    h = line.shape[0]
    ink_level = max(128.0, cv2.threshold(line, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[0])
    inked: NDArray[np.bool_] = np.asarray((line < ink_level).any(axis=0), dtype=bool)
    blank: list[bool] = [not v for v in inked.tolist()]
    limit = max(2, int(h * 0.3))
    keep = np.ones(line.shape[1], dtype=bool)
    run, wide = 0, 0
    for x, empty in enumerate(blank):
        run = run + 1 if empty else 0
        if run > limit:
            keep[x] = False
            wide += run == limit + 1
    return keep, wide


def _edge_slivers(ink: Gray) -> Gray:
    """Thin strokes that touch the cell's edge: what is left of the ruling where it was too
    broken or slanted to pass for a line (a bilevel scan turned straight leaves a jagged bar
    that Tesseract read as "|" or "I" before the name). A glyph keeps clear of the ruling.
    Only the four edge strips are searched: a stroke that reaches past a strip is no sliver."""
    h, w = ink.shape
    out = np.zeros_like(ink)
    side, end = max(3, w // 60), max(3, h // 12)
    strips = (
        (np.s_[:, : side + 1], 1, False),  # (where, axis across the strip, at the far end)
        (np.s_[:, max(0, w - side - 1) :], 1, True),
        (np.s_[: end + 1, :], 0, False),
        (np.s_[max(0, h - end - 1) :, :], 0, True),
    )
    for where, axis, far in strips:
        strip = np.ascontiguousarray(ink[where])
        if not strip.any():
            continue
        size = strip.shape[axis]
        n, labels, stats, _ = components(strip)
        start = stats[1:, cv2.CC_STAT_LEFT if axis == 1 else cv2.CC_STAT_TOP]
        length = stats[1:, cv2.CC_STAT_WIDTH if axis == 1 else cv2.CC_STAT_HEIGHT]
        stop = start + length
        outer = stop == size if far else start == 0
        inner = start == 0 if far else stop == size  # reaches on past the strip: a glyph
        slivers = 1 + np.flatnonzero(outer & ~inner)
        if len(slivers):
            view = out[where]
            view[labels_in(labels, n, slivers)] = 255
    return out


def _drop_specks(ink: Gray, min_area: int) -> Gray:
    n, labels, stats, _ = components(ink)
    if n <= 1:
        return ink
    small = np.flatnonzero(stats[:, cv2.CC_STAT_AREA] < min_area)
    return _without(ink, labels, n, small[small > 0])


def _drop_dust(ink: Gray) -> Gray:
    """The ink without the marks that are no digit: dust, no larger than DUST of the glyphs'
    height either way, and what is left of a digit box's side."""
    n, labels, stats, _ = components(ink)
    glyph = _glyph_of(n, stats)
    if glyph is None:
        return ink
    width, height = stats[1:n, cv2.CC_STAT_WIDTH], stats[1:n, cv2.CC_STAT_HEIGHT]
    # and a thin upright stroke taller than the digits: what is left of a box's side
    rule = (height > 1.2 * glyph) & (width <= DUST * glyph)
    return _without(ink, labels, n, 1 + np.flatnonzero((np.maximum(width, height) <= DUST * glyph) | rule))


def _without(ink: Gray, labels: NDArray[np.int32], n: int, ids: NDArray[np.intp]) -> Gray:
    """`ink` with the components `ids` (labels of `components`) taken off: a copy, or `ink`."""
    if len(ids) == 0:
        return ink
    out = ink.copy()
    out[labels_in(labels, n, ids)] = 0
    return out


def _digit_boxes(ink: Gray) -> Gray:
    """The outline of a row of digit boxes (NIK printed one digit per box), as a mask.

    Horizontal lines are grouped; between each pair of neighbouring lines (the boxes' top and
    bottom, but also a cell ruling that the crop caught), columns inked over the whole height
    are the separators between boxes.
    """
    h, w = ink.shape
    mask = np.zeros_like(ink)
    horiz = horizontal_lines(ink, max(10, w // 3))
    rows = np.flatnonzero(horiz.sum(axis=1) > 0)
    if len(rows) < 2:
        return mask
    lines: list[tuple[int, int]] = []
    for r in rows.tolist():
        if lines and r - lines[-1][1] <= 2:
            lines[-1] = (lines[-1][0], r)
        else:
            lines.append((r, r))
    for (_, top), (bottom, _) in itertools.pairwise(lines):
        if bottom - top < max(6, h * 0.15):
            continue
        coverage = (ink[top : bottom + 1] > 0).mean(axis=0)
        mask[top : bottom + 1, coverage >= 0.88] = 255
    mask |= horiz
    return mask


def _text_lines_at(
    clean: Gray, ink: Gray, *, small_print_care: bool = False
) -> list[tuple[tuple[int, int, int, int], Gray]]:
    """((top, bottom, left, right), tight crop) of each text line in a cell, top to bottom.
    `small_print_care`: lines in small print keep a pixel beside the ink and lose their dust."""
    h = ink.shape[0]
    bands: list[tuple[int, int]] = []
    for y0, y in runs(ink.sum(axis=1) > 0):
        if bands and y0 - bands[-1][1] <= max(2, h // 30):
            bands[-1] = (bands[-1][0], y)
        else:
            bands.append((y0, y))
    bands = [piece for band in bands for piece in _split_band(ink, band)]
    tallest = max((b - a for a, b in bands), default=0)
    bands = [(a, b) for a, b in bands if b - a >= max(4, tallest * 0.35)]  # dots, underscores, stray marks
    # A band of dust: specks at about one height across the cell (a bilevel scan's dust above a
    # name read as "P ." or "a" before it, at 200 dpi). Its marks stand well under the glyphs
    # of the cell's text.
    glyphs = [_glyph_height(ink[a:b]) or 0 for a, b in bands]
    bands = [band for band, g in zip(bands, glyphs, strict=True) if g >= 0.5 * max(glyphs, default=0)]
    out: list[tuple[tuple[int, int, int, int], Gray]] = []
    for a, b in bands:
        c0, c1 = _text_extent(ink[a:b])
        crop = clean[a:b, c0:c1]
        if small_print_care and _small_print(ink[a:b]):
            # Small print keeps a pixel beside the ink: a glyph's faint edge, lighter than the
            # ink level, was cut off (an O read as G at 0.98 by both Tesseract models). And
            # dust is painted out: at 150 dpi a speck is as large as a period.
            x0, x1 = max(0, c0 - 1), min(ink.shape[1], c1 + 1)
            crop = clean[a:b, x0:x1]
            specks = _stray_specks(ink[a:b, x0:x1])
            if specks.any():
                crop = crop.copy()
                crop[specks] = 255
        out.append(((a, b, c0, c1), crop))
    return out


def _split_band(ink: Gray, band: tuple[int, int]) -> list[tuple[int, int]]:
    """A band of ink two or more glyphs tall cut into its text lines where no more than dust
    joins them, or trimmed to its one line. At 150 dpi the lines of a cell ("PEKALONGAN," / "24-11-1955") stand 3-4 px
    apart, and a speck between them made one band of both: scaled to one line's height, it
    read "Bao dara" with both engines (11 birth dates of a generated 150-dpi list lost)."""
    a, b = band
    n, labels, stats, _ = components(ink[a:b])
    glyph = _glyph_of(n, stats)
    if n <= 2 or glyph is None or b - a < 1.8 * glyph:
        return [band]
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    specks = 1 + np.flatnonzero(np.maximum(heights, stats[1:, cv2.CC_STAT_WIDTH]) <= max(2, 0.3 * glyph))
    marked = labels > 0
    if len(specks):
        marked &= ~labels_in(labels, n, specks)
    pieces = runs(np.asarray(marked.any(axis=1), dtype=bool))
    if len(pieces) < 2:
        # one line with dust above or below it, close enough to join its band: the line alone
        # (specks over a 150-dpi NIK made its band three glyphs tall; scaled to a line's
        # height, the digits came out a third of it and read "sunneopirah")
        return [(a + pieces[0][0], a + pieces[0][1])] if pieces else [band]
    # each blank run between the pieces is cut at its middle: the dust on either side stays with
    # the line it lies against
    cuts = [a + (end + start) // 2 for (_, end), (start, _) in itertools.pairwise(pieces)]
    edges = [a, *cuts, b]
    return [(top, bottom) for top, bottom in itertools.pairwise(edges) if bottom > top]


def _glyph_height(band: Gray) -> int | None:
    """The height of a text line's glyphs: of most of its marks (None: no marks)."""
    n, _, stats, _ = components(band)
    return _glyph_of(n, stats)


FLAG_TOP = 0.35  # share of a glyph's height from its top where a T's bar (or a speck on an I) lies


def _stem(mask: NDArray[np.bool_], widest: float) -> tuple[int, int] | None:
    """(first, past the last) of the columns of one glyph's ink inked over 0.7 of its height,
    where they stand side by side and are no more than two, or `widest` of the height; else None."""
    h = mask.shape[0]
    stem = np.flatnonzero(mask.sum(axis=0) >= 0.7 * h)
    if len(stem) == 0 or len(stem) > max(2, widest * h) or stem[-1] - stem[0] + 1 != len(stem):
        return None
    return int(stem[0]), int(stem[-1]) + 1


def _flag_shape(mask: NDArray[np.bool_]) -> bool:
    """Whether one glyph's ink is a full-height stem (a column or two inked over 0.7 of the
    height) with ink beside it only near the top, and on one side only."""
    h = mask.shape[0]
    stem = _stem(mask, 0.25)
    if stem is None:
        return False
    left, right = mask[:, : stem[0]], mask[:, stem[1] :]
    top = max(1, round(FLAG_TOP * h))
    if left[top:].any() or right[top:].any():
        return False  # ink beside the stem lower down: a letter of its own (F, P, J), or joined
    return bool(left.any()) != bool(right.any()) and int(left.sum() + right.sum()) >= 2


def _blurred_stem(mask: NDArray[np.bool_]) -> tuple[int, int] | None:
    """`_stem` (up to 0.32 of the height wide), taking in a column beside it inked over half the
    height: a stem blurred a column aside is no speck."""
    core = _stem(mask, 0.32)
    if core is None:
        return None
    (a, b), h, inked = core, mask.shape[0], mask.sum(axis=0)
    return a - int(a > 0 and inked[a - 1] >= 0.5 * h), b + int(b < mask.shape[1] and inked[b] >= 0.5 * h)


def _spurred_tee(mask: NDArray[np.bool_]) -> bool:
    """Whether one glyph's ink is a full-height stem under a bar that reaches out on both sides
    (a T's), with a speck stuck to the right of the stem at mid-height, where an F has its arm,
    and nothing left of the stem there. The stem takes in a column beside it inked over half
    the height (a stem blurred a column aside is no speck). A serif F's top-left serif is no
    bar; a Y's arms part above its stem. It doubted SIFI twice at 150 dpi (a speck of 2 x 2 px,
    and of 1 x 3 after JPEG); a T's stem ragged by JPEG, at 300 dpi or just under its bar, is
    no speck (those doubted 17 right names, FAJAR, FITRI, TAUFIK, over 25 bench sets)."""
    h = mask.shape[0]
    core = _blurred_stem(mask)
    if core is None:
        return False
    a, b = core
    top, reach = max(1, round(FLAG_TOP * h)), max(3, round(0.25 * h))
    if a < reach or b + reach > mask.shape[1] or not mask[:top, a - reach : b + reach].all(axis=1).any():
        return False  # no bar across the stem's top
    # The speck's columns: inked at mid-height, clear just under the bar (a stem thickened
    # below its bar by JPEG is no speck), as many as a tenth of the height (a 1-px bump on a
    # 300-dpi stem is none; a 1-px speck at 150 dpi is)
    mid, under = slice(round(0.35 * h), round(0.65 * h) + 1), slice(round(0.2 * h), round(0.35 * h))
    right = mask[:, b:]
    speck = right[mid].any(axis=0) & ~right[under].any(axis=0)
    return int(speck.sum()) >= max(1, round(0.08 * h)) and not mask[mid, :a].any()


def _spurred_ell(mask: NDArray[np.bool_]) -> bool:
    """Whether one glyph's ink is an L (a full-height stem with a foot reaching right, nothing
    right of the stem in its top quarter) with a speck stuck to the stem's right at mid-height,
    where an E has its middle arm: every engine reads it E (seed 29's 150-dpi list: LUBIS read
    "EUBIS" by all three, sure; a speck of 2 x 2 px; a 1-px bump of toner on a 2-px stem is none,
    it doubted ANNISA AYU LESTARI). An E has its top arm; a middle arm wider than a quarter of
    the height is no speck; a bold A blurred has its right leg for a stem, and its left leg
    beside it (AHMAD, MAGDALENA were doubted)."""
    h, w = mask.shape
    core = _blurred_stem(mask)
    if core is None:
        return False
    a, b = core
    if mask[round(0.3 * h) : round(0.7 * h) + 1, :a].any():
        return False  # ink left of the stem at mid-height: the right leg of an A, say
    reach = max(3, round(0.3 * h))
    foot = mask[h - max(2, round(0.15 * h)) :, b : b + reach]
    if b + reach > w or not foot.all(axis=1).any():
        return False  # no foot along the stem
    right = mask[:, b:]
    if right[: max(1, round(0.25 * h))].any():
        return False  # an arm at the top: an E, or a serif L
    # (above the fillet blur leaves where the stem meets the foot)
    speck = int(right[round(0.25 * h) : round(0.55 * h) + 1].any(axis=0).sum())
    return bool(max(2, round(0.08 * h)) <= speck <= max(2, round(0.25 * h)))


RING_TALL = 0.55  # of a digit's height: a hole this tall is a 0's (a 6's bowl, a 9's, an 8's are half)


def _opened_ring(mask: NDArray[np.bool_]) -> bool:
    """Whether one digit's ink is a ring broken open by a gap of a pixel or two on its right,
    where a 6 is open: it holds no hole RING_TALL of its height as it is, and one with its gaps
    closed upright (3 px), a plain oval (each of its rows and columns one run). Such a 0 reads 6
    to both Tesseract models. A 6's bowl is half its height at most, and where its top closes on
    the bowl it makes a second, smaller hole; where its bowl is open at the stem too (thin print
    at 150 dpi), the hole runs round the bowl's top stroke, which cuts its rows in two (seed 3)."""
    h, w = mask.shape
    if h < 8 or not 0.35 * h <= w <= 0.9 * h:
        return False
    if _tall_holes(mask, 0.0):
        return False  # a ring as it is
    closed = morph(np.pad(u8(mask * 255), 3), cv2.MORPH_CLOSE, (1, 3))[3:-3, 3:-3] > 0
    return any(
        _one_run(hole) and _one_run(hole.T) and _sealed_right(hole, closed & ~mask)
        for hole in _tall_holes(closed, 0.25)
    )


# A gap parts a NIK's groups of four (or its boxes) from GROUP_GAP of the digits' height and
# GROUP_GAPS times the usual gap between its glyphs (seed 2026's 150-dpi letter: digits 18 px
# high, 1-3 px apart, 6-8 px between groups)
GROUP_GAP = 0.25
GROUP_GAPS = 2.5
# a gap WORD_GAP digits' heights wide and WORD_GAPS times the usual parts the NIK from text
# before it on its line (boxed digits stand 1.5 heights apart: seed 43's 150-dpi list)
WORD_GAP = 1.5
WORD_GAPS = 2.0
GROUPS_APART = 1.5  # else the three widest gaps part groups where the third is this many times the fourth
GROUPS_ALIKE = 1.3  # the widest group at most this many times the narrowest: groups of four digits alike
BOWL_MATCH = 0.6  # an 8's bowls are alike (3, 4 px high of 13; 11, 16 px); a 9's tail curled shut: half its bowl


HIGH_MARK_TOP = 0.12  # an apostrophe's top within this share of the capitals' height of their top line
SOLID = 0.6  # an apostrophe's share of its box in ink (a bar's end and its serif, an L: half)
UPRIGHT = 0.75  # an apostrophe's share of its rows that one column of it inks
STEM_WIDE = 0.5  # an I's stem, serifs and all, to its height (a T's bar makes it 0.8 and more)


def _hanging_stubs(mask: NDArray[np.bool_], cap_top: float, glyph: int) -> list[float]:
    """Where a letter's mask (`cap_top`: the capitals' top row, in the mask's rows) has at its
    left or right edge an apostrophe that blur joined to it, each as its centre's column: the
    columns there hold ink only from the top line down, less than half the capitals' height
    (a high mark's size), an upright blob that stands clear of the letter beside it on its top
    row and touches it at one place (a pixel or two), below the top of that letter, which
    reaches the top line on its own. Not so: a T's or an F's bar and the serif hanging from it
    (joined along the bar, an L shape), a V's or a Y's arm (askew; the letter beside it starts
    below the top line), a bowl's arc (joined at both its ends)."""
    h, w = mask.shape
    inked = mask.any(axis=0)
    top = np.where(inked, mask.argmax(axis=0), h)
    bottom = np.where(inked, h - 1 - mask[::-1].argmax(axis=0), -1)
    hanging = inked & (bottom - cap_top < 0.5 * glyph)
    out = []
    for side in (1, -1):
        cols = np.arange(w)[::side]
        k = int(np.argmin(hanging[cols])) if not hanging[cols].all() else w
        if k == 0 or k == w:
            continue
        stub, body = cols[:k], cols[k]  # the stub's columns, and the letter's first beside them
        rows = np.flatnonzero(mask[:, stub].any(axis=1))
        r0, r1 = int(rows[0]), int(rows[-1])
        tall = r1 - r0 + 1
        inked_rows = mask[r0 : r1 + 1, stub].sum(axis=0)
        # one column holds it, and it is a blob, not a bar's end and the serif hanging from it
        upright = int(inked_rows.max()) >= UPRIGHT * tall and int(inked_rows.sum()) >= SOLID * k * tall
        high = r0 - cap_top <= HIGH_MARK_TOP * glyph
        hangs = r1 + 1 - max(r0, cap_top)  # how far below the top line (a speck above it is no part)
        if not (high and max(3.0, 0.2 * glyph) <= hangs < 0.5 * glyph and k <= tall and upright):
            continue
        if mask[r0, cols[k - 1]] & mask[r0, body]:  # joined along its top row: a bar
            continue
        # where the letter's ink touches the stub's (8-connected): at one place, a pixel or two
        # long; a bowl's arc (a P's, an R's) touches at both its ends
        reach = cv2.dilate(mask[:, body].astype(np.uint8)[:, None], np.ones((3, 1), np.uint8))[:, 0] > 0
        touch = np.flatnonzero(reach & mask[:, cols[k - 1]])  # the stub's rows the letter touches
        if len(touch) == 0 or touch[-1] - touch[0] >= 2:
            continue
        # the letter reaches the top line on its own, above where it touches the stub (a bar
        # with a speck on its end touches it along the bar, the letter's own top)
        letter_top = int(top[cols[k : k + 2]].min())
        if letter_top - cap_top <= HIGH_MARK_TOP * glyph and letter_top < touch[0]:
            out.append(float(np.mean(stub)) + 0.5)
    return out


def _bare_stem(stats: NDArray[np.int32]) -> bool:
    """Whether a component (its `components` stats row) is a bare stem, as an I is."""
    return bool(stats[cv2.CC_STAT_WIDTH] <= STEM_WIDE * stats[cv2.CC_STAT_HEIGHT])


def _two_bowls(mask: NDArray[np.bool_]) -> bool:
    """Whether one digit's ink encloses a hole wholly above its middle and one wholly below it,
    alike: the smaller at least BOWL_MATCH of the larger in height and in area, and 2 px high
    (an 8). A 6's top stroke and a 9's tail enclose nothing, or where they curl shut a sliver:
    9s of seed 7's and seed 11's 150-dpi lists, their tails shut on holes of 5, 6 and 7 px under
    bowls of 16, 17 and 14 (3 px high under 5: by height alone, they passed for 8s)."""
    h, w = mask.shape
    if h < 8 or not 0.35 * h <= w <= 0.9 * h:
        return False
    _, stats, holes = _holes(mask)
    upper, lower = (0, 0), (0, 0)  # the largest hole of each half: (area, height)
    for i in holes:
        top, tall = int(stats[i, cv2.CC_STAT_TOP]) - 1, int(stats[i, cv2.CC_STAT_HEIGHT])
        hole = (int(stats[i, cv2.CC_STAT_AREA]), tall)
        if top + tall <= h / 2 + 0.5:
            upper = max(upper, hole)
        elif top >= h / 2 - 0.5:
            lower = max(lower, hole)
    return min(upper[1], lower[1]) >= 2 and all(
        min(a, b) >= BOWL_MATCH * max(a, b) for a, b in zip(upper, lower, strict=True)
    )


def _sealed_right(hole: NDArray[np.bool_], added: NDArray[np.bool_]) -> bool:
    """Whether the pixels the closing `added` that seal `hole` all lie in the glyph's right
    half, where a 6 is open: a 0 broken on its left reads no 6 (seed 37's 150-dpi list)."""
    seal = added & (morph(u8(hole * 255), cv2.MORPH_DILATE, (3, 3)) > 0)
    cols = np.flatnonzero(seal.any(axis=0))
    return len(cols) > 0 and cols[0] >= hole.shape[1] / 2


def _tall_holes(mask: NDArray[np.bool_], wide: float) -> list[NDArray[np.bool_]]:
    """The holes `mask`'s ink encloses that are RING_TALL of its height and `wide` of its width."""
    h, w = mask.shape
    labels, stats, holes = _holes(mask)
    return [
        labels[1:-1, 1:-1] == i
        for i in holes
        if stats[i, cv2.CC_STAT_HEIGHT] >= RING_TALL * h and stats[i, cv2.CC_STAT_WIDTH] >= wide * w
    ]


def _holes(mask: NDArray[np.bool_]) -> tuple[NDArray[np.int32], NDArray[np.int32], list[int]]:
    """(labels, stats, the labels of the holes) of the blank of `mask` padded by a pixel: the
    pieces of blank (4-connected) that its ink encloses, in padded coordinates."""
    padded = np.pad(~mask, 1, constant_values=True)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(u8(padded * 255), connectivity=4)
    outside = labels[0, 0]
    return np.asarray(labels, np.int32), np.asarray(stats, np.int32), [i for i in range(1, n) if i != outside]


def _one_run(region: NDArray[np.bool_]) -> bool:
    """Whether each row of `region` that it reaches holds one run of it."""
    starts = np.diff(region.astype(np.int8), axis=1, prepend=0) == 1
    return bool((starts.sum(axis=1) <= 1).all())


def _glyph_of(n: int, stats: NDArray[np.int32]) -> int | None:
    """`_glyph_height` from the components' stats: the upper quartile of the marks' heights
    (most components of a text line are its glyphs; dots and specks under 3 px are no marks)."""
    heights = stats[1:n, cv2.CC_STAT_HEIGHT]
    marks = np.sort(heights[heights >= 3])
    return int(marks[(3 * len(marks)) // 4]) if len(marks) else None


def _small_print(band: Gray, below: int = SMALL_PRINT) -> bool:
    """Whether a text line's glyphs (most of its marks) are shorter than `below` px."""
    glyph = _glyph_height(band)
    return glyph is not None and glyph < below


def _stray_specks(band: Gray) -> NDArray[np.bool_]:
    """Pixels of dust amid a text line, to be painted white: a dot at mid-height of the letters
    (inside a letter's bowl, or between two letters) with nothing above or below it. Print puts
    no dot there: a period or comma sits on the baseline, an apostrophe at the top, a hyphen is
    wide, and the dots of a colon, an i or a j stand over another mark. Nor does a line begin
    with a dot, or end with one above the baseline. A speck in a P's bowl made both Tesseract
    models read R (0.94); between words it was read "IMAM. HAKIM" or "T GEDE"."""
    none = np.zeros(band.shape, dtype=bool)
    n, labels, stats, _ = components(band)
    if n <= 2:
        return none
    left, top = stats[1:, cv2.CC_STAT_LEFT], stats[1:, cv2.CC_STAT_TOP]
    width, height = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    tall = height >= 0.6 * height.max()
    if tall.sum() < 2:
        return none
    glyph_top, baseline = float(np.median(top[tall])), float(np.median((top + height)[tall]))
    glyph = baseline - glyph_top
    if glyph < 6:
        return none
    middle = (top + height / 2 - glyph_top) / glyph
    small = (np.maximum(width, height) <= 0.3 * glyph) & ~tall
    dash = (width >= 1.5 * height) & (width >= 0.2 * glyph)
    right, bottom = left + width, top + height
    # inside a letter's box, clear of its sides and off the baseline: no period sits there
    inside = (
        (left[None, :] < left[:, None])
        & (right[None, :] > right[:, None])
        & (top[None, :] <= top[:, None])
        & (bottom[None, :] > bottom[:, None])
        & tall[None, :]
    ).any(axis=1)
    flat_top = (middle <= 0.3) & (height <= width)  # an apostrophe is taller than wide
    before = right <= left[tall].min()  # no name starts with a dot
    after = (left >= right[tall].max()) & (middle < 0.75)  # a period or comma sits low
    stray = np.flatnonzero(small & ~dash & (((middle > 0.3) & (middle < 0.75)) | inside | flat_top | before | after))
    chosen = [
        i
        for i in stray.tolist()
        # a mark wholly above or below it, in its columns: the dot of an i or a j, a colon
        if not np.any((left < right[i]) & (right > left[i]) & ((bottom <= top[i]) | (top >= bottom[i])))
    ]
    if not chosen:
        return none
    return labels_in(labels, n, np.asarray(chosen, dtype=np.intp) + 1)


def _glyph_span(band: Gray) -> tuple[int, int, int] | None:
    """(left, right, height) of a text line's glyphs, marks of at least half their height:
    dots, apostrophes and specks beyond them left out; None when the band holds no marks."""
    n, _, stats, _ = components(band)
    glyph = _glyph_of(n, stats)
    if glyph is None:
        return None
    tall = 1 + np.flatnonzero(stats[1:n, cv2.CC_STAT_HEIGHT] >= 0.5 * glyph)
    left = int(stats[tall, cv2.CC_STAT_LEFT].min())
    return left, int((stats[tall, cv2.CC_STAT_LEFT] + stats[tall, cv2.CC_STAT_WIDTH]).max()), glyph


def _text_extent(band: Gray) -> tuple[int, int]:
    """(left, right) of a text line's glyphs: dust a word's width or more away from them is
    left out (at 150 dpi with noise, specks to the right of a name were read as "SG")."""
    cols = np.flatnonzero(band.sum(axis=0) > 0)
    span = _glyph_span(band)
    if span is None:
        return int(cols[0]), int(cols[-1]) + 1
    left, right, glyph = span
    reach = max(2, int(0.8 * glyph))  # a dot after an initial, an apostrophe, a comma
    near = cols[(cols >= left - reach) & (cols < right + reach)]
    return int(near[0]), int(near[-1]) + 1


def join_lines(lines: list[Gray], height: int = LINE_HEIGHT, gap: float = JOIN_GAP) -> Gray:
    """Several tight line crops scaled to `height` and set side by side, `gap` line heights
    apart, with a margin."""
    if len(lines) == 1:
        return prepare_line(lines[0], height)
    scaled = [_scaled(line, height) for line in lines]
    top = max(s.shape[0] for s in scaled)
    blank = np.full((top, max(1, round(height * gap))), 255, np.uint8)
    parts: list[Gray] = []
    for s in scaled:
        if parts:
            parts.append(blank)
        below = top - s.shape[0]
        parts.append(u8(cv2.copyMakeBorder(s, 0, below, 0, 0, cv2.BORDER_CONSTANT, value=255)))
    return _margin(np.hstack(parts))


def _scaled(crop: Gray, height: int) -> Gray:
    f = height / max(1, crop.shape[0])
    if abs(f - 1.0) <= 0.1:
        return crop
    size = (max(1, round(crop.shape[1] * f)), max(1, round(crop.shape[0] * f)))
    return u8(cv2.resize(crop, size, interpolation=cv2.INTER_CUBIC if f > 1 else cv2.INTER_AREA))


def black_on_white(line: Gray) -> Gray:
    """A line scaled up from small print, in black and white at its own Otsu level. Cut before
    scaling at a fixed level (as print of ordinary size is), 12 px capitals (150 dpi) lost
    their thin strokes and the upscaled steps welded letters: that reading was right on 74 %
    of generated 150-dpi names, 86 % cut after scaling (the grey reading: 86 %)."""
    _, out = cv2.threshold(line, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return u8(out)


def _margin(crop: Gray) -> Gray:
    pad = max(8, int(crop.shape[0] * 0.6))
    return u8(cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255))


def prepare_line(crop: Gray, height: int = LINE_HEIGHT) -> Gray:
    """A tight line crop scaled to `height` px of ink and given a white margin, as Tesseract
    reads best (measured: capitals of 14-18 px read as well as 23 px, and faster)."""
    return _margin(_scaled(crop, height))
