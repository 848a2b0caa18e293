"""A plain `pip install .` carries the templates, the latexmkrc and the starter sheet."""
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_templates_latexmkrc_and_starter(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(tmp_path)],
                   check=True, capture_output=True)
    (wheel,) = tmp_path.glob("texsheet-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {f"texsheet/tex_templates/{p.name}" for p in (ROOT / "tex_templates").glob("*.j2")}
    assert templates <= names and len(templates) >= 12
    assert "texsheet/starter.yaml" in names
    rc = zipfile.ZipFile(wheel).read("texsheet/tex_templates/latexmkrc")
    assert rc == (ROOT / "latexmkrc").read_bytes()
