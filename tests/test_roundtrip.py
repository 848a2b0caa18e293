"""Property: text the validator accepts is typeset and reads back from the PDF as itself."""
import re
import subprocess
import unicodedata

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from texsheet.build.pipeline import compile_sheet, load_sheet

# Characters the sheet's fonts draw: ASCII, Hangul syllables, and the typographic marks seeds use.
ALPHABET = st.one_of(
    st.characters(min_codepoint=0x21, max_codepoint=0x7E),
    st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),
    st.sampled_from(list("→↓≠·“”‘’…")),
)
WORDS = st.lists(st.text(ALPHABET, min_size=1, max_size=12), min_size=1, max_size=6).map(" ".join)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=st.lists(WORDS, min_size=1, max_size=5))
@example(items=["a·b → c ≠ d “e” ‘f’ …", "가나 {x} *y* =z= \\w"])
def test_accepted_text_reads_back_literally(tmp_path_factory, tex_available, items):
    folder = tmp_path_factory.mktemp("roundtrip")
    # Markup characters are escaped so that the text is plain: what is typed is what is shown.
    escaped = [re.sub(r"([\\*={}])", r"\\\1", item) for item in items]
    sheet = {"title": "round trip", "rows": [{"height": 1, "panels": [{"title": "P", "blocks": [{"kind": "bullets", "items": escaped}]}]}]}
    path = folder / "sheet.yaml"
    path.write_text(yaml.safe_dump(sheet, allow_unicode=True), encoding="utf-8")
    load_sheet(path)
    outputs = compile_sheet(path, folder / "out", dpi=30)
    text = squash(subprocess.run(["pdftotext", str(outputs.pdf), "-"], capture_output=True, text=True, check=True).stdout)
    for item in items:
        assert squash(item) in text
