"""One PDF of a series: the cover, the contents and every sheet's own PDF page, put together with
pypdf without typesetting anything again, with bookmarks, page labels and the contents' rows
linked to their pages. The same pages give the same bytes: no dates, an /ID from the content."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pypdf
from pypdf.generic import ArrayObject, ByteStringObject, Fit
from pypdf.annotations import Link
from pypdf.constants import PageLabelStyle

from texsheet.errors import BuildError
from texsheet.text.markup import plain

FRONT_PAGES = 2  # the cover and the contents come before the sheets


@dataclass(frozen=True)
class Page:
    """A sheet's PDF and the title its bookmark shows (plain text)."""

    pdf: Path
    title: str


def assemble(cover: Path, contents: Path, sheets: list[Page], target: Path, title: str, author: str) -> Path:
    """Write the booklet to target: cover, contents (each row of its table a link to the
    sheet's page), then each sheet's page, with bookmarks named by the sheets' titles and
    page labels Cover, Contents, 1, 2, ... as the contents numbers them."""
    writer = pypdf.PdfWriter()
    try:
        for pdf in (cover, contents, *(page.pdf for page in sheets)):
            writer.append(pypdf.PdfReader(pdf))
        rows = _page_number_rows(writer.pages[1], len(sheets))
    except pypdf.errors.PyPdfError as error:
        raise BuildError(f"putting the booklet together failed (pypdf): {error}") from None
    for n, rect in rows.items():
        writer.add_annotation(1, Link(rect=rect, target_page_index=FRONT_PAGES + n - 1, fit=Fit.fit()))
    writer.set_page_label(0, 0, prefix="Cover")
    writer.set_page_label(1, 1, prefix="Contents")
    if sheets:
        writer.set_page_label(FRONT_PAGES, FRONT_PAGES + len(sheets) - 1, style=PageLabelStyle.DECIMAL, start=1)
    writer.add_outline_item(title="Contents", page_number=1)
    for n, page in enumerate(sheets):
        writer.add_outline_item(title=plain(page.title), page_number=FRONT_PAGES + n)
    writer.add_metadata({"/Title": plain(title), "/Author": plain(author), "/Producer": "texsheet"})
    writer.page_mode = "/UseOutlines"
    writer.compress_identical_objects()
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in (cover, contents, *(s.pdf for s in sheets)))).digest()[:16]
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])  # pypdf has no public setter; else random
    with open(target, "wb") as handle:
        writer.write(handle)
    return target


def _page_number_rows(page: pypdf.PageObject, count: int) -> dict[int, tuple[float, float, float, float]]:
    """The rectangle of each contents row (page number -> x0, y0, x1, y1 in pt): found where
    the row's number is written alone in the table's first column, spanning the panel across."""
    found: dict[int, tuple[float, float, float]] = {}  # number -> x, baseline, font size

    def visit(text: str, cm: list, tm: list, font: object, size: float) -> None:
        word = text.strip()
        if word.isdigit() and 1 <= int(word) <= count:
            x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
            scale = size * abs(tm[3] * cm[3]) or size
            if int(word) not in found or x < found[int(word)][0]:
                found[int(word)] = (x, y, scale)

    page.extract_text(visitor_text=visit)
    right = float(page.mediabox.right) - 20
    rows = sorted(found.items())
    if not rows:
        return {}
    tops = [y + size for _, (_, y, size) in rows]
    # A row reaches down to the next row's top; the last one as far as the one above it does.
    heights = [top - below for top, below in zip(tops, tops[1:])]
    heights.append(heights[-1] if heights else 1.5 * rows[0][1][2])
    return {n: (x - 4, top - height, right, top) for (n, (x, _, _)), top, height in zip(rows, tops, heights)}
