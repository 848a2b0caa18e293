"""A series as one booklet (cover, linked contents, bookmarks, page labels, searchable text,
reproducible bytes), as a web gallery that a real browser opens, and a sheet as SVG."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

import texsheet
from texsheet.build.pipeline import load_sheet
from texsheet.build.series import build_book
from texsheet.errors import ContentError
from texsheet.read.book import load_book

HERE = Path(__file__).parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def series(tmp_path_factory) -> Path:
    """The folder of a book file listing two of the test sheets, built with its gallery."""
    folder = tmp_path_factory.mktemp("series")
    for name in ("text", "callout"):
        (folder / f"{name}.yaml").write_text((HERE / "sheets" / f"{name}.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "book.yaml").write_text("book:\n  title: A small series\n  subtitle: two sheets\n  author: the tests\n"
                                      "  sheets: [text.yaml, callout.yaml]\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "texsheet", "book", str(folder / "book.yaml"), "-o", str(folder / "out" / "series.pdf"),
                             "--html", str(folder / "web"), "--dpi", "40"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return folder


def titles(folder: Path) -> list[str]:
    return [load_book(folder / "book.yaml").title, *(load_sheet(folder / f"{n}.yaml")[1].title
                                                     for n in ("text", "callout"))]


def test_the_booklet_has_a_cover_linked_contents_bookmarks_and_page_labels(series, tex_available):
    reader = pypdf.PdfReader(series / "out" / "series.pdf")
    book_title, first, second = titles(series)
    assert len(reader.pages) == 4
    assert [reader.page_labels[i] for i in range(4)] == ["Cover", "Contents", "1", "2"]
    assert [(item.title, reader.get_destination_page_number(item)) for item in reader.outline] == \
        [("Contents", 1), (first, 2), (second, 3)]
    links = [a.get_object() for a in reader.pages[1]["/Annots"]]
    assert [reader._get_page_number_by_indirect(link["/Dest"][0]) for link in links] == [2, 3]
    assert links[0]["/Rect"][1] > links[1]["/Rect"][3] - 1  # the first row above the second
    text = subprocess.run(["pdftotext", str(series / "out" / "series.pdf"), "-"], capture_output=True, text=True).stdout
    plain = "".join(text.split())
    assert "".join(book_title.split()) in plain and "bythetests" in plain
    sheet_text = subprocess.run(["pdftotext", str(series / "out" / "text.pdf"), "-"], capture_output=True, text=True).stdout
    assert "".join(sheet_text.split()) in plain  # the sheet's page, searchable as built
    assert reader.metadata["/Title"] == "A small series" and "/CreationDate" not in reader.metadata


def test_each_contents_link_covers_its_row_page_number(series, tex_available):
    reader = pypdf.PdfReader(series / "out" / "series.pdf")
    numbers = {}

    def visit(text, cm, tm, font, size):
        if text.strip() in ("1", "2"):
            numbers.setdefault(text.strip(), (tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))

    reader.pages[1].extract_text(visitor_text=visit)
    for n, link in zip(("1", "2"), reader.pages[1]["/Annots"]):
        x0, y0, x1, y1 = (float(v) for v in link.get_object()["/Rect"])
        x, y = numbers[n]
        assert x0 <= x <= x1 and y0 <= y <= y1


def test_a_rebuilt_booklet_is_the_same_byte_for_byte(series, tex_available, tmp_path):
    again = tmp_path / "series.pdf"
    build_book(load_book(series / "book.yaml"), again, force=True, dpi=40)
    assert again.read_bytes() == (series / "out" / "series.pdf").read_bytes()


def test_a_book_file_with_a_missing_sheet_is_refused_at_its_line(tmp_path):
    book = tmp_path / "book.yaml"
    book.write_text("book:\n  title: x\n  sheets:\n    - here.yaml\n    - gone.yaml\n  colour: red\n", encoding="utf-8")
    (tmp_path / "here.yaml").write_text("title: x\npanels: []\n", encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_book(book)
    assert f"{book}:5:7: no such file" in str(error.value)
    assert f"{book}:6:3: unknown key 'colour'" in str(error.value)
    result = subprocess.run([sys.executable, "-m", "texsheet", "book", str(book), "-o", str(tmp_path / "s.pdf")], capture_output=True, text=True)
    assert result.returncode == 1 and "no such file" in result.stderr and "Traceback" not in result.stderr


def test_the_gallery_opens_searches_and_navigates_in_chromium(series, tex_available, tmp_path):
    from playwright import sync_api as playwright  # the test extra installs it; the browser is Debian's chromium
    page_url = (series / "web" / "index.html").as_uri()
    _, first, second = titles(series)
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            page.goto(page_url)
            images = page.locator("img")
            assert images.count() == 2
            assert page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
            assert [images.nth(i).get_attribute("alt") for i in range(2)] == [first, second]
            page.screenshot(path=str(tmp_path / "gallery.png"))
            page.fill("#search", second.split()[0].lower())
            assert page.locator("#sheets li:visible").count() == 1
            assert "1 of 2" in page.inner_text("#count")
            page.fill("#search", "")
            page.locator(".open").first.focus()
            page.keyboard.press("ArrowRight")
            assert page.evaluate("document.activeElement.getAttribute('href')") == "pages/callout.png"
            outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none"  # focus is visible
            page.keyboard.press("Enter")
            page.wait_for_url("**/pages/callout.png")
            assert page.evaluate("document.images[0].naturalWidth") > 0
            page.go_back()
            page.click(f"img[alt='{first}']")
            page.wait_for_url("**/pages/text.png")
        finally:
            browser.close()
    for name in ("series.pdf", "pdf/text.pdf", "pdf/callout.pdf"):
        assert (series / "web" / name).stat().st_size > 1000


def test_compile_svg_writes_an_svg_that_chromium_draws_like_the_png(tmp_path, tex_available):
    from playwright import sync_api as playwright  # the test extra installs it; the browser is Debian's chromium
    from PIL import Image, ImageChops, ImageStat

    result = texsheet.compile(HERE / "sheets" / "callout.yaml", tmp_path, dpi=100, svg=True)
    svg = result.svg.read_text(encoding="utf-8")
    assert "<text" in svg and "@font-face" in svg  # text kept, fonts embedded
    again = texsheet.compile(HERE / "sheets" / "callout.yaml", tmp_path / "again", dpi=100, svg=True, force=True)
    assert again.svg.read_text(encoding="utf-8") == svg  # byte for byte: the fonts' dates are the build's fixed date
    # The panel's title, after its icon, keeps its pen (the accent, blue), as in the PDF; the
    # banner's title and subtitle hold the word too, in ink and grey.
    assert _fills_of(svg, "callout") == ["#1f2a44", "#6b7280", "#2f6fd0"]
    png = Image.open(result.png).convert("L")
    viewer = tmp_path / "svg.html"
    viewer.write_text(f'<body style="margin:0"><img src="{result.svg.name}" width="{png.width}" height="{png.height}">', encoding="utf-8")
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": png.width, "height": png.height})
            page.goto(viewer.as_uri())
            assert page.evaluate("document.images[0].complete && document.images[0].naturalWidth") > 0
            page.screenshot(path=str(tmp_path / "svg.png"))
        finally:
            browser.close()
    shown = Image.open(tmp_path / "svg.png").convert("L")
    difference = ImageStat.Stat(ImageChops.difference(png, shown)).mean[0]
    assert difference < 6, f"the SVG differs from the PNG by {difference:.1f} grey levels on average"
    blank = ImageStat.Stat(ImageChops.difference(png, Image.new("L", png.size, 255))).mean[0]
    assert blank > 2 * difference  # the comparison can tell a sheet from white paper


def _fills_of(svg: str, word: str) -> list[str | None]:
    """The fill the SVG gives each text or text span that is word: its own, or its nearest group's."""
    import xml.etree.ElementTree as ElementTree

    root = ElementTree.fromstring(svg)
    parents = {child: parent for parent in root.iter() for child in parent}
    fills = []
    for element in root.iter():
        if element.tag.rpartition("}")[2] in ("text", "tspan") and (element.text or "").strip() == word:
            while element is not None and "fill" not in element.attrib:
                element = parents.get(element)
            fills.append(None if element is None else element.attrib["fill"])
    return fills
