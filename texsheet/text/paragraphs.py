"""User text as TeX will set it: paragraphs of words joined by glue, words made of segments.

A segment is a run of one font and style that TeX sets as one box and measures once; a word is
what must stay on one line (its pieces may part only when the word is wider than a whole line);
glue is a space, or nothing where CJK characters may break. Which font draws each segment is
decided here from the fonts' character sets, so TeX never meets a missing glyph.
"""
from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from dataclasses import dataclass

import bidi.algorithm as bidi
import budoux
import pyphen
import regex
from icu4py.breakers import LineBreaker

from texsheet.text import emoji
from texsheet.text import markup
from texsheet.text.escape import INVISIBLE, ZERO_WIDTH_SPACE, escape_chars, is_other_space
from texsheet.text.fonts import ROLE_SWITCHES, Faces, emoji_stand_in

LONG_WORD = 18  # characters; a longer word gets places where it may part if it must
MIN_PIECE = 3  # characters: no part of a parted word is shorter
_BREAK_AFTER = frozenset("/.,:;_-)]}=&|>\\")

# What a formula stands for when Unicode's line-breaking rules look at the text around it
# (OBJECT REPLACEMENT CHARACTER: an inline object, breakable on either side unless its
# neighbours say otherwise).
_OBJECT = "\ufffc"


@dataclass(frozen=True)
class Segment:
    """One run of text that TeX sets in one font and style, and measures once.

    text is the TeX of its characters (escaped), or the command of an icon or a formula; role
    (body, hand, code) is the text's role, whose font sets it unless face names a fallback's
    macro ("" for icons and formulas); mark is "", "highlight" or "code"; level is its
    bidirectional embedding level (odd: right to left, as Arabic and Hebrew are written). tex is
    the segment alone, as TeX measures it.
    """

    tex: str
    text: str
    role: str = ""
    face: str = ""
    bold: bool = False
    pen: str = ""
    mark: str = ""
    level: int = 0

    @staticmethod
    def make(text: str, role: str = "", face: str = "", bold: bool = False, pen: str = "", mark: str = "",
             level: int = 0) -> "Segment":
        inline = wrap(text, face, bold, pen)
        tex = f"{{{ROLE_SWITCHES[role]} {inline}}}" if role else f"{{{inline}}}"
        return Segment(tex, text, role, face, bold, pen, mark, level)


def wrap(tex: str, font: str = "", bold: bool = False, pen: str = "") -> str:
    """tex in a font's macro, bold, in a pen: how a segment, or a run of them, is written."""
    if font:
        tex = f"{font}{{{tex}}}"
    if bold:
        tex = f"\\textbf{{{tex}}}"
    if pen:
        tex = f"\\tspen{{{pen}}}{{{tex}}}"
    return tex


@dataclass(frozen=True)
class Word:
    """What stays on one line. Its pieces part only when it is wider than a line; then a line
    that ends inside it ends with breakmark, if it has one."""

    pieces: tuple[tuple[Segment, ...], ...]
    text: str
    offset: int
    breakmark: Segment | None = None


@dataclass(frozen=True)
class Glue:
    """Between two words: count spaces as wide as space (None: no width), where a line may
    break unless breakable is False."""

    space: Segment | None
    count: int = 1
    breakable: bool = True


@dataclass(frozen=True)
class Paragraph:
    words: tuple[Word, ...]
    glues: tuple[Glue, ...]  # one fewer than words
    align: str = "left"
    indent: Glue | None = None  # before the first word (code keeps its indentation)
    whole: bool = False  # a line of code: every break in it is a flaw a layout avoids if it can
    role: str = "body"  # whose font sets its text, unless a segment says otherwise


@dataclass(frozen=True)
class Style:
    """How a paragraph is set: its role's fonts, and bold throughout (headings)."""

    role: str = "body"
    bold: bool = False


@dataclass(frozen=True)
class _Char:
    """One character (or emoji, formula, code run) of flattened markup, with its style."""

    kind: str  # char, emoji, math, code, space, zwsp, break
    text: str
    offset: int
    bold: bool = False
    pen: str = ""
    mark: str = ""
    level: int = 0  # its bidirectional embedding level: odd is right to left


def build_paragraphs(text: str, style: Style, faces: Faces, align: str = "left", language: str = "en") -> list[Paragraph]:
    """The paragraphs of a piece of user text (markup already checked); language hyphenates
    its long words."""
    spans, _ = markup.parse(unicodedata.normalize("NFC", text))
    chars = list(_flatten(spans, style.bold, "", ""))
    paragraphs: list[Paragraph] = []
    current: list[_Char] = []
    for char in chars:
        if char.kind == "break":
            paragraphs.append(_paragraph(current, style, faces, align, language))
            current = []
        elif char.kind == "display":
            if current:
                paragraphs.append(_paragraph(current, style, faces, align, language))
                current = []
            paragraphs.append(_paragraph([char], style, faces, "center", language))
        else:
            current.append(char)
    if current or not paragraphs:
        paragraphs.append(_paragraph(current, style, faces, align, language))
    return [p for p in paragraphs if p.words] or paragraphs[:1]


def build_code_lines(lines: list[list[tuple[str, str]]], faces: Faces) -> list[Paragraph]:
    """Paragraphs of a code block: each line a list of (text, pen) tokens; spaces kept as typed."""
    paragraphs = []
    offset = 0
    for tokens in lines:
        chars = [_Char("code", piece, offset, pen=pen) for text, pen in tokens for piece in re.split(r"( +)", text) if piece]
        indent = None
        if chars and chars[0].text.startswith(" "):
            indent = Glue(_space_segment("code", False, ""), len(chars[0].text), breakable=False)
            chars = chars[1:]
        paragraph = _paragraph(chars, Style("code"), faces, "left", "en")  # code parts after punctuation
        paragraphs.append(Paragraph(paragraph.words, paragraph.glues, "left", indent, whole=True, role="code"))
        offset += sum(len(t) for t, _ in tokens) + 1
    return paragraphs


def _flatten(spans: list[markup.Span], bold: bool, pen: str, mark: str):
    for span in spans:
        if span.kind == "text":
            for n, char in enumerate(span.text):
                at = span.start + n
                if char == "\n":
                    yield _Char("break", char, at)
                elif char == " " or is_other_space(char):
                    yield _Char("space", " ", at, bold, pen, mark)
                elif char == ZERO_WIDTH_SPACE:
                    yield _Char("zwsp", char, at)
                elif char not in INVISIBLE:
                    yield _Char("char", char, at, bold, pen, mark)
        elif span.kind == "code":
            for piece in re.split(r"( +)", span.text):
                if piece:
                    yield _Char("code", piece, span.start, bold, pen, mark or "code")
        elif span.kind in ("emoji", "math", "display"):
            yield _Char(span.kind, span.text, span.start, bold, pen, mark)
        else:
            yield from _flatten(
                span.children,
                bold or span.kind == "bold",
                span.text if span.kind == "pen" else pen,
                "highlight" if span.kind == "highlight" else mark,
            )


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF
            or 0xF900 <= code <= 0xFAFF or 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF
            or 0x20000 <= code <= 0x3FFFF)


def _paragraph(chars: list[_Char], style: Style, faces: Faces, align: str, language: str) -> Paragraph:
    """Words and glue from a run of flattened characters."""
    words: list[list[_Char]] = []
    glues: list[Glue] = []
    pending: Glue | None = None
    chars = _with_levels(chars)
    phrases = _phrase_starts(chars)
    for n, char in enumerate(chars):
        if char.kind == "space" or (char.kind == "code" and char.text.startswith(" ")):
            if words and pending is None:
                pending = Glue(_space_segment(_role(char, style.role), char.bold, char.mark, char.level), len(char.text))
            continue
        if char.kind == "zwsp":
            if words and pending is None:
                pending = Glue(None)
            continue
        # Japanese and Chinese break between phrases, and where they meet other scripts.
        cjk, after_cjk = _is_cjk_char(char), bool(words) and _is_cjk_char(words[-1][-1])
        cjk_break = n in phrases if cjk and after_cjk else cjk or after_cjk
        if words and (pending is not None or cjk_break or char.kind == "display"):
            glues.append(pending or Glue(None))
            words.append([char])
        elif words:
            words[-1].append(char)
        else:
            words.append([char])
        pending = None
    built = [_word(w, style, faces, language) for w in words]
    return Paragraph(tuple(built), tuple(_kinsoku(glues, built, _unicode_breaks(chars, words))), align, role=style.role)


def _with_levels(chars: list[_Char]) -> list[_Char]:
    """The characters with their embedding levels by Unicode's bidirectional algorithm (UAX #9,
    python-bidi's implementation), where the paragraph holds right-to-left letters; lines put
    them in visual order. A formula, an icon or a run of code counts as its first character."""
    # A character Unicode's tables here give no direction (not yet assigned) counts as a neutral.
    firsts = (char.text[:1] or " " for char in chars)
    text = "".join(first if unicodedata.bidirectional(first) else "\ufffd" for first in firsts)
    if not any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
        return chars
    storage = bidi.get_empty_storage()
    storage["base_level"] = bidi.get_base_level(text)
    storage["base_dir"] = ("L", "R")[storage["base_level"]]
    bidi.get_embedding_levels(text, storage, False, False)
    for step in (bidi.explicit_embed_and_overrides, bidi.resolve_weak_types, bidi.resolve_neutral_types, bidi.resolve_implicit_levels):
        step(storage, False)
    levels = [c["level"] for c in storage["chars"]]
    return [dataclasses.replace(char, level=level) for char, level in zip(chars, levels)]


def _is_cjk_char(char: _Char) -> bool:
    return char.kind == "char" and _is_cjk(char.text)


def _phrase_starts(chars: list[_Char]) -> set[int]:
    """Where a phrase starts inside each run of Japanese or Chinese: BudouX's models find the
    phrases, so that a line never parts a word such as 木曜日 or きゅう."""
    starts: set[int] = set()
    n = 0
    while n < len(chars):
        if not _is_cjk_char(chars[n]):
            n += 1
            continue
        end = n
        while end < len(chars) and _is_cjk_char(chars[end]):
            end += 1
        run = "".join(c.text for c in chars[n:end])
        at = n
        for phrase in _phrase_parser(any(0x3040 <= ord(c) <= 0x30FF for c in run)).parse(run):
            starts.add(at)
            at += len(phrase)
        n = end
    return starts


@functools.lru_cache(maxsize=None)
def _phrase_parser(japanese: bool) -> budoux.Parser:
    return budoux.load_default_japanese_parser() if japanese else budoux.load_default_simplified_chinese_parser()


def _unicode_breaks(chars: list[_Char], words: list[list[_Char]]) -> list[bool]:
    """For each glue between words, whether Unicode's line-breaking algorithm (UAX #14, ICU's
    implementation through icu4py, strict as Japanese kinsoku asks) allows a break before the
    next word: none before closing punctuation, a small kana or "…", none after an opening
    bracket or quote even across spaces, none inside "100％"."""
    plain, at = [], {}
    length = 0
    for char in chars:
        at[id(char)] = length
        text = _OBJECT if char.kind in ("math", "display") else char.text
        plain.append(text)
        length += len(text)
    allowed, end = set(), 0
    for line_piece in LineBreaker("".join(plain), "en"):
        end += len(line_piece)
        allowed.add(end)
    return [at[id(word[0])] in allowed for word in words[1:]]


def _kinsoku(glues: list[Glue], words: list[Word], allowed: list[bool]) -> list[Glue]:
    """Breaks where UAX #14 allows them, and, as the house's own rules, never before a word of
    punctuation alone ("–", "%": a line does not start with it), nor between a number and its
    unit ("200 kB", "3 개")."""
    kept = []
    for n, glue in enumerate(glues):
        if glue.breakable and (not allowed[n] or _is_punctuation(words[n + 1].text) or _is_unit(words[n].text, words[n + 1].text)):
            glue = Glue(glue.space, glue.count, breakable=False)
        kept.append(glue)
    return kept


# Units and Korean counters that stay on the line of the number before them.
UNITS = frozenset(
    "% ‰ °C °F K B kB KB MB GB TB KiB MiB GiB TiB b kb Mb Gb bit bits byte bytes ns µs us ms s sec min h hr hrs"
    " Hz kHz MHz GHz px pt em rem mm cm m km in ft mi mg g kg t mL ml L l mol mmol V mV kV W kW MW Wh kWh A mA Ω kΩ"
    " dB fps bps kbps Mbps Gbps rpm x × 개 명 번 회 년 월 일 시 시간 분 초 원 배 층 살 장 권 쪽 개월 주".split())


def _is_unit(before: str, after: str) -> bool:
    """Whether after is a unit (or a Korean counter) and before the number it counts."""
    return _COUNTED.search(before) is not None and after.rstrip(".,;:!?)]}") in UNITS


_COUNTED = re.compile(r"\d[만천억백조]*\+?$")  # a number: 200, 100만, 100만+


def _is_punctuation(text: str) -> bool:
    """Punctuation alone, other than an opening bracket or quote (which may start a line)."""
    return bool(text) and unicodedata.category(text[0]) not in ("Ps", "Pi") and all(
        unicodedata.category(c)[0] == "P" for c in text)


def _role(char: _Char, role: str) -> str:
    return "code" if char.kind == "code" else role


def _word(chars: list[_Char], style: Style, faces: Faces, language: str) -> Word:
    text = "".join(c.text for c in chars)
    cjk = any(_is_cjk_char(c) for c in chars)
    if cjk:  # a phrase wider than a whole line parts between its characters where UAX #14 allows
        pieces = [[chars[0]]]
        for char, allowed in zip(chars[1:], _unicode_breaks(chars, [[c] for c in chars])):
            if allowed:
                pieces.append([char])
            else:
                pieces[-1].append(char)
    else:
        pieces = _pieces(chars, language) if len(text) > LONG_WORD else [chars]
    families = _word_families(chars, style.role, faces)
    built = tuple(tuple(_segments(piece, style.role, families, faces)) for piece in pieces)
    breakmark = None
    if any(c.kind == "code" for c in chars):
        breakmark = WRAP_MARK
    elif len(pieces) > 1 and not cjk and not any(c.text in _BREAK_AFTER for c in chars):
        # A word of letters alone (a long compound) parted at a line's end gets a hyphen.
        first = chars[0]
        breakmark = _segment(("text", first.bold, first.pen, first.mark, faces.choose("-", style.role), style.role, first.level), "-", faces)
    return Word(built, text, chars[0].offset, breakmark)


def _pieces(chars: list[_Char], language: str) -> list[list[_Char]]:
    """A long word cut where it may part: a word of letters where the language's hyphenation
    rules allow (pyphen's dictionaries, TeX's patterns), anything else after punctuation, and
    what has neither every LONG_WORD characters."""
    flat: list[_Char] = []
    for char in chars:
        if char.kind == "code":
            flat.extend(_Char("code", c, char.offset + n, char.bold, char.pen, char.mark, char.level) for n, c in enumerate(char.text))
        else:
            flat.append(char)
    text = "".join(c.text for c in flat)
    if all(c.kind == "char" for c in flat) and text.isalpha():
        cuts = set(_hyphenation(language).positions(text))
        if cuts:
            bounds = [0, *sorted(cuts), len(flat)]
            return [flat[a:b] for a, b in zip(bounds, bounds[1:])]
    pieces, current = [], []
    for char in flat:
        current.append(char)
        if (char.text in _BREAK_AFTER and len(current) >= MIN_PIECE) or len(current) >= LONG_WORD:
            pieces.append(current)
            current = []
    if current and pieces and len(current) < MIN_PIECE:
        pieces[-1].extend(current)
    elif current:
        pieces.append(current)
    return pieces


@functools.lru_cache(maxsize=None)
def _hyphenation(language: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=language, left=MIN_PIECE, right=MIN_PIECE)


def _word_families(chars: list[_Char], role: str, faces: Faces) -> dict[tuple[str, bool], str | None]:
    """Per role in the word (prose, code), for its letters and digits and apart for its sub- and
    superscripts: the one font of the chain that draws them all, so that a word is never drawn
    in two hands nor its scripts in two fonts (Cr₂O₇²⁻; a dash, ½ or other sign that font lacks
    is chosen on its own); else None, to choose per character. Scripts take their role's script
    chain (Faces.script_chains), so that they look alike across the page: the few a Latin hand
    or a Hangul pen has (Comic Neue's ¹²³, the pen's ₂ and ¹) are drawn at other sizes and
    spacings than the rest (10² ³, mol⁻ ¹)."""
    families: dict[tuple[str, bool], str | None] = {}
    for char_role in {_role(c, role) for c in chars}:
        for scripts in (False, True):
            chain = (faces.script_chains if scripts else faces.chains)[char_role]
            found = "".join(c.text for c in chars if c.kind in ("char", "code") and _role(c, role) == char_role
                            and (_is_script(c.text) if scripts else _is_letter(c.text)))
            families[(char_role, scripts)] = chain[0] if faces.fonts is None or not found else faces.fonts.face_for(found, chain)
    return families


def _is_letter(text: str) -> bool:
    """Whether text starts with a letter, digit or mark that shares its word's font: not a
    script, nor another number sign (½, ①), which is chosen on its own."""
    category = unicodedata.category(text[0])
    return category[0] in "LNM" and category != "No" and not _is_script(text)


def _is_script(text: str) -> bool:
    """Whether text starts with a sub- or superscript character (₂, ², ⁻, ⁿ): H₂O keeps its
    letters in the hand, and its scripts take one font among themselves."""
    return unicodedata.decomposition(text[0]).startswith(("<super>", "<sub>"))


def _clusters(text: str) -> list[str]:
    """Grapheme clusters (a base and its marks, a Hangul syllable of jamo), each set in one font."""
    return regex.findall(r"\X", text)


def _segments(chars: list[_Char], role: str, families: dict[tuple[str, bool], str | None], faces: Faces) -> list[Segment]:
    """Runs of one font and style, as TeX."""
    runs: list[tuple[tuple, str]] = []  # (key, text)
    for char in chars:
        char_role = _role(char, role)
        if char.kind == "emoji" and not faces.has_icon(char.text):
            runs.append(_stand_in_run(char, char_role, faces))
            continue
        if char.kind in ("emoji", "math", "display"):
            runs.append(((char.kind, char.bold, char.pen, char.mark, None, None, char.level), char.text))
            continue
        for cluster in _clusters(char.text):
            face = families.get((char_role, _is_script(cluster)))
            if face is None or (faces.fonts is not None and not faces.fonts.draws(face, cluster)):
                face = faces.choose(cluster, char_role)
            key = ("text", char.bold, char.pen, char.mark, face, char_role, char.level)
            if runs and runs[-1][0] == key:
                runs[-1] = (key, runs[-1][1] + cluster)
            else:
                runs.append((key, cluster))
    return [_segment(key, text, faces) for key, text in runs]


def _stand_in_run(char: _Char, role: str, faces: Faces) -> tuple[tuple, str]:
    """The run of an emoji Twemoji has no icon for (validation warns of it): its characters in
    the first font of the role's chain that draws them, else a box with a question mark."""
    face = emoji_stand_in(char.text, faces.fonts, faces.chains[role])
    if face is None:
        return ("no icon", char.bold, char.pen, char.mark, None, None, char.level), char.text
    return ("text", char.bold, char.pen, char.mark, face, role, char.level), emoji.drawn_characters(char.text)


def _segment(key: tuple, text: str, faces: Faces) -> Segment:
    kind, bold, pen, mark = key[:4]
    level = key[6]
    if kind == "emoji":
        code = emoji.twemoji_name(text, faces.emoji_pages) or emoji.emoji_code(text)
        # escape_chars drops the joiners and variation selectors, which draw nothing.
        hidden = "".join(c for c in text if faces.emoji_text and faces.fonts and faces.fonts.draws(faces.emoji_text, c))
        return Segment.make(f"\\tsemoji{{{code}}}{{{faces.emoji_pages.get(code, 0)}}}{{{escape_chars(hidden)}}}", mark=mark, level=level)
    if kind == "no icon":
        return Segment.make(f"\\tsnoicon{{{emoji.emoji_code(text)}}}", mark=mark, level=level)
    if kind in ("math", "display"):
        command = "\\tsmath" if kind == "math" else "\\tsdisplaymath"
        return Segment.make(f"{command}{{{text.strip()}}}", pen=pen, mark=mark, level=level)
    declared = faces.face(key[5], key[4], any(_is_cjk(c) for c in text))
    face = "" if declared.role else declared.command
    return Segment.make(escape_chars(text), key[5], face, bold, pen, mark, level)


# The mark at the end of a code line that goes on below (see \tswrapmark in the preamble): a
# drawing, not a character, so that the code copied from the PDF is the code as typed.
WRAP_MARK = Segment.make("\\tswrapmark", "code", pen="grey")


def _space_segment(role: str, bold: bool, mark: str, level: int = 0) -> Segment:
    return Segment.make("\\ ", role, bold=bold, mark=mark, level=level)


def segments_of(paragraphs: list[Paragraph]):
    """Every segment TeX must measure for these paragraphs."""
    for paragraph in paragraphs:
        for glue in (*paragraph.glues, paragraph.indent):
            if glue is not None and glue.space is not None:
                yield glue.space
        for word in paragraph.words:
            if word.breakmark is not None:
                yield word.breakmark
            for piece in word.pieces:
                yield from piece
