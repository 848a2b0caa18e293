"""A plain `pip install .` carries the templates, the latexmkrc and the starter sheet; the latexmkrc
runs TeX as texsheet's measuring run does."""
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_templates_and_starter(tmp_path):
    # Built from a copy of the tracked files: a build writes build/ and *.egg-info where it runs.
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    source = tmp_path / "source"
    for name in filter(None, tracked.split("\0")):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, source / name, follow_symlinks=False)
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(tmp_path)],
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
    from texsheet.build.engine import XELATEX

    rc = (ROOT / "latexmkrc").read_text(encoding="utf-8")
    xelatex = re.search(r'^\$xelatex = "(.*) %O %S";', rc, re.M).group(1).replace("$format", "").split()
    assert sorted(xelatex + ["-no-pdf"]) == sorted(XELATEX)
    assert re.search(r"^\$pdf_mode = 5;", rc, re.M)  # XeLaTeX, then xdvipdfmx


def test_the_checkout_finds_its_templates_without_the_editable_install(tmp_path):
    """Python started in the repository's root imports the checkout's texsheet/, which has no
    texsheet.tex_templates package of its own: the templates and latexmkrc are found all the same.
    Started with -S, the venv's packages are importable but its editable-install hook is not."""
    site = subprocess.run([sys.executable, "-c", "import jinja2, pathlib; print(pathlib.Path(jinja2.__file__).parent.parent)"],
                          capture_output=True, text=True, check=True).stdout.strip()
    script = ("import texsheet, sys; r = texsheet.compile('tests/sheets/text.yaml', sys.argv[1]); "
              "print(texsheet.__file__, r.pdf.exists(), r.png.exists())")
    done = subprocess.run([sys.executable, "-S", "-c", script, str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": site,
                               "PYTHONDONTWRITEBYTECODE": "1"},  # the checkout stays without compiled files
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == [str(ROOT / "texsheet" / "__init__.py"), "True", "True"]
