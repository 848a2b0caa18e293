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
    ("diagrams", "content/diagrams.yaml", 110, None),
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


if __name__ == "__main__":
    main()
