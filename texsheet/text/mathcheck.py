"""The safe subset of LaTeX math: what a formula typed by a user may hold before it reaches TeX.

check_math refuses a formula unless every control sequence, environment and character in it is
on the allow-lists below, its braces, environments and \\left...\\right pairs balance, and nothing
in it can leave math mode, define or expand a macro, change a category code, or read or write a
file. The lists hold only what typesets under texsheet's math setup (unicode-math with DejaVu Math
TeX Gyre; Latin and Greek letters and digits from the body font): tests/test_mathcheck.py typesets
every entry with the real XeLaTeX.
"""
from __future__ import annotations

import difflib
import enum
import re
import unicodedata
from dataclasses import dataclass
from typing import NoReturn

from texsheet.text.escape import BIDI_CONTROLS

MAX_FORMULA_LENGTH = 600  # characters
MAX_ENVIRONMENT_DEPTH = 8
MAX_GROUP_DEPTH = 32  # braces, \left...\right pairs and environments, one inside another

# Column limits: amsmath's matrices stop at MaxMatrixCols (10); cases has two columns, gathered one.
MATRIX_COLUMNS = 10


@dataclass(frozen=True)
class MathProblem:
    """Why a formula is refused: offset indexes the source character at fault (0-based)."""

    offset: int
    message: str


class Arg(enum.Enum):
    """What an argument (or a group inside it) may hold."""

    MATH = "math"  # any allowed math
    TEXT = "text"  # text mode, as in \text: printable characters and a few spacing commands
    # A text-font alphabet (\mathrm, \mathit, \mathbf): unicode-math maps Greek and
    # other symbols in it to code points the body font lacks, so it takes ASCII only.
    WORD = "word"
    # An operator name (\operatorname): amsmath maps . in it to Computer Modern's letter font.
    NAME = "name"
    ALNUM = "alnum"  # \mathbb, \mathsf, \mathtt: ASCII letters and digits
    LETTERS = "letters"  # \mathcal, \mathscr, \mathfrak: ASCII letters (no digits in those alphabets)


@dataclass(frozen=True)
class Command:
    """How an allowed control sequence is used: its arguments, in order."""

    args: tuple[Arg, ...] = ()
    optional: Arg | None = None  # an optional [argument] before the others (\sqrt[3]{x})
    star: bool = False  # may be followed by * (\operatorname*)
    delimiter: bool = False  # must be followed by a delimiter (\left( and \big|)


@dataclass(frozen=True)
class Environment:
    """An allowed environment: its column limit (None: no limit) and whether inline math may use it."""

    max_columns: int | None
    inline: bool = True
    column_spec: bool = False  # takes a column specification {lcr|} (array)
    option: bool = False  # reads a [t] option right after \begin{...}: a [ there is refused


def _names(text: str) -> frozenset[str]:
    return frozenset("\\" + name for name in text.split())


# Greek comes from the body font, which has no ϑ ϰ ϖ ϱ ς (nor ȷ, \jmath): those are left out, and
# \epsilon draws ε (the setup lets \epsilon be \varepsilon).
GREEK = _names(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma"
    " tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega"
)
LETTERLIKE = _names(
    "ell hbar imath aleph wp Re Im partial nabla infty emptyset varnothing forall exists nexists"
    " neg lnot top bot perp angle triangle prime backslash checkmark dagger ddagger"
)
DOTS = _names("cdot cdots ldots dots vdots ddots colon")
BINARY = _names(
    "pm mp times div ast star circ bullet oplus ominus otimes oslash odot cap cup sqcap sqcup wedge vee"
    " land lor smallsetminus uplus amalg diamond triangleleft triangleright wr bmod"
)  # not \setminus: DejaVu Math has no U+29F5
RELATIONS = _names(
    "le leq ge geq ne neq equiv approx approxeq sim simeq cong propto ll gg prec succ preceq succeq"
    " subset supset subseteq supseteq subsetneq supsetneq sqsubseteq sqsupseteq in notin ni owns models"
    " vdash dashv asymp doteq triangleq leqslant geqslant lesssim gtrsim nleq ngeq nsubseteq mid nmid"
    " parallel nparallel"
)
ARROWS = _names(
    "to gets leftarrow rightarrow leftrightarrow Leftarrow Rightarrow Leftrightarrow iff implies"
    " impliedby longleftarrow longrightarrow longleftrightarrow Longleftarrow Longrightarrow"
    " Longleftrightarrow mapsto longmapsto hookrightarrow hookleftarrow uparrow downarrow updownarrow"
    " Uparrow Downarrow Updownarrow nearrow searrow swarrow nwarrow rightleftharpoons leftharpoonup"
    " rightharpoonup leftharpoondown rightharpoondown"
)
BIG_OPERATORS = _names(
    "sum prod coprod int iint iiint oint bigcup bigcap bigoplus bigotimes bigodot bigvee bigwedge"
    " bigsqcup biguplus"
)
FUNCTIONS = _names(
    "log ln lg exp sin cos tan cot sec csc arcsin arccos arctan sinh cosh tanh coth max min sup inf"
    " lim liminf limsup arg det dim ker deg gcd Pr hom"
)
DELIMITER_NAMES = _names("langle rangle lfloor rfloor lceil rceil lvert rvert lVert rVert vert Vert lbrace rbrace")
SPACING = frozenset({"\\,", "\\:", "\\;", "\\!", "\\ ", "\\quad", "\\qquad"})
ESCAPES = frozenset({"\\{", "\\}", "\\#", "\\%", "\\&", "\\_", "\\$", "\\|"})
STYLES = _names("displaystyle textstyle scriptstyle scriptscriptstyle")
LIMITS = _names("limits nolimits")  # only right after a big operator or a function name

ACCENTS = _names(
    "hat widehat bar overline underline tilde widetilde vec overrightarrow overleftarrow dot ddot acute"
    " grave check breve mathring overbrace underbrace boxed phantom hphantom vphantom pmod"
)
TWO_ARGUMENTS = _names("frac dfrac tfrac cfrac binom dbinom tbinom overset underset stackrel")
SIZED_DELIMITERS = _names("left right middle big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr")

COMMANDS: dict[str, Command] = {
    **{name: Command() for name in GREEK | LETTERLIKE | DOTS | BINARY | RELATIONS | ARROWS | BIG_OPERATORS},
    **{name: Command() for name in FUNCTIONS | DELIMITER_NAMES | SPACING | ESCAPES | STYLES | LIMITS},
    **{name: Command(args=(Arg.MATH,)) for name in ACCENTS},
    **{name: Command(args=(Arg.MATH, Arg.MATH)) for name in TWO_ARGUMENTS},
    **{name: Command(delimiter=True) for name in SIZED_DELIMITERS},
    "\\sqrt": Command(args=(Arg.MATH,), optional=Arg.MATH),
    "\\mathrm": Command(args=(Arg.WORD,)),
    "\\mathit": Command(args=(Arg.WORD,)),
    "\\mathbf": Command(args=(Arg.WORD,)),
    "\\operatorname": Command(args=(Arg.NAME,), star=True),
    "\\mathsf": Command(args=(Arg.ALNUM,)),
    "\\mathtt": Command(args=(Arg.ALNUM,)),
    "\\mathbb": Command(args=(Arg.ALNUM,)),
    "\\mathcal": Command(args=(Arg.LETTERS,)),
    "\\mathscr": Command(args=(Arg.LETTERS,)),
    "\\mathfrak": Command(args=(Arg.LETTERS,)),
    "\\boldsymbol": Command(args=(Arg.MATH,)),
    "\\text": Command(args=(Arg.TEXT,)),
    "\\not": Command(),  # must be followed by a relation: checked where it is used
    "\\hline": Command(),  # only at the start of a row of an environment
}

# TeX programming: commands that define or expand macros, change category codes, or read or write
# files. Refused like any command off the list, but named as such and never offered as a correction.
PROGRAMMING = _names(
    "input include InputIfFileExists def edef gdef xdef let futurelet catcode lccode uccode mathcode"
    " delcode sfcode csname endcsname expandafter noexpand string scantokens write immediate openin"
    " openout closein closeout read readline directlua special shipout usepackage RequirePackage"
    " documentclass makeatletter makeatother newcommand renewcommand providecommand newenvironment"
    " renewenvironment DeclareRobustCommand uppercase lowercase jobname everymath everydisplay everypar"
    " afterassignment aftergroup begingroup endgroup relax"
)

# Inside text-font alphabets and \text only these commands work (they are text-mode safe).
WORD_COMMANDS = SPACING | ESCAPES
TEXT_COMMANDS = SPACING | (ESCAPES - {"\\|"})

# The commands each kind of argument may hold; \mathbb and the like hold none.
_COMMANDS_IN: dict[Arg, frozenset[str] | dict[str, Command]] = {
    Arg.MATH: COMMANDS, Arg.WORD: WORD_COMMANDS, Arg.NAME: SPACING, Arg.TEXT: TEXT_COMMANDS,
}

ENVIRONMENTS: dict[str, Environment] = {
    **{name: Environment(MATRIX_COLUMNS) for name in ("matrix", "pmatrix", "bmatrix", "Bmatrix", "vmatrix", "Vmatrix")},
    "cases": Environment(2),
    "array": Environment(None, column_spec=True),
    # Multi-line equations belong in a displayed formula (a `kind: math` block): inline, they
    # would stretch the line of text they sit in.
    "aligned": Environment(None, inline=False, option=True),
    "gathered": Environment(1, inline=False, option=True),
}

DELIMITER_CHARACTERS = frozenset("()[]|/.⟨⟩‖⌈⌉⌊⌋")
DELIMITER_COMMANDS = DELIMITER_NAMES | _names("backslash uparrow downarrow updownarrow Uparrow Downarrow Updownarrow") | {
    "\\{", "\\}", "\\|"
}
_OPERATOR_NAMES = BIG_OPERATORS | FUNCTIONS | {"\\operatorname"}

# ASCII that math may hold as typed; \ { } ^ _ & are syntax, # % $ are refused where they appear.
ASCII_MATH = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!\"'()*+,-./:;<=>?@[]`|~ ")
ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ ")
ASCII_ALNUM = ASCII_LETTERS | frozenset("0123456789")
ASCII_NAME = ASCII_ALNUM | frozenset("-*/:'")
_TEXT_SPECIALS = frozenset("^_&")
_RELATION_CHARACTERS = frozenset("=<>")

# Non-ASCII characters math may hold as typed: Greek, math symbols and arrows. Text, Korean among
# it, goes in \text{...}. math_characters lists the characters a formula holds, for the fonts.
MATH_CHARACTER_RANGES: tuple[tuple[int, int], ...] = (
    (0x00B1, 0x00B1), (0x00B7, 0x00B7), (0x00D7, 0x00D7), (0x00F7, 0x00F7), (0x00AC, 0x00AC),
    (0x0391, 0x03A9), (0x03B1, 0x03C1), (0x03C3, 0x03C9), (0x03D5, 0x03D5),  # Greek the body font has
    (0x2016, 0x2016), (0x2026, 0x2026), (0x2032, 0x2037),
    (0x2100, 0x214F),  # letterlike: ℝ ℕ ℓ ℏ
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators
    (0x2308, 0x230B),  # ceiling, floor
    (0x27C0, 0x27EF), (0x27F0, 0x27FF), (0x2980, 0x29FF), (0x2A00, 0x2AFF),
    (0x1D400, 0x1D7FF),  # mathematical alphanumerics: 𝔼 𝒩 𝐱
)

_ROW_SPACE = re.compile(r"\s*-?\d{1,2}(\.\d{1,2})?\s*(pt|mm|em|ex)\s*")  # at most 99.99: no TeX overflow
_COLUMN_SPEC = re.compile(r"[lcr| ]+")
_DECOMPOSED_HANGUL = ((0x1100, 0x11FF), (0xA960, 0xA97F), (0xD7B0, 0xD7FF))


class _Kind(enum.Enum):
    COMMAND = "command"
    CHAR = "char"
    SPACE = "space"
    OPEN = "{"
    CLOSE = "}"
    SUPERSCRIPT = "^"
    SUBSCRIPT = "_"
    AMPERSAND = "&"


@dataclass(frozen=True)
class _Token:
    kind: _Kind
    text: str
    offset: int


class _Stop(Exception):
    """A structural problem (unbalanced braces or environments): the rest cannot be read."""


def _in_ranges(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= code <= high for low, high in ranges)


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"{char!r} (U+{ord(char):04X}{' ' + name if name else ''})"


def _character_problem(char: str) -> str | None:
    """Why a character may not appear anywhere in a formula, or None."""
    code = ord(char)
    if char in "\t\n ":
        return None
    if code < 0x20 or 0x7F <= code < 0xA0:
        return f"control character U+{code:04X} is not allowed"
    if char in BIDI_CONTROLS:
        return f"bidirectional control U+{code:04X} is not allowed"
    category = unicodedata.category(char)
    if category.startswith("M"):
        return f"combining mark {_describe(char)} is not allowed: use an accent such as \\hat{{x}}, or a composed letter in \\text{{...}}"
    if _in_ranges(code, _DECOMPOSED_HANGUL):
        return f"decomposed Hangul {_describe(char)} is not allowed: type composed (NFC) syllables"
    if category in ("Cc", "Cf", "Cs", "Co", "Cn"):
        return f"character U+{code:04X} ({category}) is not allowed"
    if category.startswith("Z"):
        return f"space character U+{code:04X} is not allowed: use a plain space, or \\, \\; \\quad"
    return None


def _lex(source: str) -> tuple[list[_Token], list[MathProblem]]:
    """Split source into tokens as TeX would read it under LaTeX's usual category codes."""
    tokens: list[_Token] = []
    # TeX replaces ^^ sequences while reading its input, before anything else sees them (\^^5c is
    # a backslash too), so they are found in the raw text.
    problems = [MathProblem(match.start(), "^^ is TeX's character-code notation and is not allowed")
                for match in re.finditer(r"\^\^", source)]
    index, length = 0, len(source)
    while index < length:
        char = source[index]
        refused = _character_problem(char)
        if refused:
            problems.append(MathProblem(index, refused))
            index += 1
            continue
        if char == "\\":
            if index + 1 == length:
                problems.append(MathProblem(index, "a formula cannot end with a lone backslash"))
                break
            following = source[index + 1]
            if following.isalpha() or following == "@":
                # Under XeLaTeX every Unicode letter is a letter to TeX: \alphaβ is one (unknown) name.
                end = index + 1
                while end < length and (source[end].isalpha() or source[end] == "@"):
                    end += 1
                tokens.append(_Token(_Kind.COMMAND, source[index:end], index))
                index = end
                continue
            if following in "\t\n":
                tokens.append(_Token(_Kind.COMMAND, "\\ ", index))
            else:
                refused = _character_problem(following)
                if refused:
                    problems.append(MathProblem(index + 1, refused))
                tokens.append(_Token(_Kind.COMMAND, "\\" + following, index))
            index += 2
        elif char == "^" and source.startswith("^^", index):
            index += 2
        elif char == "#":
            problems.append(MathProblem(index, "# is not allowed: write \\# for the sign"))
            index += 1
        elif char == "%":
            problems.append(MathProblem(index, "% would start a TeX comment: write \\% for the sign"))
            index += 1
        elif char == "$":
            problems.append(MathProblem(index, "$ would end the formula: write \\$ for the sign"))
            index += 1
        elif char in " \t\n":
            end = index
            while end < length and source[end] in " \t\n":
                end += 1
            if source.count("\n", index, end) >= 2:
                second = source.index("\n", source.index("\n", index) + 1)
                problems.append(MathProblem(second, "a blank line ends a paragraph, which a formula cannot hold"))
            tokens.append(_Token(_Kind.SPACE, " ", index))
            index = end
        else:
            kind = {"{": _Kind.OPEN, "}": _Kind.CLOSE, "^": _Kind.SUPERSCRIPT, "_": _Kind.SUBSCRIPT,
                    "&": _Kind.AMPERSAND}.get(char, _Kind.CHAR)
            tokens.append(_Token(kind, char, index))
            index += 1
    return tokens, problems


@dataclass
class _Environment:
    name: str
    offset: int
    max_columns: int | None
    depth: int  # the group depth of its body: & and \\ count only there
    columns: int = 1
    row_start: bool = True


class _Checker:
    """Reads the tokens of one formula as TeX would, one construct per parse_* method.

    Problems are collected as they are found; a structural one (braces, environments or
    \\left...\\right that do not pair up) ends the reading by raising _Stop. It is long because it
    is the reader of one grammar: its rules share one position in the tokens and read top to
    bottom, from a sequence to what a sequence holds, arguments and environments.
    """

    def __init__(self, tokens: list[_Token], display: bool) -> None:
        self.tokens = tokens
        self.display = display
        self.position = 0
        self.depth = 0
        self.open_lefts = 0
        self.environments: list[_Environment] = []
        self.problems: list[MathProblem] = []
        self.characters: list[tuple[int, str, Arg]] = []  # (offset, character, what holds it)

    def run(self) -> None:
        try:
            self.parse_sequence(Arg.MATH, None)
        except _Stop:
            pass

    # Reading tokens.

    def peek(self, skip_spaces: bool = True) -> _Token | None:
        position = self.position
        while skip_spaces and position < len(self.tokens) and self.tokens[position].kind is _Kind.SPACE:
            position += 1
        return self.tokens[position] if position < len(self.tokens) else None

    def take(self, skip_spaces: bool = True) -> _Token | None:
        while skip_spaces and self.position < len(self.tokens) and self.tokens[self.position].kind is _Kind.SPACE:
            self.position += 1
        if self.position == len(self.tokens):
            return None
        self.position += 1
        return self.tokens[self.position - 1]

    def report(self, offset: int, message: str) -> None:
        self.problems.append(MathProblem(offset, message))

    def stop(self, offset: int, message: str) -> NoReturn:
        self.report(offset, message)
        raise _Stop

    def parse_nested(self, context: Arg, closing: str, opened_at: int) -> None:
        self.depth += 1
        if self.depth > MAX_GROUP_DEPTH:
            self.stop(opened_at, f"groups are nested more than {MAX_GROUP_DEPTH} deep")
        self.parse_sequence(context, closing, opened_at)
        self.depth -= 1

    def current_environment(self) -> _Environment | None:
        """The environment whose body is being read at this very group level, if any."""
        if self.environments and self.environments[-1].depth == self.depth:
            return self.environments[-1]
        return None

    # Constructs.

    def parse_sequence(self, context: Arg, closing: str | None, opened_at: int = 0) -> None:
        """Read up to closing: "}" (a group), "]" (an optional argument), "\\right", "\\end" (an
        environment's body; the closing command itself is left unread) or None (the end)."""
        scripts: set[str] = set()  # the scripts already attached to the current atom
        last_atom = ""
        while (token := self.peek(skip_spaces=False)) is not None:
            kind = token.kind
            if kind is _Kind.SPACE:
                self.position += 1
                continue
            if kind is _Kind.CLOSE:
                if closing == "}":
                    self.position += 1
                    return
                self.stop(token.offset, self.describe_misplaced("}", closing))
            if kind is _Kind.CHAR and token.text == "]" and closing == "]":
                self.position += 1
                return
            if kind is _Kind.COMMAND and token.text == closing:
                return
            if self.environments and not (kind is _Kind.COMMAND and token.text in ("\\hline", "\\\\")):
                self.environments[-1].row_start = False
            if kind in (_Kind.SUPERSCRIPT, _Kind.SUBSCRIPT):
                self.position += 1
                self.parse_script(token, context, scripts)
                continue
            if kind is _Kind.CHAR and token.text == "'" and context is not Arg.TEXT:
                self.parse_primes(token, context, scripts)
                continue
            if kind is _Kind.COMMAND and token.text in LIMITS:
                self.position += 1
                if context is not Arg.MATH or last_atom not in _OPERATOR_NAMES:
                    self.report(token.offset, f"{token.text} must follow a big operator or a function name such as \\sum or \\max")
                continue
            scripts = set()
            last_atom = token.text if kind is _Kind.COMMAND else ""
            self.position += 1
            if kind is _Kind.OPEN:
                self.parse_nested(context, "}", token.offset)
            elif kind is _Kind.AMPERSAND:
                self.parse_ampersand(token, context)
            elif kind is _Kind.CHAR:
                self.check_character(token, context)
            else:
                self.parse_command(token, context, closing)
        if closing is not None:
            self.stop(opened_at, {
                "}": "{ is never closed",
                "]": "[ of an optional argument is never closed by ]",
                "\\right": "\\left has no matching \\right",
                "\\end": f"\\begin{{{self.environments[-1].name}}} has no matching \\end{{{self.environments[-1].name}}}"
                if self.environments else "an environment is never closed",
            }[closing])

    def describe_misplaced(self, found: str, closing: str | None) -> str:
        if closing is None:
            return f"{found} closes nothing that was opened before it"
        expected = {"}": "}", "]": "]", "\\right": "\\right",
                    "\\end": f"\\end{{{self.environments[-1].name}}}" if self.environments else "\\end"}[closing]
        return f"{found} comes before the {expected} that closes what was opened before it"

    def check_character(self, token: _Token, context: Arg) -> None:
        char = token.text
        self.characters.append((token.offset, char, context))
        if context is Arg.TEXT:
            if char in _TEXT_SPECIALS:
                self.report(token.offset, f"{char} is not allowed in \\text{{...}}: write \\{char}")
        elif context is Arg.LETTERS and char not in ASCII_LETTERS:
            self.report(token.offset, f"{_describe(char)} is not allowed here: this alphabet has the letters A-Z and a-z only")
        elif context is Arg.ALNUM and char not in ASCII_ALNUM:
            self.report(token.offset, f"{_describe(char)} is not allowed here: this alphabet has letters and digits only")
        elif context is Arg.NAME and char not in ASCII_NAME:
            self.report(token.offset, f"{_describe(char)} is not allowed in an operator name: it takes letters, digits and - * / : '")
        elif context is Arg.WORD and char not in ASCII_MATH:
            self.report(token.offset, f"{_describe(char)} is not allowed in a text-font alphabet such as \\mathrm: it takes ASCII only")
        elif context is Arg.MATH and char not in ASCII_MATH and not _in_ranges(ord(char), MATH_CHARACTER_RANGES):
            self.report(token.offset, f"{_describe(char)} cannot be typed in a formula: put text in \\text{{...}}")

    def parse_script(self, token: _Token, context: Arg, scripts: set[str]) -> None:
        if context is Arg.TEXT:
            self.report(token.offset, f"{token.text} is not allowed in \\text{{...}}: write \\{token.text}")
            return
        if context in (Arg.LETTERS, Arg.ALNUM, Arg.NAME):
            self.report(token.offset, f"{token.text} is not allowed inside this alphabet: put the script after its braces")
        if token.text in scripts:
            which = "superscript" if token.text == "^" else "subscript"
            self.report(token.offset, f"double {which}: use braces, {{x^a}}^b, or one script, x^{{ab}}")
        scripts.add(token.text)
        self.parse_argument(context, token)

    def parse_primes(self, token: _Token, context: Arg, scripts: set[str]) -> None:
        """Read a run of primes: a superscript, into which a ^ right after it (x'^2) is merged."""
        if "^" in scripts:
            self.report(token.offset, "double superscript: a prime after a superscript needs braces, {x^2}'")
        while (following := self.peek(skip_spaces=False)) is not None and following.text == "'":
            self.position += 1
        if following is not None and following.kind is _Kind.SUPERSCRIPT:
            self.position += 1
            self.parse_argument(context, following)
        scripts.add("^")

    def parse_ampersand(self, token: _Token, context: Arg) -> None:
        if context is Arg.TEXT:
            self.report(token.offset, "& is not allowed in \\text{...}: write \\&")
            return
        environment = self.current_environment()
        if environment is None:
            self.report(token.offset, "& separates columns only inside matrix, cases, aligned or array: write \\& for the sign")
            return
        environment.columns += 1
        limit = environment.max_columns
        if limit is not None and environment.columns > limit:
            self.report(token.offset, f"{environment.name} has at most {limit} column{'s' if limit > 1 else ''}")

    def parse_command(self, token: _Token, context: Arg, closing: str | None) -> None:
        name = token.text
        if "@" in name:
            self.report(token.offset, f"{name} is not allowed: commands with @ are LaTeX internals")
            return
        if name == "\\begin":
            self.parse_environment(token, context)
            return
        if name == "\\end":
            environment_name = self.read_name(token)
            if not self.environments:
                self.stop(token.offset, f"\\end{{{environment_name}}} has no matching \\begin{{{environment_name}}}")
            self.stop(token.offset, self.describe_misplaced(f"\\end{{{environment_name}}}", closing))
        if name == "\\right":
            if not self.open_lefts:
                self.stop(token.offset, "\\right has no matching \\left")
            self.stop(token.offset, self.describe_misplaced("\\right", closing))
        if name == "\\\\":
            self.parse_row_break(token, context)
            return
        allowed = _COMMANDS_IN.get(context, frozenset())
        if name not in allowed:
            self.report(token.offset, self.describe_refused(name, context))
            return
        if context is not Arg.MATH:
            return  # spacing and escaped signs take no arguments
        if name == "\\left":
            self.parse_delimiter(token)
            self.open_lefts += 1
            self.parse_nested(Arg.MATH, "\\right", token.offset)
            self.open_lefts -= 1
            right = self.take()
            assert right is not None  # parse_sequence returned on it
            self.parse_delimiter(right)
        elif name == "\\middle":
            if closing != "\\right":
                self.report(token.offset, "\\middle must stand between \\left and \\right, outside any braces")
            self.parse_delimiter(token)
        elif name == "\\not":
            self.parse_negated(token)
        elif name == "\\hline":
            environment = self.current_environment()
            if environment is None or not environment.row_start:
                self.report(token.offset, "\\hline must start a row of an environment (after \\begin{...} or \\\\)")
        else:
            self.parse_arguments(token, COMMANDS[name])

    def parse_arguments(self, token: _Token, rule: Command) -> None:
        following = self.peek()  # \@ifstar and \@ifnextchar skip spaces
        if rule.star and following is not None and following.text == "*":
            self.take()
        if rule.delimiter:
            self.parse_delimiter(token)
        following = self.peek()
        if rule.optional is not None and following is not None and following.text == "[":
            self.take()
            self.parse_nested(rule.optional, "]", following.offset)
        for kind in rule.args:
            self.parse_argument(kind, token)

    def describe_refused(self, name: str, context: Arg) -> str:
        if name in COMMANDS and context is not Arg.MATH:
            where = "\\text{...}" if context is Arg.TEXT else "this alphabet"
            hint = "; use \\boldsymbol for bold Greek" if name in GREEK and context in (Arg.WORD, Arg.NAME) else ""
            return f"{name} is not allowed in {where}{hint}"
        if name in PROGRAMMING:
            return f"{name} is TeX programming and is not allowed in a formula"
        near = difflib.get_close_matches(name, [*COMMANDS, "\\begin", "\\end"], n=1, cutoff=0.8)
        hint = f"; did you mean {near[0]}?" if near else ""
        return f"{name} is not an allowed command in a formula{hint}"

    def parse_argument(self, kind: Arg, owner: _Token) -> None:
        """Read one argument of owner: a {group}, or one character or argument-less command."""
        token = self.peek()
        if token is None or token.kind in (_Kind.CLOSE, _Kind.AMPERSAND, _Kind.SUPERSCRIPT, _Kind.SUBSCRIPT) or (
            token.kind is _Kind.COMMAND and token.text in ("\\\\", "\\begin", "\\end", "\\right", "\\middle")
        ):
            self.report(owner.offset, f"{owner.text} needs an argument: {owner.text}{{...}}")
            return
        self.take()
        if token.kind is _Kind.OPEN:
            self.parse_nested(kind, "}", token.offset)
        elif token.kind is _Kind.CHAR:
            self.check_character(token, kind)
        else:
            allowed = _COMMANDS_IN.get(kind, frozenset())
            if "@" in token.text or token.text not in allowed:
                self.report(token.offset, self.describe_refused(token.text, kind))
            elif kind is Arg.MATH and (COMMANDS[token.text] != Command() or token.text in {"\\not", "\\hline"} | LIMITS):
                self.report(token.offset, f"put braces around the argument of {owner.text}: {owner.text}{{{token.text}...}}")

    def parse_delimiter(self, owner: _Token) -> None:
        token = self.take_one_of(DELIMITER_CHARACTERS, DELIMITER_COMMANDS)
        if token is None:
            self.report(owner.offset, f"{owner.text} must be followed by a delimiter such as ( [ | . \\{{ \\langle")
        else:
            self.characters.append((token.offset, token.text, Arg.MATH))

    def parse_negated(self, owner: _Token) -> None:
        if self.take_one_of(_RELATION_CHARACTERS, RELATIONS) is None:
            self.report(owner.offset, "\\not must be followed by a relation such as = or \\in")

    def take_one_of(self, characters, commands) -> _Token | None:
        """The next token, taken, if it is one of characters or commands; else None."""
        token = self.peek()
        if token is not None and ((token.kind is _Kind.CHAR and token.text in characters)
                                  or (token.kind is _Kind.COMMAND and token.text in commands)):
            return self.take()
        return None

    def read_name(self, owner: _Token) -> str:
        """The {name} after \\begin or \\end (TeX allows spaces before the brace)."""
        return self.read_braced(owner, f"{owner.text} needs an environment name, as in {owner.text}{{pmatrix}}")[1]

    def read_braced(self, owner: _Token, missing: str) -> tuple[int, str]:
        """(offset of its brace, text) of the {group} that must come next; stops with missing
        (at owner) if none does."""
        opening = self.peek()
        if opening is None or opening.kind is not _Kind.OPEN:
            self.stop(owner.offset, missing)
        self.take()
        text = ""
        while (token := self.take(skip_spaces=False)) is not None and token.kind is not _Kind.CLOSE:
            text += token.text
        if token is None:
            self.stop(opening.offset, "{ is never closed")
        return opening.offset, text

    def parse_environment(self, begin: _Token, context: Arg) -> None:
        name = self.read_name(begin)
        rule = ENVIRONMENTS.get(name)
        if rule is None:
            self.stop(begin.offset, f"\\begin{{{name}}} is not an allowed environment; allowed: {', '.join(sorted(ENVIRONMENTS))}")
        if context is not Arg.MATH:
            self.stop(begin.offset, f"\\begin{{{name}}} is not allowed inside \\text or an alphabet")
        if not self.display and not rule.inline:
            self.report(begin.offset, f"\\begin{{{name}}} is for displayed formulas (a kind: math block), not inline $...$")
        if len(self.environments) >= MAX_ENVIRONMENT_DEPTH:
            self.stop(begin.offset, f"environments are nested more than {MAX_ENVIRONMENT_DEPTH} deep")
        max_columns = self.read_column_spec(begin, name) if rule.column_spec else rule.max_columns
        following = self.peek()
        if rule.option and following is not None and following.text == "[":
            self.report(following.offset, f"[ right after \\begin{{{name}}} is read as an option: write {{[}} for a bracket")
        self.environments.append(_Environment(name, begin.offset, max_columns, self.depth + 1))
        self.parse_nested(Arg.MATH, "\\end", begin.offset)
        end = self.take()
        assert end is not None  # parse_sequence returned on it
        closing_name = self.read_name(end)
        if closing_name != name:
            self.stop(end.offset, f"\\end{{{closing_name}}} does not match \\begin{{{name}}} at offset {begin.offset}")
        self.environments.pop()

    def read_column_spec(self, begin: _Token, name: str) -> int:
        """The number of columns the {lcr|} specification after \\begin{array} declares."""
        opening, spec = self.read_braced(begin, f"\\begin{{{name}}} needs a column specification such as {{lcr}}")
        if not _COLUMN_SPEC.fullmatch(spec) or not re.search("[lcr]", spec):
            self.report(opening + 1, f"the column specification {{{spec}}} may hold only l, c, r and |")
        return max(1, sum(spec.count(letter) for letter in "lcr"))

    def parse_row_break(self, token: _Token, context: Arg) -> None:
        environment = self.current_environment() if context is Arg.MATH else None
        if environment is None:
            self.report(token.offset, "\\\\ breaks rows only inside matrix, cases, aligned, gathered or array")
            return
        environment.columns = 1
        environment.row_start = True
        following = self.peek()
        if following is not None and following.text == "*":
            self.report(following.offset, "\\\\* is not allowed: write \\\\")
        elif following is not None and following.text == "[":
            # \\[4pt] adds space below the row, and TeX reads any [ here as that option.
            start = self.position
            self.take()
            text = ""
            while (inner := self.take(skip_spaces=False)) is not None and inner.text != "]":
                text += inner.text
            if inner is None or not _ROW_SPACE.fullmatch(text):
                self.position = start
                self.report(following.offset, "[ right after \\\\ is read as extra space, such as \\\\[4pt] (under 100pt, mm, em or ex): write {[} for a bracket")


def check_math(source: str, *, display: bool) -> list[MathProblem]:
    """Every reason to refuse the formula source (math-mode content, without $ or \\[ \\]), by offset.

    display says whether the formula is set on its own (a `kind: math` block) or inline in text;
    only displayed formulas may hold aligned and gathered. An empty list means it is safe.
    """
    if not source.strip():
        return [MathProblem(0, "the formula is empty")]
    if len(source) > MAX_FORMULA_LENGTH:
        return [MathProblem(MAX_FORMULA_LENGTH, f"the formula is {len(source)} characters long; at most {MAX_FORMULA_LENGTH} are allowed")]
    tokens, problems = _lex(source)
    checker = _Checker(tokens, display)
    checker.run()
    unique = {(problem.offset, problem.message): problem for problem in problems + checker.problems}
    return sorted(unique.values(), key=lambda problem: (problem.offset, problem.message))


def math_characters(source: str, *, in_text: bool | None = None) -> set[str]:
    """The distinct non-ASCII characters typed in the formula, which some font must draw.

    Characters inside \\text{...} are drawn by the body font, the others by the math setup;
    in_text=True or False keeps only those. Commands (\\alpha, \\sum) are left out: their glyphs
    are fixed by the allow-list and the compile test. Meaningful for a formula check_math accepts.
    """
    checker = _Checker(_lex(source)[0], display=True)
    checker.run()
    return {
        char for _, char, context in checker.characters
        if not char.isascii() and (in_text is None or (context is Arg.TEXT) == in_text)
    }


def text_characters(source: str) -> list[tuple[int, str]]:
    """(offset, character) of every character typed inside \\text{...}, which the body font
    alone draws (the fallback fonts of prose do not reach into a formula)."""
    checker = _Checker(_lex(source)[0], display=True)
    checker.run()
    return [(offset, char) for offset, char, context in checker.characters if context is Arg.TEXT]
