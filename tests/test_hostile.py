"""Hostile text in prose fields is typeset literally, and a build reads and writes nothing outside itself.

Every attack payload is placed in three prose fields (a panel title, a bullets item, a table cell),
each in two spellings:

* raw: typed as is. Prose fields are markup, whose backslash escapes only the characters markup
  uses (backslash * = { } ` $); before anything else a backslash is a backslash, so a reader sees
  ``\\input`` as typed. The expected reading is computed here, independently of texsheet's parser.
* escaped: with those characters escaped by a backslash, as an author writes to show the
  characters themselves; the reader must see the payload verbatim.

To keep the TeX runs few, one sheet is built per field (titles: a few sheets), holding every
payload between unique markers; each payload is then checked on its own. When a batch fails,
the payloads its error names (by content line, or by the U+ code TeX reports) are rebuilt
alone and the rest together (else the batch is halved), so a bad payload fails its own tests
only. A passing run is about six sheet builds.
"""
from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import time
import unicodedata
from pathlib import Path

import pytest
import yaml

from texsheet.build.pipeline import LATEXMKRC
from texsheet.build.pipeline import compile_sheet
from texsheet.errors import BuildError, ContentError, TexsheetError
from texsheet.text.escape import MAX_FIELD_LENGTH
import texsheet.build.engine as build

pytestmark = pytest.mark.usefixtures("tex_available")

CANARY = "CANARY"
HOSTNAME_FILE = Path("/etc/hostname")

# (test id, payload). None contains ** or == or {word: , so the raw reading is computable below.
PAYLOADS: list[tuple[str, str]] = [
    ("input", r"\input{/etc/hostname}"),
    ("caret-input", r"^^5cinput{/etc/hostname}"),
    ("csname-input", r"\csname input\endcsname{/etc/hostname}"),
    ("openin-read", r"\openin5=/etc/hostname \read5 to \x \x"),
    ("write18", r"\write18{touch CANARY}"),
    ("openout", r"\immediate\openout3=CANARY \immediate\write3{x}"),
    ("directlua", r"\directlua{io.open('CANARY','w')}"),
    ("catcode-eol", r"\catcode`\^^M=13"),
    ("recursive-def", r"\def\x{\x}\x"),
    ("end-document", r"}}}} \end{document}"),
    *[(f"char-{name}", char) for name, char in [
        ("hash", "#"), ("dollar", "$"), ("percent", "%"), ("ampersand", "&"), ("tilde", "~"),
        ("underscore", "_"), ("caret", "^"), ("backslash", "\\"), ("lbrace", "{"), ("rbrace", "}"),
        ("lbracket", "["), ("rbracket", "]"), ("less", "<"), ("greater", ">"), ("bar", "|"),
        ("quote", "'"), ("dquote", '"'), ("backticks", "``"), ("dashes", "--"), ("commas", ",,"),
    ]],
    ("zero-width-space", "zero\u200bwidth"),
    ("zero-width-joiner", "zero\u200djoiner"),
    ("nfd-hangul", unicodedata.normalize("NFD", "한글")),
    ("emoji-zwj", "\U0001F468\u200d\U0001F4BB"),
]
FIELDS = ["title", "bullet", "cell"]
VARIANTS = ["raw", "escaped"]
TITLES_PER_SHEET = 24

# Unusual characters beyond the brief's list, in a bullets item: each must be typeset literally
# or refused with a ContentError on its line, never reach TeX and stop it.
UNUSUAL: list[tuple[str, str]] = [
    ("line-separator-U+2028", "line\u2028separator"),
    ("paragraph-separator-U+2029", "para\u2029separator"),
    ("em-space-U+2003", "em\u2003space"),
    ("thin-space-U+2009", "thin\u2009space"),
    ("narrow-nbsp-U+202F", "narrow\u202fnbsp"),
    ("ogham-space-U+1680", "ogham\u1680space"),
    ("ideographic-space-U+3000", "ideographic\u3000space"),
    ("nbsp-U+00A0", "no\u00a0break"),
    ("soft-hyphen-U+00AD", "soft\u00adhyphen"),
    ("word-joiner-U+2060", "word\u2060joiner"),
    ("vs16-after-letter", "a\ufe0f"),
    ("object-replacement-U+FFFC", "\ufffc"),
    ("private-use-U+E000", "\ue000"),
    ("combining-first-U+0301", "\u0301x"),
    ("arabic", "مرحبا"),
    ("n-ary-sum", "∑"),
    ("tag-character", "a\U000E0041"),
    ("fullwidth-backslash", "＼input｛/etc/hostname｝"),
]


def squash(text: str) -> str:
    """Text as compared: NFC, whitespace and invisible format characters (category Cf) removed.

    Format characters (zero-width space and joiners, soft hyphen) and variation selectors have no
    glyph on paper; whether a PDF keeps them is not what this file tests.
    """
    text = unicodedata.normalize("NFC", text)
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf" and c not in "\ufe0e\ufe0f")


def page_order(text: str) -> str:
    """Text in the order its letters stand on the page, which is how pdftotext reads them: a word
    written right to left (Arabic, Hebrew) reversed."""
    if text and all(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
        return text[::-1]
    return text


MARKUP_CHARACTERS = r"\\*={}`$"


def markup_escape(text: str) -> str:
    """Text whose markup characters are escaped, so that a reader sees it verbatim."""
    return re.sub(f"([{re.escape(MARKUP_CHARACTERS)}])", r"\\\1", text)


def reader_text(typed: str) -> str:
    """What a reader sees of raw markup free of **, ==, {pen:, code spans and formulas: a
    backslash before a markup character is that character, before anything else itself."""
    return re.sub(f"\\\\([{re.escape(MARKUP_CHARACTERS)}])", r"\1", typed)


def hostname() -> str:
    try:
        return HOSTNAME_FILE.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""


def sheet_yaml(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=float("inf"))


def minimal_sheet(title: str = "PANEL", items: list[str] | None = None, **top) -> dict:
    return {
        "title": "Test",
        **top,
        "rows": [{"height": 1, "panels": [{"title": title, "blocks": [{"kind": "bullets", "items": items or ["a", "b"]}]}]}],
    }


def pdf_text(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True, timeout=60)
    return done.stdout.decode("utf-8")


# ----------------------------------------------------------------------------- the batch builds


@dataclasses.dataclass(frozen=True)
class Case:
    """One payload in one field, spelt raw or escaped; group 'unusual' is UNUSUAL, in bullets."""

    field: str
    variant: str
    index: int
    group: str = "main"

    @property
    def payload(self) -> str:
        return (PAYLOADS if self.group == "main" else UNUSUAL)[self.index][1]

    @property
    def marker(self) -> str:
        return f"{'U' if self.group == 'unusual' else self.variant[0].upper()}{self.index:02d}"

    @property
    def typed(self) -> str:
        """The field's text in the YAML, between markers that are plain letters and digits."""
        body = self.payload if self.variant == "raw" else markup_escape(self.payload)
        return f"ZQ{self.marker}X {body} XQ{self.marker}Z"

    @property
    def expected(self) -> str:
        """What a reader must see between the markers."""
        if self.variant == "escaped":
            return squash(self.payload)
        return squash(reader_text(self.typed))[len(f"ZQ{self.marker}X") : -len(f"XQ{self.marker}Z")]


@dataclasses.dataclass
class Outcome:
    """One payload's build: the text found between its markers, or the error; what the build touched."""

    text: str | None = None
    error: TexsheetError | None = None
    yaml_path: Path | None = None
    yaml_text: str = ""
    canaries: list[str] = dataclasses.field(default_factory=list)
    hostname_reads: list[str] = dataclasses.field(default_factory=list)
    stray_files: list[str] = dataclasses.field(default_factory=list)
    tex: str = ""


def _sheet_for(field: str, cases: list[Case]) -> dict:
    page = {"size": "a3", "orientation": "landscape"}
    if field == "title":
        panels = [{"title": c.typed, "blocks": [{"kind": "text", "text": "body"}]} for c in cases]
        rows = [{"height": 10, "panels": panels[i : i + 3]} for i in range(0, len(panels), 3)]
        return {"title": "Test", "page": page, "rows": rows}
    panels = []
    for variant in VARIANTS:
        texts = [c.typed for c in cases if c.variant == variant]
        chunks = [texts[i : i + 20] for i in range(0, len(texts), 20)]
        if not chunks:
            continue
        if field == "cell":
            blocks = [{"kind": "table", "header": ["H"], "rows": [[t] for t in chunk]} for chunk in chunks]
        else:
            blocks = [{"kind": "bullets", "items": chunk} for chunk in chunks]
        panels.append({"title": variant, "blocks": blocks})
    # A row a variant, each panel the page's width: a payload that wraps is read on in order
    # (pdftotext reads panels side by side line by line across both).
    return {"title": "Test", "page": page, "title_height": 2, "rows": [{"height": 20, "panels": [panel]} for panel in panels]}


class Batches:
    """Builds each field's payloads once (lazily), splitting a failing batch to find the culprit."""

    def __init__(self, root: Path):
        self.root = root
        self.outcomes: dict[Case, Outcome] = {}
        self.built: set[tuple[str, str]] = set()
        self.runs = 0

    def outcome(self, case: Case) -> Outcome:
        if (case.field, case.group) not in self.built:
            self.built.add((case.field, case.group))
            if case.group == "main":
                cases = [Case(case.field, v, i) for v in VARIANTS for i in range(len(PAYLOADS))]
            else:
                cases = [Case(case.field, "raw", i, "unusual") for i in range(len(UNUSUAL))]
            size = TITLES_PER_SHEET if case.field == "title" else len(cases)
            for start in range(0, len(cases), size):
                self._build(case.field, cases[start : start + size])
        return self.outcomes[case]

    def _build(self, field: str, cases: list[Case]) -> None:
        self.runs += 1
        base = self.root / f"{field}-{self.runs:03d}"
        content, out, cwd = base / "content", base / "out", base / "cwd"
        for folder in (content, out, cwd):
            folder.mkdir(parents=True)
        sheet = content / "sheet.yaml"
        sheet.write_text(sheet_yaml(_sheet_for(field, cases)), encoding="utf-8")
        seen: dict[str, list[str]] = {"files": [], "fls": [], "tex": []}

        def watched(real_run):
            def run(tex: Path, *args, **kwargs):
                try:
                    return real_run(tex, *args, **kwargs)
                finally:  # the build folder is deleted afterwards: look at it now
                    seen["files"] = sorted(p.name for p in tex.parent.iterdir())
                    seen["tex"].append(tex.read_text(encoding="utf-8"))
                    fls = tex.with_suffix(".fls")
                    if fls.exists():
                        seen["fls"] += fls.read_text(encoding="utf-8", errors="replace").splitlines()
            return run

        error = outputs = None
        old_cwd = os.getcwd()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(build, "run_measuring", watched(build.run_measuring))
            patch.setattr(build, "run_latexmk", watched(build.run_latexmk))
            os.chdir(cwd)  # TeX runs in its own folder; a relative write would land here or there
            try:
                outputs = compile_sheet(sheet, out, dpi=30, timeout=180)
            except TexsheetError as caught:
                error = caught
            finally:
                os.chdir(old_cwd)
        if error is not None and len(cases) > 1:
            self._split(field, cases, sheet, error)
            return

        canaries = [str(p) for folder in (content, out, cwd) for p in folder.rglob("*") if CANARY in p.name]
        canaries += [f"(build folder) {name}" for name in seen["files"] if CANARY in name]
        reads = [line for line in seen["fls"] if line.startswith("INPUT") and "hostname" in line]
        expected_files = {f"sheet.{ext}" for ext in ("tex", "log", "aux", "fls", "xdv", "pdf", "png", "tex-output", "fdb_latexmk")}
        expected_files |= {f"texsheet-measuring.{ext}" for ext in ("tex", "log", "aux", "fls", "measured", "tex-output")}
        expected_files |= {"texsheet-icons"}
        stray = [name for name in seen["files"] if name not in expected_files]
        common = dict(
            yaml_path=sheet, yaml_text=sheet.read_text(encoding="utf-8"), canaries=canaries,
            hostname_reads=reads, stray_files=stray, tex="".join(seen["tex"]),
        )
        if error is not None:
            self.outcomes[cases[0]] = Outcome(error=error, **common)
            return
        text = squash(pdf_text(outputs.pdf))
        for case in cases:
            found = re.search(f"ZQ{case.marker}X(.*?)XQ{case.marker}Z", text, flags=re.DOTALL)
            self.outcomes[case] = Outcome(text=found.group(1) if found else None, **common)

    def _split(self, field: str, cases: list[Case], sheet: Path, error: TexsheetError) -> None:
        """Rebuild alone the payloads the error names (by line or by U+ code), the rest together; else halve."""
        lines = {int(n) for n in re.findall(rf"{re.escape(sheet.name)}:(\d+)", str(error))}
        chars = {chr(int(code, 16)) for code in re.findall(r"U\+([0-9A-F]{4,6})", str(error))}
        text = sheet.read_text(encoding="utf-8").splitlines()
        named = [
            c for c in cases
            if any(f"ZQ{c.marker}X" in text[n - 1] for n in lines if 0 < n <= len(text)) or chars & set(c.typed)
        ]
        if named and len(named) < len(cases):
            for case in named:
                self._build(field, [case])
            self._build(field, [c for c in cases if c not in named])
            return
        half = len(cases) // 2
        self._build(field, cases[:half])
        self._build(field, cases[half:])


@pytest.fixture(scope="module")
def batches(tmp_path_factory) -> Batches:
    home_canary = Path.home() / CANARY
    existed = home_canary.exists()
    made = Batches(tmp_path_factory.mktemp("hostile"))
    yield made
    assert existed or not home_canary.exists(), f"a build created {home_canary}"


def _tex_lines_with(tex: str, marker: str) -> str:
    return "\n".join(line for line in tex.splitlines() if f"ZQ{marker}X" in line)


def _assert_confined(outcome: Outcome) -> None:
    assert not outcome.canaries, f"the build wrote canary files: {outcome.canaries}"
    assert not outcome.stray_files, f"TeX wrote unexpected files in its build folder: {outcome.stray_files}"
    assert not outcome.hostname_reads, f"TeX opened files outside the build: {outcome.hostname_reads}"


def _assert_reads_back(case: Case, outcome: Outcome) -> None:
    assert outcome.text is not None, f"the markers around {case.typed!r} are missing from the PDF text"
    assert outcome.text == page_order(case.expected), (
        f"{case.typed!r} reads back as {outcome.text!r}, expected {case.expected!r}\n"
        f"generated .tex:\n{_tex_lines_with(outcome.tex, case.marker)}"
    )
    host = hostname()
    if host and host not in case.payload:
        assert host not in outcome.text


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("index", range(len(PAYLOADS)), ids=[name for name, _ in PAYLOADS])
@pytest.mark.parametrize("field", FIELDS)
def test_payload_is_typeset_literally_and_confined(batches: Batches, field: str, index: int, variant: str) -> None:
    case = Case(field, variant, index)
    outcome = batches.outcome(case)
    _assert_confined(outcome)
    assert outcome.error is None, f"the build of {case.typed!r} failed:\n{outcome.error}"
    _assert_reads_back(case, outcome)


@pytest.mark.parametrize("index", range(len(UNUSUAL)), ids=[name for name, _ in UNUSUAL])
def test_unusual_character_is_typeset_literally_or_refused_on_its_line(batches: Batches, index: int) -> None:
    case = Case("bullet", "raw", index, "unusual")
    outcome = batches.outcome(case)
    _assert_confined(outcome)
    if isinstance(outcome.error, ContentError):  # refused before TeX: fine, if located
        line = _line_of(outcome.yaml_text, f"ZQ{case.marker}X")
        assert any(p.path == outcome.yaml_path and p.line == line for p in outcome.error.problems), (
            f"{case.typed!r} was refused, but not at {outcome.yaml_path.name}:{line}:\n{outcome.error}"
        )
        return
    assert outcome.error is None, (
        f"{case.typed!r} passed validation but the build failed (expected: typeset, or a ContentError "
        f"on its line):\n{outcome.error}\ngenerated .tex:\n{_tex_lines_with(outcome.tex, case.marker)}"
    )
    _assert_reads_back(case, outcome)


def test_raw_reading_is_the_payload_where_markup_has_nothing_to_escape() -> None:
    """The raw spelling's oracle is honest: a backslash before anything but a markup character
    is read as typed, so most payloads read back as themselves."""
    plain = [i for i, (_, payload) in enumerate(PAYLOADS) if not re.search(r"\\[\\*={}`$]", payload)]
    assert len(plain) > 25
    for index in plain:
        assert Case("bullet", "raw", index).expected == squash(PAYLOADS[index][1])
    assert Case("bullet", "raw", 0).expected == r"\input{/etc/hostname}"
    assert Case("bullet", "escaped", 0).expected == r"\input{/etc/hostname}"


# ----------------------------------------------------------------------------- refusals


def _field_sheet(field: str, text: str) -> dict:
    """A minimal sheet with text in the given prose field."""
    if field == "title":
        return minimal_sheet(title=text)
    if field == "bullet":
        return minimal_sheet(items=["a", text])
    sheet = minimal_sheet()
    sheet["rows"][0]["panels"][0]["blocks"] = [{"kind": "table", "header": ["H"], "rows": [["a"], [text]]}]
    return sheet


def _line_of(text: str, needle: str) -> int:
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(lines) == 1, f"{needle!r} should be on exactly one line of the test YAML"
    return lines[0]


def _assert_located(error: ContentError, path: Path, line: int, *words: str) -> None:
    located = [p for p in error.problems if p.path == path and p.line == line]
    assert located, f"no problem located at {path}:{line}; got:\n{error}"
    assert f"{path}:{line}:" in str(error)
    for word in words:
        assert any(word in p.message for p in located), f"{word!r} not in {[p.message for p in located]}"


FORBIDDEN = [
    ("rlo-U+202E", "\u202e", "U+202E"),
    ("lri-U+2066", "\u2066", "U+2066"),
    ("rlm-U+200F", "\u200f", "U+200F"),
    ("bel-U+0007", "\u0007", "U+0007"),
    ("nul-U+0000", "\u0000", "U+0000"),
    ("esc-U+001B", "\u001b", "U+001B"),
    ("del-U+007F", "\u007f", "U+007F"),
]


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("char,code", [f[1:] for f in FORBIDDEN], ids=[f[0] for f in FORBIDDEN])
def test_bidi_and_control_characters_are_refused_with_their_line(tmp_path: Path, field: str, char: str, code: str) -> None:
    text = sheet_yaml(_field_sheet(field, f"NEEDLE evil{char}text"))
    path = tmp_path / "sheet.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        compile_sheet(path, tmp_path / "out")
    _assert_located(caught.value, path, _line_of(text, "NEEDLE"), code)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("byte", [b"\x07", b"\x00"], ids=["raw-bel", "raw-nul"])
def test_raw_control_bytes_in_the_file_are_refused_with_a_location(tmp_path: Path, byte: bytes) -> None:
    text = sheet_yaml(_field_sheet("bullet", "NEEDLE evil@text"))
    path = tmp_path / "sheet.yaml"
    path.write_bytes(text.replace("@", byte.decode()).encode("utf-8"))
    with pytest.raises(ContentError) as caught:
        compile_sheet(path, tmp_path / "out")
    # The whole file is refused; the message names the file and a line:column.
    assert re.search(rf"^{re.escape(str(path))}:\d+:\d+: ", str(caught.value), flags=re.MULTILINE), str(caught.value)
    if byte != b"\x00":  # a NUL makes the file binary, reported at 1:1
        _assert_located(caught.value, path, _line_of(text, "NEEDLE"), "U+0007")


@pytest.mark.parametrize("field", FIELDS)
def test_a_5000_character_word_is_refused_with_its_line(tmp_path: Path, field: str) -> None:
    word = "NEEDLE" + "x" * (5000 - len("NEEDLE"))
    text = sheet_yaml(_field_sheet(field, word))
    path = tmp_path / "sheet.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        compile_sheet(path, tmp_path / "out")
    _assert_located(caught.value, path, _line_of(text, "NEEDLE"), "5000 characters", f"at most {MAX_FIELD_LENGTH}")
    assert not (tmp_path / "out").exists()


# ----------------------------------------------------------------------------- timeout


def _processes_referring_to(folder: Path) -> list[str]:
    """Live (not zombie) processes whose command line or working folder mentions folder."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
            args = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            try:
                cwd = os.readlink(proc / "cwd")
            except OSError:
                cwd = ""
        except OSError:  # gone meanwhile
            continue
        if state != "Z" and (str(folder) in args or cwd.startswith(str(folder))):
            found.append(f"{proc.name} (cwd {cwd}): {args}")
    return found


def test_a_build_that_cannot_finish_is_stopped_with_all_its_processes(tmp_path: Path) -> None:
    tex = tmp_path / "forever.tex"
    tex.write_text("\\documentclass{article}\\begin{document}\\loop\\iftrue\\repeat\\end{document}\n", encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(BuildError, match=r"did not finish within 3 s") as caught:
        build.run_latexmk(tex, LATEXMKRC, timeout=3)
    elapsed = time.monotonic() - started
    assert str(caught.value).startswith("xelatex did not finish"), "the message names the program that hung"
    assert elapsed < 3 + 10, f"run_latexmk returned {elapsed:.1f} s after it started"
    deadline = time.monotonic() + 2  # SIGKILL is delivered at once; allow the kernel a moment to finish
    while (left := _processes_referring_to(tmp_path)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not left, "processes left running after the timeout:\n" + "\n".join(left)
    assert not tmp_path.joinpath("forever.pdf").exists()


# ----------------------------------------------------------------------------- the engine's own confinement

# Content cannot inject TeX (everything is escaped), so these hand-written documents show the
# second wall: what TeX itself may do when run_latexmk runs it.
ENGINE_ATTACKS = {
    "openin-etc-hostname": r"\newread\r \openin\r=/etc/hostname \ifeof\r UNREAD\else\read\r to\x READ[\x]\fi",
    "input-etc-hostname": r"\input{/etc/hostname}",
    "write18": r"\immediate\write18{touch CANARY}",
    "openout-absolute": r"\newwrite\w \immediate\openout\w={outside}/CANARY.tex \immediate\write\w{x}\immediate\closeout\w",
    "openout-parent": r"\newwrite\w \immediate\openout\w=../CANARY.tex \immediate\write\w{x}\immediate\closeout\w",
    "openout-dotfile": r"\newwrite\w \immediate\openout\w=.CANARY \immediate\write\w{x}\immediate\closeout\w",
}


@pytest.mark.parametrize("attack", ENGINE_ATTACKS.values(), ids=ENGINE_ATTACKS.keys())
def test_tex_itself_cannot_read_or_write_outside_its_folder(tmp_path: Path, attack: str) -> None:
    folder = tmp_path / "build"
    folder.mkdir()
    tex = folder / "attack.tex"
    body = attack.replace("{outside}", str(tmp_path))
    tex.write_text(f"\\documentclass{{article}}\\begin{{document}}\nX {body}\n\\end{{document}}\n", encoding="utf-8")
    try:
        pdf = build.run_latexmk(tex, LATEXMKRC, timeout=60)
    except BuildError:  # refusing is fine; the point is what it did not do
        pdf = None
    assert not [str(p) for p in tmp_path.rglob("*CANARY*")], "TeX wrote outside the rules"
    fls = tex.with_suffix(".fls")
    if fls.exists():
        assert not [line for line in fls.read_text(errors="replace").splitlines() if line.startswith("INPUT") and "hostname" in line]
    if pdf is not None:
        text = pdf_text(pdf)
        assert "READ[" not in text
        host = hostname()
        if host:
            assert host not in text.replace("UNREAD", "")


# ----------------------------------------------------------------------------- failure leaves outputs alone


def _failing_builds() -> list:
    long_item = " ".join(["overflowing"] * 140)[:1500]  # 1500 characters, breakable
    overflow = minimal_sheet(items=[f"{n} {long_item}" for n in range(20)])
    return [
        # TeX runs to the end; the panel does not fit, found from TeX's log.
        pytest.param(overflow, 180, ContentError, "does not fit", id="panel-overflow"),
        # TeX is stopped half way by the timeout.
        pytest.param(overflow, 0.05, BuildError, "did not finish", id="tex-stopped-by-timeout"),
        # No such font: refused (before TeX, or by TeX, whichever the package does).
        pytest.param(minimal_sheet(theme={"font": "No Such Font Texsheet"}), 180, TexsheetError, "No Such Font Texsheet", id="missing-font"),
    ]


@pytest.mark.parametrize("failing,timeout,error,message", _failing_builds())
def test_a_failed_build_leaves_earlier_outputs_untouched(
    tmp_path: Path, monkeypatch, failing: dict, timeout: float, error: type, message: str
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # TeX measures the new text: no sheet had it
    content = tmp_path / "sheet.yaml"
    out = tmp_path / "out"
    content.write_text(sheet_yaml(minimal_sheet()), encoding="utf-8")
    outputs = compile_sheet(content, out, dpi=30)
    before = {p.name: p.read_bytes() for p in (outputs.tex, outputs.pdf, outputs.png)}
    listing = sorted(p.name for p in out.iterdir())

    content.write_text(sheet_yaml(failing), encoding="utf-8")
    with pytest.raises(TexsheetError) as caught:
        compile_sheet(content, out, dpi=30, timeout=timeout)
    assert isinstance(caught.value, error), f"expected {error.__name__}, got {type(caught.value).__name__}: {caught.value}"
    assert message in str(caught.value)
    assert sorted(p.name for p in out.iterdir()) == listing, "the failed build added or removed files in the output folder"
    for name, data in before.items():
        assert (out / name).read_bytes() == data, f"{name} changed although the build failed"


# ----------------------------------------------------------------------------- formulas

HOSTILE_FORMULAS = [
    ("input", r"\input{/etc/hostname}", r"\input"),
    ("def", r"\def\x{\x}\x", r"\def"),
    ("write18", r"\write18{touch CANARY}", r"\write"),
    ("catcode", r"\catcode`\^^5c=12", r"\catcode"),
    ("caret-notation", r"^^5cinput{/etc/hostname}", "^^"),
    ("directlua", r"\directlua{io.open('CANARY','w')}", r"\directlua"),
    ("end-document", r"\end{document}", "document"),
    ("csname", r"\csname input\endcsname", r"\csname"),
    ("expandafter", r"\expandafter\x\y", r"\expandafter"),
]


@pytest.mark.parametrize("where", ["inline", "block"])
@pytest.mark.parametrize("formula,named", [f[1:] for f in HOSTILE_FORMULAS], ids=[f[0] for f in HOSTILE_FORMULAS])
def test_a_hostile_formula_is_refused_at_its_place_and_nothing_runs(tmp_path: Path, where: str, formula: str, named: str) -> None:
    sheet = minimal_sheet(items=["a", f"NEEDLE ${formula}$ after"])
    if where == "block":
        sheet["rows"][0]["panels"][0]["blocks"].append({"kind": "math", "math": f"x + NEEDLE {formula}"})
        sheet["rows"][0]["panels"][0]["blocks"][0]["items"] = ["a"]
    text = sheet_yaml(sheet)
    path = tmp_path / "sheet.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        compile_sheet(path, tmp_path / "out")
    _assert_located(caught.value, path, _line_of(text, "NEEDLE"), named)
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.rglob("*CANARY*"))
