"""A plain `pip install .` carries the templates, the latexmkrc and the starter sheet; the latexmkrc
runs TeX as texsheet's measuring run does."""
import re
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_templates_and_starter(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(tmp_path)],
                   check=True, capture_output=True)
    (wheel,) = tmp_path.glob("texsheet-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {f"texsheet/tex_templates/{p.name}" for p in (ROOT / "tex_templates").glob("*.j2")}
    assert templates <= names and len(templates) >= 12
    assert "texsheet/starter.yaml" in names
    with zipfile.ZipFile(wheel) as opened:  # the file itself, not a link to the checkout's
        assert opened.read("texsheet/tex_templates/latexmkrc") == (ROOT / "latexmkrc").read_bytes()


def test_latexmkrc_runs_the_engine_with_texsheets_options():
    """The measuring run and latexmk's run of the engine take the same options."""
    from texsheet.build import XELATEX

    rc = (ROOT / "latexmkrc").read_text(encoding="utf-8")
    xelatex = re.search(r'^\$xelatex = "(.*) %O %S";', rc, re.M).group(1).replace("$format", "").split()
    assert sorted(xelatex + ["-no-pdf"]) == sorted(XELATEX)
    assert re.search(r"^\$pdf_mode = 5;", rc, re.M)  # XeLaTeX, then xdvipdfmx
