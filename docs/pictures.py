"""Rebuild the README's pictures in docs/ from the sheets they show (run from the repository):

    .venv/bin/python docs/pictures.py

docs/layout-before.png is not rebuilt: it is tests/sheets/untuned/tokenization-sparse.yaml,
with `height: 1` on each row as that version required, built by texsheet 0.1.0 (commit 8a6e6a3).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
TEXSHEET = [sys.executable, "-m", "texsheet"]

# (picture, content file, resolution, theme or None)
PICTURES = [
    ("llm-grand-summary", "content/llm-grand-summary.yaml", 120, None),
    ("llm-math-and-code", "content/llm-math-and-code.yaml", 120, None),
    ("llm-post-training", "content/llm-post-training.yaml", 110, None),
    ("markdown-note", "tests/notes/binary-search.md", 60, None),
    ("layout-after", "tests/sheets/untuned/tokenization-sparse.yaml", 60, None),
    *((f"theme-{name}", "starter", 60, name) for name in ("graph", "dots", "lines", "plain")),
]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        subprocess.run([*TEXSHEET, "new", "starter", "-d", str(work)], check=True, stdout=subprocess.DEVNULL)
        for name, content, dpi, theme in PICTURES:
            source = work / "starter.yaml" if content == "starter" else ROOT / content
            out = work / name
            subprocess.run([*TEXSHEET, "compile", str(source), "-o", str(out), "--dpi", str(dpi), "--force",
                            *(["--theme", theme] if theme else [])], check=True)
            png = out / f"{source.stem}.png"
            Image.open(png).save(DOCS / f"{name}.png", optimize=True)
            print(f"docs/{name}.png")
        series(work / "series")


def series(out: Path) -> None:
    """docs/series-booklet.png (the booklet's cover and contents side by side) and
    docs/series-gallery.png (the gallery as headless chromium shows it) from docs/series.yaml."""
    from playwright.sync_api import sync_playwright

    subprocess.run([*TEXSHEET, "book", str(DOCS / "series.yaml"), "-o", str(out / "series.pdf"), "--html", str(out / "gallery"),
                    "--dpi", "60"], check=True)
    cover, contents = (Image.open(out / f"series-{page}.png") for page in ("cover", "contents"))
    both = Image.new("RGB", (cover.width * 2 + 12, cover.height), "white")
    both.paste(cover, (0, 0))
    both.paste(contents, (cover.width + 12, 0))
    both.save(DOCS / "series-booklet.png", optimize=True)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1200, "height": 820})
        page.goto((out / "gallery" / "index.html").as_uri())
        page.locator(".open").first.focus()
        page.screenshot(path=str(out / "gallery.png"))
        browser.close()
    Image.open(out / "gallery.png").resize((900, 615), Image.LANCZOS).save(DOCS / "series-gallery.png", optimize=True)
    print("docs/series-booklet.png, docs/series-gallery.png")


if __name__ == "__main__":
    main()
