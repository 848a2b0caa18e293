"""Raw HTML in Markdown notes, read for what it means: tags (by the standard library's
html.parser) and what each says in texsheet's terms, the text of an HTML block, and GitHub's
:shortcode: emoji."""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Inline tags and the texsheet markup nearest to them.
BOLD_TAGS = ("b", "strong")
MARK_TAGS = ("u", "ins", "mark")
CODE_TAGS = ("kbd", "code", "tt", "samp", "var")
SCRIPT_TAGS = ("sub", "sup")
# Tags whose words stay, without a style texsheet has.
PLAIN_TAGS = ("em", "i", "cite", "s", "del", "strike", "small", "big", "span", "font", "abbr", "q", "dfn", "a",
              "details", "summary", "center", "p", "div", "li", "ul", "ol", "section", "article", "nobr", "label")
BREAK_TAGS = ("br",)
DROPPED_TAGS = ("img", "picture", "source", "video", "audio", "iframe", "svg", "hr", "input", "wbr")
# Tags that end a line of an HTML block's text.
BLOCK_TAGS = ("p", "div", "li", "ul", "ol", "details", "summary", "center", "section", "article", "h1", "h2", "h3",
              "h4", "h5", "h6", "tr", "table", "blockquote", "pre", "dt", "dd")

SUPERSCRIPTS = dict(zip("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ"))
SUBSCRIPTS = dict(zip("0123456789+-=()aeoxhklmnpst", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜ"))

# GitHub's shortcodes of the emoji notes use most; an unknown :name: stays as typed.
SHORTCODES = {
    "+1": "👍", "-1": "👎", "100": "💯", "alarm_clock": "⏰", "arrow_down": "⬇️", "arrow_left": "⬅️", "arrow_right": "➡️",
    "arrow_up": "⬆️", "art": "🎨", "bangbang": "‼️", "bar_chart": "📊", "beer": "🍺", "bell": "🔔", "blue_book": "📘",
    "bomb": "💣", "book": "📖", "bookmark": "🔖", "books": "📚", "boom": "💥", "brain": "🧠", "bug": "🐛", "bulb": "💡",
    "calendar": "📆", "chart_with_upwards_trend": "📈", "chart_with_downwards_trend": "📉", "check": "✔️",
    "checkered_flag": "🏁", "clipboard": "📋", "closed_book": "📕", "cloud": "☁️", "coffee": "☕", "computer": "💻",
    "construction": "🚧", "crab": "🦀", "crystal_ball": "🔮", "dart": "🎯", "desktop_computer": "🖥️", "dna": "🧬",
    "dolphin": "🐬", "earth_americas": "🌎", "email": "📧", "envelope": "✉️", "exclamation": "❗", "eyes": "👀",
    "file_folder": "📁", "fire": "🔥", "floppy_disk": "💾", "gear": "⚙️", "gem": "💎", "gift": "🎁",
    "globe_with_meridians": "🌐", "green_book": "📗", "hammer": "🔨", "hammer_and_wrench": "🛠️", "heart": "❤️",
    "heavy_check_mark": "✔️", "heavy_multiplication_x": "✖️", "hourglass": "⌛", "house": "🏠", "id": "🆔",
    "information_source": "ℹ️", "iphone": "📱", "jigsaw": "🧩", "key": "🔑", "label": "🏷️", "ledger": "📒",
    "link": "🔗", "lock": "🔒", "loudspeaker": "📢", "mag": "🔍", "mag_right": "🔎", "mega": "📣", "memo": "📝",
    "microscope": "🔬", "mortar_board": "🎓", "muscle": "💪", "new": "🆕", "no_entry": "⛔", "notebook": "📓",
    "open_book": "📖", "open_file_folder": "📂", "orange_book": "📙", "package": "📦", "page_facing_up": "📄",
    "paperclip": "📎", "pencil": "📝", "pencil2": "✏️", "penguin": "🐧", "point_right": "👉", "point_down": "👇",
    "pushpin": "📌", "question": "❓", "recycle": "♻️", "robot": "🤖", "rocket": "🚀", "rotating_light": "🚨",
    "round_pushpin": "📍", "ruby": "💎", "scroll": "📜", "shield": "🛡️", "smile": "😄", "snake": "🐍",
    "sparkles": "✨", "speech_balloon": "💬", "star": "⭐", "star2": "🌟", "stopwatch": "⏱️", "straight_ruler": "📏",
    "sunglasses": "😎", "tada": "🎉", "telescope": "🔭", "test_tube": "🧪", "thinking": "🤔", "thumbsdown": "👎",
    "thumbsup": "👍", "toolbox": "🧰", "trophy": "🏆", "triangular_ruler": "📐", "tv": "📺", "unlock": "🔓",
    "warning": "⚠️", "whale": "🐳", "white_check_mark": "✅", "wink": "😉", "world_map": "🗺️", "wrench": "🔧",
    "x": "❌", "zap": "⚡", "zzz": "💤",
}


@dataclass(frozen=True)
class Tag:
    """One HTML tag: its name, attributes and whether it opens, closes or stands alone."""

    name: str
    kind: str  # open, close, empty, comment
    attrs: dict[str, str] = field(default_factory=dict)


class _TagReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[Tag | str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.parts.append(Tag(tag, "open", {k: v or "" for k, v in attrs}))

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.parts.append(Tag(tag, "empty", {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        self.parts.append(Tag(tag, "close"))

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_comment(self, data: str) -> None:
        self.parts.append(Tag("!--", "comment"))


def read_html(text: str) -> list[Tag | str]:
    """HTML as a list of tags and the text between them (entities decoded)."""
    reader = _TagReader()
    reader.feed(text)
    reader.close()
    parts = reader.parts
    # A void element written open (<br>, <img ...>) stands alone.
    return [Tag(p.name, "empty", p.attrs) if isinstance(p, Tag) and p.kind == "open" and p.name in BREAK_TAGS + DROPPED_TAGS
            else p for p in parts]


def read_tag(text: str) -> Tag | None:
    """The one tag an inline HTML token holds, or None."""
    parts = read_html(text)
    if len(parts) == 1 and isinstance(parts[0], Tag):
        return parts[0]
    return None


@dataclass
class BlockText:
    """What an HTML block says: its lines of text, and what was dropped from it."""

    lines: list[str]
    dropped: list[str]
    summaries: list[str] = field(default_factory=list)  # the lines that were a <summary>
    lost: list[str] = field(default_factory=list)  # those of dropped whose words (an alt text) are not kept


def block_text(text: str) -> BlockText:
    """The text of an HTML block, a line per <br> or block element; images, anchors without text
    and comments dropped (named in dropped)."""
    lines, current, dropped, summaries, lost = [], [], [], [], []
    for part in read_html(text):
        if isinstance(part, str):
            current.append(part)
            continue
        if part.name in BREAK_TAGS or part.name in BLOCK_TAGS:
            if part.name == "summary" and part.kind == "close":
                summaries.append(" ".join("".join(current).split()))
            lines.append("".join(current))
            current = []
        elif part.kind == "comment":
            dropped.append("an HTML comment")
        elif part.name in DROPPED_TAGS:
            dropped.append(describe(part))
            if has_words(part):
                lost.append(dropped[-1])
    lines.append("".join(current))
    cleaned = [" ".join(line.split()) for line in lines]
    return BlockText([line for line in cleaned if line], dropped, summaries, lost)


def has_words(tag: Tag) -> bool:
    """Whether a dropped tag says something in words (an image's alt or title text), which a
    reader of the note would miss on the page."""
    return any(any(c.isalnum() for c in str(tag.attrs.get(key) or "")) for key in ("alt", "title"))


def describe(tag: Tag) -> str:
    """A short name of a tag for a note: '<img alt="build">'."""
    for key in ("alt", "src", "href", "name"):
        if tag.attrs.get(key):
            value = tag.attrs[key]
            return f'<{tag.name} {key}="{value if len(value) <= 40 else value[:39] + "…"}">'
    return f"<{tag.name}>"


def script_text(text: str, name: str) -> str | None:
    """Text as Unicode sub- or superscript characters, or None if one has none."""
    table = SUPERSCRIPTS if name == "sup" else SUBSCRIPTS
    if not text or any(c not in table for c in text):
        return None
    return "".join(table[c] for c in text)


def shortcode(name: str) -> str | None:
    return SHORTCODES.get(name)


def unescape(text: str) -> str:
    return html.unescape(text)
