"""The fonts texsheet draws with: the theme's fonts first, then a chain of fallbacks.

Which font draws a piece of text is decided here, from what fontconfig says each installed font
covers (asked once per run, by probe_fonts), so that every character is drawn by a font that
has it and TeX never meets a missing glyph.
"""
from __future__ import annotations

import bisect
import functools
import hashlib
import os
import subprocess
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from texsheet.text import emoji


@dataclass(frozen=True)
class Face:
    """A font of a fallback chain: the Debian package that installs it, and how it is set to sit
    beside the theme's font (x-heights matched by scale, baselines by raise, in em of the text;
    ideographs and kana have their own, matched to the Hangul box). name is what fontspec loads,
    when it is not the family (a bold face)."""

    family: str
    package: str
    purpose: str
    scale: float = 1.0
    rise: float = 0.0
    cjk_scale: float | None = None
    cjk_rise: float | None = None
    options: str = ""
    name: str = ""


# Measured against NanumBarunpen, Nanum Pen Script (at its own size) and D2Coding; see the README.
BODY_FALLBACKS: tuple[Face, ...] = (
    Face("LXGW WenKai", "fonts-lxgw-wenkai", "accented Latin, Vietnamese, Greek, Cyrillic, kana, Chinese and Japanese",
         1.01, -0.059, 1.01, -0.035),
    Face("DejaVu Sans", "fonts-dejavu-core", "the minus sign, sub- and superscripts, arrows, math operators", 0.92, -0.070),
    Face("DejaVu Math TeX Gyre", "fonts-dejavu-extra", "math alphanumerics such as 𝔼 and 𝐱", 0.97, -0.070),
    Face("Symbola", "fonts-symbola", "technical symbols, everything else", 1.11, -0.070),
    Face("NanumBarunGothic YetHangul", "fonts-nanum-extra", "old Hangul, compatibility ideographs", 0.99, -0.001),
)
HAND_FALLBACKS: tuple[Face, ...] = (
    Face("LXGW WenKai", "fonts-lxgw-wenkai", "accented Latin, Greek, Cyrillic, kana, Chinese and Japanese in titles",
         0.69, 0.145, 0.63, 0.148, "FakeBold=1.5", name="LXGW WenKai Bold"),
    Face("DejaVu Sans", "fonts-dejavu-core", "symbols in titles", 0.64, 0.133, name="DejaVu Sans Bold"),
    Face("DejaVu Math TeX Gyre", "fonts-dejavu-extra", "math alphanumerics in titles", 0.68, 0.133, options="FakeBold=1.5"),
    Face("Symbola", "fonts-symbola", "everything else in titles", 0.78, 0.133, options="FakeBold=1.5"),
    Face("NanumBarunGothic YetHangul", "fonts-nanum-extra", "old Hangul in titles", 0.62, 0.166),
)
CODE_FALLBACKS: tuple[Face, ...] = (
    Face("LXGW WenKai Mono", "fonts-lxgw-wenkai", "kana, kanji and hanzi in code, in the same cells", 1.0, 0.027),
    Face("DejaVu Sans Mono", "fonts-dejavu-core", "symbols in code, in half-em cells", 0.83, 0.016),
    Face("Symbola", "fonts-symbola", "everything else in code", 1.13, 0.016),
)
FALLBACKS = {"body": BODY_FALLBACKS, "hand": HAND_FALLBACKS, "code": CODE_FALLBACKS}
# The fonts the fallbacks' scales and rises were measured against; with other theme fonts the
# fallbacks are set at their own size and baseline.
MEASURED_WITH = {"body": {"NanumBarunpen"}, "hand": {"Nanum Pen Script", "Nanum Brush Script"}, "code": {"D2Coding"}}
# The families texsheet itself names: a theme font not installed but close to one of these is
# taken for a misspelling of it.
KNOWN_FAMILIES = frozenset().union(*MEASURED_WITH.values(), (face.family for faces in FALLBACKS.values() for face in faces))

_CJK_BLANKS = ((0x2F00, 0x2FDF), (0x3400, 0x9FFF), (0xF900, 0xFAFF))
# Kana and Japanese full stops drawn in the Korean fonts' own design, at odds with the kanji
# beside them (which those fonts lack): Japanese is set in one font, the fallback's. Brackets
# such as 「」, which Korean uses too, stay.
_JAPANESE = ((0x3001, 0x3002), (0x3040, 0x30FF))
# Characters fonts claim in their character map but draw wrongly or not at all (ranges).
WRONG_GLYPHS: Mapping[str, tuple[tuple[int, int], ...]] = {
    # A won sign for the backslash; an en dash at cap height; ideographs blank.
    "NanumBarunpen": ((0x5C, 0x5C), (0x2013, 0x2013), *_CJK_BLANKS, *_JAPANESE),
    "Nanum Pen Script": ((0x5C, 0x5C), (0x0370, 0x04FF), *_CJK_BLANKS, *_JAPANESE),  # Greek, Cyrillic typeset, not written
    "Nanum Brush Script": ((0x5C, 0x5C), (0x0370, 0x04FF), *_CJK_BLANKS, *_JAPANESE),
    "LXGW WenKai": ((0x2212, 0x2212),),  # the minus drawn as its hyphen
    "D2Coding": ((0x7C, 0x7C),),  # a broken bar for the vertical bar, which shell pipes read badly
}

# For a character no installed font draws: the Debian package that would.
PACKAGE_HINTS: tuple[tuple[int, int, str], ...] = (
    (0x1100, 0x11FF, "fonts-nanum-extra"),
    (0xA960, 0xA97F, "fonts-nanum-extra"),
    (0xD7B0, 0xD7FF, "fonts-nanum-extra"),
    (0x3000, 0x303F, "fonts-noto-cjk"),
    (0x3040, 0x30FF, "fonts-lxgw-wenkai"),
    (0x3400, 0x4DBF, "fonts-hanazono"),
    (0x4E00, 0x9FFF, "fonts-lxgw-wenkai"),
    (0xF900, 0xFAFF, "fonts-hanazono"),
    (0x20000, 0x3134F, "fonts-hanazono"),
    (0x1D400, 0x1D7FF, "fonts-dejavu-extra"),
    (0x0E00, 0x0E7F, "fonts-tlwg-purisa-otf"),
)


def package_hint(char: str) -> str:
    """The Debian package to suggest for a character no installed font draws."""
    code = ord(char)
    return next((package for low, high, package in PACKAGE_HINTS if low <= code <= high), "fonts-noto-core")


class Charset:
    """The code points a font draws, as sorted ranges (a CJK font has tens of thousands)."""

    def __init__(self, ranges: list[tuple[int, int]], wrong: tuple[tuple[int, int], ...] = ()):
        merged: list[list[int]] = []
        for low, high in sorted(ranges):
            if merged and low <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], high)
            else:
                merged.append([low, high])
        self._lows = [low for low, _ in merged]
        self._highs = [high for _, high in merged]
        self._wrong = wrong

    def __contains__(self, code: int) -> bool:
        n = bisect.bisect_right(self._lows, code) - 1
        return n >= 0 and code <= self._highs[n] and not any(low <= code <= high for low, high in self._wrong)


# What kotex sets in a family's Hangul font (\\set...hangulfont) whatever the family's own font
# draws: Hangul syllables, jamo and compatibility jamo (xetexko's character classes HG and JJ).
KOTEX_HANGUL: tuple[tuple[int, int], ...] = ((0x1100, 0x11FF), (0x3131, 0x318E), (0xA960, 0xA97C), (0xAC00, 0xD7A3),
                                             (0xD7B0, 0xD7FB))


def _is_kotex_hangul(code: int) -> bool:
    return any(low <= code <= high for low, high in KOTEX_HANGUL)


class PairedCharset:
    """What a font draws as a document family paired by kotex with Hangul fonts: Hangul from
    the Hangul fonts (all of them, when one Latin font is paired with several), the rest from
    the font itself."""

    def __init__(self, own: Charset, hangul: list[Charset]):
        self._own, self._hangul = own, hangul

    def __contains__(self, code: int) -> bool:
        if _is_kotex_hangul(code):
            return all(code in charset for charset in self._hangul)
        return code in self._own


class FontSet:
    """What each installed font family draws (wrong glyphs removed), read from fontconfig's
    listing; a family's ranges are parsed the first time it is asked about. files: each
    family's font files, whose sizes and times tell when a font was upgraded under its name.
    hangul: the Hangul fonts kotex pairs a family with in a sheet (see with_hangul)."""

    def __init__(self, listing: dict[str, list[str]], files: dict[str, list[str]] | None = None,
                 hangul: Mapping[str, tuple[str, ...]] | None = None, own: dict[str, Charset] | None = None):
        self._listing = listing
        self._files = files or {}
        self._hangul = dict(hangul or {})
        self._charsets: dict[str, Charset | PairedCharset] = {}
        self._own: dict[str, Charset] = own if own is not None else {}  # each family's own glyphs, shared with its with_hangul sets

    def with_hangul(self, pairs: Iterable[tuple[str, str]]) -> FontSet:
        """The same fonts, where each (family, Hangul font) pair draws its Hangul in the Hangul
        font, as kotex sets it: a Latin hand paired with a Hangul pen draws both."""
        hangul: dict[str, tuple[str, ...]] = {}
        for family, hangul_family in pairs:
            if hangul_family != family:
                hangul[family] = tuple(dict.fromkeys((*hangul.get(family, ()), hangul_family)))
        return FontSet(self._listing, self._files, hangul, self._own) if hangul else self

    @functools.cached_property
    def digest(self) -> str:
        """A digest of the listing and the font files: it changes when a font is installed,
        removed or changed."""
        return hashlib.sha256(repr((sorted(self._listing.items()), self.identity(self._files))).encode()).hexdigest()

    def identity(self, families) -> str:
        """Each font file of families, with its size and time: a font replaced under the same
        name (an upgrade, wider glyphs) changes it."""
        lines = []
        for family in sorted(families):
            for name in sorted(self._files.get(family, ())):
                try:
                    stat = os.stat(name)
                    lines.append(f"{name} {stat.st_size} {stat.st_mtime_ns}")
                except OSError:
                    lines.append(f"{name} -")
        return "\n".join(lines)

    def charset(self, family: str) -> Charset | PairedCharset | None:
        if family not in self._listing:
            return None
        if family not in self._charsets:
            if family in self._hangul:
                hangul = [self._own_charset(h) if h in self._listing else Charset([]) for h in self._hangul[family]]
                self._charsets[family] = PairedCharset(self._own_charset(family), hangul)
            else:
                self._charsets[family] = self._own_charset(family)
        return self._charsets[family]

    def _own_charset(self, family: str) -> Charset:
        """What the family's own fonts draw, from the listing's ranges, parsed once for every
        FontSet of this machine's fonts."""
        if family not in self._own:
            ranges = []
            for text in self._listing[family]:
                for part in text.split():
                    low, _, high = part.partition("-")
                    ranges.append((int(low, 16), int(high or low, 16)))
            self._own[family] = Charset(ranges, WRONG_GLYPHS.get(family, ()))
        return self._own[family]

    def installed(self, family: str) -> bool:
        return family in self._listing

    def families(self) -> frozenset[str]:
        return frozenset(self._listing)

    def draws(self, family: str, text: str) -> bool:
        """Whether family draws every character of text (spaces aside)."""
        charset = self.charset(family)
        return charset is not None and all(ord(c) in charset for c in text if not c.isspace())

    def face_for(self, text: str, chain: Iterable[str]) -> str | None:
        """The first font of chain that draws all of text, or None."""
        return next((family for family in chain if self.draws(family, text)), None)


def sheet_chains(font: str, hand_font: str, code_font: str, hangul: Mapping[str, str] | None = None) -> dict[str, tuple[str, ...]]:
    """The fonts each role may draw with, in order: the theme's, its Hangul font (for the Greek
    and Cyrillic a Latin hand lacks, in the pen of the Hangul beside them), then the role's
    fallbacks (sub- and superscripts take the first that has them all: see paragraphs)."""
    firsts = {"body": font, "hand": hand_font, "code": code_font}
    return {role: tuple(dict.fromkeys([first, (hangul or {}).get(role) or first, *(f.family for f in FALLBACKS[role])]))
            for role, first in firsts.items()}


HAND_SCALE = 1.3  # the handwriting fonts are small for their size
# The size a theme font is set at in a role, as a scale of the text size, where it is not the
# role's: a Latin hand beside a Hangul pen, its x-height near the pen's Latin x-height (matched
# by eye, the pictures in the README).
OWN_SCALES: Mapping[str, Mapping[str, float]] = {
    "body": {"Comic Neue": 0.92},
    "hand": {"Comic Neue": 1.2},
}
FAKE_BOLD = 2.2  # bold for fonts without a bold face
BOLD_FACES = frozenset({"Comic Neue"})  # fonts with a bold face of their own, which fontspec finds
# Each role's font is a family of the document, so that kotex pairs it with its Hangul font:
# body text is the main (roman) family, the hand the sans family, code the mono family.
ROLE_SWITCHES = {"body": "\\rmfamily", "hand": "\\sffamily", "code": "\\ttfamily"}
ROLE_MACROS = {"body": "\\textrm", "hand": "\\textsf", "code": "\\texttt"}
ROLE_FAMILIES = {"body": "main", "hand": "sans", "code": "mono"}  # \\set<family>font, \\set<family>hangulfont
EMOJI_TEXT_FONT = "Symbola"
EVERY_SCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻₀₁₂₃₄₅₆₇₈₉₊₋"  # a font that draws sub- and superscripts draws all of these


@dataclass(frozen=True)
class Declared:
    """A font as the .tex declares it: a role's own font (command is the role's family switch),
    or a fallback (command is a macro that sets its argument in the font, raised rise em to sit on
    the line; the font is kotex's Hangul and hanja font there too, else kotex would set the
    Hangul and hanja of its text in the role's fonts)."""

    command: str
    name: str
    options: str
    rise: float = 0.0
    role: str = ""  # the role whose own font this is ("" for a fallback)
    hangul: str = ""  # a role's Hangul font (kotex's), and its options
    hangul_options: str = ""

    @property
    def switch(self) -> str:
        """The command that selects a fallback's font (the macro's name with "font" after it)."""
        return self.command + "font"


@dataclass(frozen=True)
class Faces:
    """The fonts of one sheet: each role's chain (body, hand, code) and every font declared.

    declared maps (role, family, ideographs) to its declaration: a fallback that sets ideographs
    and kana at another scale than letters is declared twice."""

    fonts: FontSet | None
    chains: dict[str, tuple[str, ...]]
    # Each role's chain for sub- and superscripts: its fonts that draw every one (EVERY_SCRIPT),
    # so that a page's scripts look alike (the whole chain where none does).
    script_chains: dict[str, tuple[str, ...]]
    declared: dict[tuple[str, str, bool], Declared]
    emoji_text: str | None  # a font for the characters of emoji, laid invisibly over the icon
    emoji_pages: dict[str, int] = field(default_factory=dict)

    def choose(self, text: str, role: str) -> str:
        """The family that draws text in a role: the first of its chain that has every character."""
        chain = self.chains[role]
        if self.fonts is None:
            return chain[0]
        return self.fonts.face_for(text, chain) or chain[0]

    def has_icon(self, cluster: str) -> bool:
        """Whether Twemoji draws the emoji cluster; without the icons' list (twemojis missing),
        every emoji counts as drawn, as nothing can be told."""
        return not self.emoji_pages or emoji.twemoji_name(cluster, self.emoji_pages) is not None

    def face(self, role: str, family: str, ideographs: bool) -> Declared:
        return self.declared.get((role, family, ideographs)) or self.declared[(role, family, False)]


def make_faces(font: str, hand_font: str, code_font: str, fonts: FontSet | None, emoji_pages: dict[str, int] | None,
               hangul: Mapping[str, str] | None = None) -> Faces:
    """A sheet's faces: the theme's fonts first in each role, then the role's fallbacks, set at
    the scale and rise measured beside the theme's default fonts (at their own size and
    baseline beside other fonts). hangul: each role's Hangul font, where it is not the role's
    font: kotex sets the role's Hangul in it, the rest in the role's font."""
    chains = sheet_chains(font, hand_font, code_font, hangul)
    hanguls = {role: (hangul or {}).get(role) or chain[0] for role, chain in chains.items()}
    if fonts is not None:
        fonts = fonts.with_hangul((chains[role][0], hanguls[role]) for role in sorted(chains))
    base = {"body": 1.0, "hand": HAND_SCALE, "code": 1.0}
    declared: dict[tuple[str, str, bool], Declared] = {}
    for role, chain in chains.items():
        first, bold = chain[0], f"AutoFakeBold={FAKE_BOLD:g}"
        own = OWN_SCALES.get(role, {}).get(first, base[role]) if hanguls[role] != first else base[role]
        declared[(role, first, False)] = Declared(ROLE_SWITCHES[role], first, _options(own, "" if first in BOLD_FACES else bold),
                                                  role=role, hangul=hanguls[role], hangul_options=_options(base[role], bold))
        measured = hanguls[role] in MEASURED_WITH[role]
        if hanguls[role] != first:  # the Hangul font as a fallback: at its own size and on its own line
            declared[(role, hanguls[role], False)] = Declared(_macro(role, hanguls[role]), hanguls[role], _options(base[role], bold))
        for face in FALLBACKS[role]:
            if face.family == first:
                continue
            command = _macro(role, face.family)
            scale, rise = (face.scale, face.rise) if measured else (1.0, 0.0)
            bold = face.options or f"AutoFakeBold={FAKE_BOLD:g}"
            declared[(role, face.family, False)] = Declared(command, face.name or face.family, _options(scale * base[role], bold),
                                                            rise * base[role])
            if measured and face.cjk_scale is not None:
                declared[(role, face.family, True)] = Declared(command + "CJK", face.name or face.family,
                                                              _options(face.cjk_scale * base[role], bold), face.cjk_rise * base[role])
    emoji_text = EMOJI_TEXT_FONT if fonts is not None and fonts.installed(EMOJI_TEXT_FONT) else None
    scripts = {role: tuple(family for family in chain if fonts is not None and fonts.draws(family, EVERY_SCRIPT)) or chain
               for role, chain in chains.items()}
    return Faces(fonts, chains, scripts, declared, emoji_text, dict(emoji_pages or {}))


def emoji_stand_in(cluster: str, fonts: FontSet | None, chain: Iterable[str]) -> str | None:
    """The font of chain that draws an emoji Twemoji has no icon for, as characters (Symbola's
    monochrome emoji: a ZWJ sequence as its parts side by side), or None: then a box with a
    question mark stands in."""
    drawn = emoji.drawn_characters(cluster)
    return fonts.face_for(drawn, chain) if fonts is not None and drawn else None


def _macro(role: str, family: str) -> str:
    return "\\ts" + role + "".join(c for c in family if c.isascii() and c.isalpha())


def _options(scale: float, bold: str) -> str:
    options = ["Ligatures=TeXOff"]
    if abs(scale - 1.0) > 1e-9:
        options.append(f"Scale={round(scale, 4):g}")
    return ",".join(options + [bold] if bold else options)


def probe_fonts() -> FontSet | None:
    """Every installed family, its files and what it draws, from one fc-list call; None without
    fontconfig."""
    try:
        out = subprocess.run(
            ["fc-list", "--format", "%{family[0]}\t%{file}\t%{charset}\n"], capture_output=True, text=True, check=False, timeout=60
        ).stdout
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return None
    listing: dict[str, list[str]] = {}
    files: dict[str, list[str]] = {}
    for line in out.splitlines():
        family, _, rest = line.partition("\t")
        file, _, ranges = rest.partition("\t")
        listing.setdefault(family, []).append(ranges)
        files.setdefault(family, []).append(file)
    return FontSet(listing, files)
