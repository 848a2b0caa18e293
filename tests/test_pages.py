"""Sheets of several pages (pages: N, compile --pages) and notes split into sheets (import
--split), built with real TeX and read back from their PDFs."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from texsheet import api
from texsheet.cli import main
from texsheet.errors import ContentError, TexsheetError
from texsheet.layout.page import GROW
from texsheet.read.content import load_content
from texsheet.text import markup

NOTE = Path(__file__).parent / "notes" / "devhints-vim-long.md"


def page_texts(pdf: Path) -> list[str]:
    """The text of each page of the PDF, as pdftotext reads it."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def squeezed(text: str) -> str:
    """Text without spaces or hyphens (pdftotext drops some spaces, and the hyphen of a word
    parted at a line's end)."""
    return re.sub(r"[\s\-‐]", "", text)


def source_words(data) -> set[str]:
    """Every word of the content's text, as plain text (markup taken off)."""
    if isinstance(data, dict):
        return {w for key, value in data.items() if key not in ("kind", "colour", "language") for w in source_words(value)}
    if isinstance(data, list):
        return {w for value in data for w in source_words(value)}
    if isinstance(data, str):
        return {w for w in re.split(r"[\s\-]+", markup.plain(data)) if w}
    return set()


@pytest.fixture(scope="module")
def two_pages(tmp_path_factory) -> api.Result:
    return api.compile(NOTE, tmp_path_factory.mktemp("two"), pages=2)


def test_a_long_note_builds_on_two_pages_with_every_word(two_pages):
    pages = page_texts(two_pages.pdf)
    assert len(pages) == 2
    found = squeezed("".join(pages))
    source, _ = load_content(NOTE)
    missing = sorted(w for w in source_words(source.data) if squeezed(w) not in found)
    assert not missing
    assert "Vim" in pages[0] and "keeps your hands" in pages[0] and "keeps your hands" not in pages[1]  # the banner on page 1 only


def test_every_page_shows_its_number_and_has_its_png(two_pages):
    pages = page_texts(two_pages.pdf)
    assert [re.findall(r"\b\d/2\b", page)[-1] for page in pages] == ["1/2", "2/2"]
    assert two_pages.png.name == "devhints-vim-long.png"
    assert [p.name for p in two_pages.more_pngs] == ["devhints-vim-long-2.png"]
    assert all(p.stat().st_size > 50_000 for p in (two_pages.png, *two_pages.more_pngs))


def test_a_page_with_room_grows_its_text_rather_than_leave_a_blank(two_pages):
    """The first page holds six panels, the second seventeen: the first page's text grows past
    the fuller page's size (by GROW at most) instead of leaving a blank under its short panels
    (it was held at the second page's 6.5 pt, a blank of 11.7 % of the page)."""
    from pages import largest_hole

    assert largest_hole(two_pages.pdf) < 0.08
    sizes = [{float(s) for s in re.findall(r"\\tstext\{\\tsbody\}\{([\d.]+)\}", picture)}
             for picture in two_pages.tex.read_text(encoding="utf-8").split("\\begin{tikzpicture}[x=1mm,y=1mm]")[1:]]
    assert min(sizes[0]) > min(sizes[1]) and max(sizes[0]) <= min(sizes[1]) * GROW ** 2 + 1e-6


def long_panel(blocks: int) -> str:
    def items(b: int) -> str:
        return "\n".join(f"          - point {b}-{b}.{i}, a line of the panel that goes on for a while" for i in range(1, 13))

    body = "".join(f"      - kind: bullets\n        heading: Part {b}\n        items:\n{items(b)}\n" for b in range(1, blocks + 1))
    return ("title: One long panel\npages: 2\ntheme: {max_font_size: 11}\npanels:\n"
            f"  - title: Everything\n    blocks:\n{body}"
            "  - title: Short\n    blocks:\n      - kind: text\n        text: the end\n")


def test_a_panel_taller_than_a_page_goes_on_as_continued(tmp_path):
    sheet = tmp_path / "long.yaml"
    sheet.write_text(long_panel(14), encoding="utf-8")
    built = api.compile(sheet, tmp_path / "out")
    pages = page_texts(built.pdf)
    assert len(pages) == 2
    assert "Everything" in pages[0] and "(cont.)" not in pages[0]
    assert "Everything (cont.)" in pages[1] and "the end" in pages[1]
    # Cut between blocks: each part's first block starts with its heading, none is cut in two.
    first = int(re.findall(r"Part (\d+)", pages[1])[0])
    assert f"Part {first - 1}" in pages[0] and f"{first - 1}.12," in pages[0] and f"{first}-{first}.1," in pages[1]
    assert len(re.findall(r"Part \d+", pages[1])) >= 2  # the part holds more than a lone line
    tex = built.tex.read_text(encoding="utf-8")
    assert "% ---- panel 'Everything (cont.)' (long.yaml:" in tex  # the part names the panel's line


def test_a_one_page_sheet_too_long_is_told_the_pages_it_fits_on(tmp_path):
    with pytest.raises(ContentError) as raised:
        api.compile(NOTE, tmp_path)
    message = "\n".join(p.message for p in raised.value.problems)
    assert re.search(r"does not fit on one page, \d+ mm over even at 6\.5 pt", message)
    assert "it fits on 2 pages: pages: 2 (or texsheet compile --pages 2)" in message
    assert "texsheet import --split devhints-vim-long.md" in message
    assert message.count("it fits on 2 pages") == 1


def test_compile_pages_on_the_command_line(tmp_path):
    result = CliRunner().invoke(main, ["compile", str(NOTE), "-o", str(tmp_path), "--pages", "3"])
    assert result.exit_code == 0, result.output
    assert "devhints-vim-long.png, devhints-vim-long-2.png, devhints-vim-long-3.png" in result.output
    assert len(page_texts(tmp_path / "devhints-vim-long.pdf")) == 3
    # Built again on two pages, the third page's PNG goes: it would show a page the PDF lacks.
    result = CliRunner().invoke(main, ["compile", str(NOTE), "-o", str(tmp_path), "--pages", "2"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "devhints-vim-long-2.png").exists() and not (tmp_path / "devhints-vim-long-3.png").exists()


def test_a_sheet_of_several_pages_is_not_placed_in_a_paper(tmp_path):
    with pytest.raises(TexsheetError, match="a sheet of 2 pages cannot be placed in a paper"):
        api.compile(NOTE, tmp_path, pages=2, fragment=True)


def test_import_split_writes_sheets_that_each_build_on_one_page(tmp_path):
    result = CliRunner().invoke(main, ["import", "--split", str(NOTE), "-o", str(tmp_path / "content")])
    assert result.exit_code == 0, result.output
    sheets = sorted((tmp_path / "content").glob("devhints-vim-long-*.yaml"))
    assert 2 <= len(sheets) <= 3
    found = ""
    for k, sheet in enumerate(sheets, 1):
        assert f"title: Vim ({k}/{len(sheets)})" in sheet.read_text(encoding="utf-8")
        built = api.compile(sheet, tmp_path / "build")
        pages = page_texts(built.pdf)
        assert len(pages) == 1
        found += pages[0]
    source, _ = load_content(NOTE)
    assert not sorted(w for w in source_words(source.data) if squeezed(w) not in squeezed(found))


def test_validate_tells_what_compile_would_refuse_with_its_numbers():
    result = CliRunner().invoke(main, ["validate", str(NOTE)])
    assert result.exit_code == 1
    assert re.search(r"devhints-vim-long\.md:\d+:\d+: the sheet does not fit on one page, \d+ mm over even at 6\.5 pt", result.stderr)
    assert "it fits on 2 pages: pages: 2 (or texsheet compile --pages 2)" in result.stderr


def test_pages_auto_takes_the_fewest_pages_that_hold_the_sheet(tmp_path):
    long = CliRunner().invoke(main, ["compile", str(NOTE), "-o", str(tmp_path / "long"), "--pages", "auto"])
    assert long.exit_code == 0, long.output
    assert len(page_texts(tmp_path / "long" / "devhints-vim-long.pdf")) == 2  # it does not fit one, it fits two
    short = tmp_path / "short.yaml"
    short.write_text("title: Short\npages: auto\npanels:\n  - title: One\n    blocks:\n      - kind: text\n        text: fits\n",
                     encoding="utf-8")
    built = api.compile(short, tmp_path / "short")
    assert len(page_texts(built.pdf)) == 1 and not built.more_pngs
    with pytest.raises(TexsheetError, match="a sheet of 2 pages cannot be placed in a paper"):
        api.compile(NOTE, tmp_path / "paper", pages="auto", fragment=True)
