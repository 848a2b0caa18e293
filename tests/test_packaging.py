"""A plain `pip install .` carries the templates and the starter sheet; the latexmkrc for builds
by hand runs TeX as texsheet does."""
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


def test_latexmkrc_runs_the_engine_with_texsheets_options():
    from texsheet.build import XDVIPDFMX, XELATEX

    rc = (ROOT / "latexmkrc").read_text(encoding="utf-8")
    xelatex = re.search(r"^\$xelatex = '(.*) %O %S';", rc, re.M).group(1).split()
    xdvipdfmx = re.search(r"^\$xdvipdfmx = '(.*) -o %D %O %S';", rc, re.M).group(1).split()
    assert sorted(xelatex + ["-no-pdf"]) == sorted(XELATEX) and xdvipdfmx == XDVIPDFMX
