"""Content from any file texsheet reads: content YAML, a Markdown note, or an image-model prompt."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from texsheet.model.source import Source, load_source, read_text

MARKDOWN_SUFFIXES = (".md", ".markdown", ".txt")
CONTENT_SUFFIXES = (".yaml", ".yml", *MARKDOWN_SUFFIXES)


def load_content(path: Path) -> tuple[Source, list[Any]]:
    """The content of a file and what importing it guessed (pieces.Note each): YAML as written
    (no notes); a Markdown note or a prompt (a .md or .txt file in the seed's format) mapped to
    the format, its positions in the file it came from."""
    path = Path(path)
    if path.suffix.lower() not in MARKDOWN_SUFFIXES:
        return load_source(path), []
    from texsheet.read.markdown import markdown_source  # markdown-it: only notes need it
    from texsheet.read.prompt import is_image_prompt, prompt_source

    text = read_text(path)
    return (prompt_source if is_image_prompt(text) else markdown_source)(text, path)
