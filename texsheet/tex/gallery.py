"""The web gallery of a series: one static HTML page (tex_templates/gallery.html.j2) that shows
every sheet's thumbnail, title and subtitle, opens its page and PDF, and filters by title.
Text only, no I/O; every value is escaped for HTML."""
from __future__ import annotations

from dataclasses import dataclass

import jinja2

from texsheet.tex.templates import LOADER
from texsheet.text.markup import plain


@dataclass(frozen=True)
class Card:
    """A sheet as the gallery shows it; the paths are relative to the page."""

    title: str  # markup, shown plain
    subtitle: str
    thumbnail: str
    page: str  # the full-size PNG or SVG
    pdf: str
    width: int  # the thumbnail's pixels, so that the grid does not jump while it loads
    height: int


def render_gallery(title: str, subtitle: str, author: str, booklet: str, cards: list[Card]) -> str:
    """index.html of the gallery; booklet is the series' PDF, relative to the page."""
    shown = [{**card.__dict__, "title": plain(card.title), "subtitle": plain(card.subtitle)} for card in cards]
    return _ENV.get_template("gallery.html.j2").render(title=plain(title), subtitle=plain(subtitle), author=plain(author),
                                                       booklet=booklet, cards=shown)


_ENV = jinja2.Environment(loader=LOADER, autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                          keep_trailing_newline=True)
