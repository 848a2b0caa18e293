"""Faults of a real machine, injected: a full disk, Ctrl-C and SIGTERM mid-build, hung programs,
two sheets of one name, a font upgraded under its name, damaged caches, unusable folders.

Each ends with a message of one line, the earlier outputs as they were, no process and no
temporary folder left, and a correct next build.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from texsheet.build import faults, measure
from texsheet.build.pipeline import compile_sheet
from texsheet.errors import BuildError
from texsheet.text.fonts import FontSet

SHEET = """\
title: Faults
rows:
  - panels:
      - title: One panel
        blocks:
          - kind: bullets
            items: [a short list, "with **bold** and `code`", "and a third line"]
"""


@pytest.fixture
def sheet(tmp_path: Path) -> Path:
    path = tmp_path / "faults.yaml"
    path.write_text(SHEET, encoding="utf-8")
    return path


def _run(args: list[str], env: dict[str, str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "texsheet", *args], env={**os.environ, **env}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def _outputs(folder: Path) -> dict[str, bytes]:
    """Every file in folder but the measurements, which a failed build keeps for the next."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and not p.name.endswith(".measure.json")}


def _living_children_of(pid: int) -> list[str]:
    """Processes (not zombies) descended from pid."""
    parents: dict[int, int] = {}
    states: dict[int, str] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, fields = stat.read_text().rsplit(")", 1)
        except OSError:
            continue
        fields = fields.split()
        parents[int(stat.parent.name)] = int(fields[1])
        states[int(stat.parent.name)] = f"{head.split('(', 1)[1]} {fields[0]}"
    found, frontier = [], {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found += [states[child] for child in frontier if not states[child].endswith(" Z")]
    return found


def _wait_for_tex(process: subprocess.Popen, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if any(name.startswith(("xelatex", "latexmk", "perl")) for name in _living_children_of(process.pid)):
            return
        assert process.poll() is None, process.communicate()
        time.sleep(0.02)
    raise AssertionError("no TeX process started")


# ----------------------------------------------------------------------------- a full disk


def test_a_full_disk_while_publishing_leaves_the_earlier_outputs_and_no_partial_file(sheet: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    compile_sheet(sheet, out, dpi=30)
    before = _outputs(out)
    copies = []
    real_copy = faults.shutil.copyfile

    def copy_until_full(source, target):
        if copies:  # the first file fits, the second does not
            raise OSError(errno.ENOSPC, "No space left on device", str(source), None, str(target))
        copies.append(target)
        return real_copy(source, target)

    monkeypatch.setattr(faults.shutil, "copyfile", copy_until_full)
    sheet.write_text(SHEET.replace("a third line", "a changed third line"), encoding="utf-8")
    with pytest.raises(BuildError, match=rf"^no space left in {out}: free some space there and build again$"):
        compile_sheet(sheet, out, dpi=30)
    assert _outputs(out) == before, "the earlier outputs changed, or a partial file was left"
    monkeypatch.undo()
    assert compile_sheet(sheet, out, dpi=30).tex.read_text(encoding="utf-8").count("a changed third line") == 1


def test_a_real_full_disk(sheet: Path, tmp_path: Path) -> None:
    """On a small tmpfs filled up after a first build: the next build fails with one line and
    leaves the first one's outputs; once space is freed, the build after it succeeds."""
    out = tmp_path / "small-disk"
    with _tmpfs(out, "size=2m"):
        env = {"XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]}
        first = _run(["compile", str(sheet), "-o", str(out), "--dpi", "30"], env)
        assert first.wait(120) == 0, first.communicate()
        before = _outputs(out)
        free = os.statvfs(out).f_bavail * os.statvfs(out).f_frsize
        (out / "filler").write_bytes(b"x" * (free - 16_000))
        sheet.write_text(SHEET.replace("a third line", "a changed third line"), encoding="utf-8")
        second = _run(["compile", str(sheet), "-o", str(out), "--dpi", "30"], env)
        _, err = second.communicate(timeout=120)
        assert second.returncode == 1
        assert err.splitlines()[0] == f"no space left in {out}: free some space there and build again", err
        assert "Traceback" not in err
        (out / "filler").unlink()
        assert _outputs(out) == before, "the earlier outputs changed, or a partial file was left"
        third = _run(["compile", str(sheet), "-o", str(out), "--dpi", "30"], env)
        assert third.wait(120) == 0, third.communicate()
        assert "a changed third line" in (out / "faults.tex").read_text(encoding="utf-8")


@contextlib.contextmanager
def _tmpfs(folder: Path, options: str):
    """A tmpfs mounted on folder (made) for the block."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


# ----------------------------------------------------------------------------- Ctrl-C and SIGTERM


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_signal_mid_build_stops_it_at_once_and_leaves_nothing(sheet: Path, tmp_path: Path, number: int, tex_available) -> None:
    out, temporary = tmp_path / "out", tmp_path / "tmp"
    temporary.mkdir()
    env = {"XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"], "TMPDIR": str(temporary)}
    assert _run(["compile", str(sheet), "-o", str(out), "--dpi", "30"], env).wait(120) == 0
    before = _outputs(out)
    build = _run(["compile", str(sheet), "-o", str(out), "--force"], env)
    _wait_for_tex(build)
    build.send_signal(number)
    sent = time.monotonic()
    _, err = build.communicate(timeout=30)
    assert time.monotonic() - sent < 1.5, "it took over a second and a half to stop"
    assert build.returncode == 128 + number
    assert "Traceback" not in err and "stopped" in err, err
    assert not _living_children_of(build.pid)
    assert not list(temporary.iterdir()), "temporary folders left behind"
    assert _outputs(out) == before


def test_ctrl_c_while_texsheet_starts_is_a_quiet_stop() -> None:
    """Ctrl-C while the command loads its modules (here, at the moment it imports the CLI)."""
    interrupted_start = (
        "import sys\n"
        "class Interrupting:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'texsheet.cli':\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, Interrupting())\n"
        "from texsheet.__main__ import run\n"
        "run()\n"
    )
    done = subprocess.run([sys.executable, "-c", interrupted_start], capture_output=True, text=True, timeout=60)
    assert done.returncode == 130
    assert done.stderr == "texsheet: stopped\n"


# ----------------------------------------------------------------------------- hung programs


def _fake(folder: Path, name: str, script: str) -> None:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    path.chmod(0o755)


@pytest.mark.parametrize("program", ["pdftoppm", "xdvipdfmx", "xelatex"])
def test_a_hung_program_is_stopped_by_the_one_timeout_and_named(sheet: Path, tmp_path: Path, program: str, tex_available) -> None:
    fakes, temporary = tmp_path / "bin", tmp_path / "tmp"
    temporary.mkdir()
    real = subprocess.run(["sh", "-c", f"command -v {program}"], capture_output=True, text=True, check=True).stdout.strip()
    # It answers for its version (pdf2image asks pdftoppm's, with no time limit), then hangs
    # as a program stuck on its input does: a process that never ends, under the program's name
    # (pdftoppm as one process, as poppler's is: pdf2image stops the process it started).
    hang = "exec sleep 600" if program == "pdftoppm" else "sleep 600"
    _fake(fakes, program, f'case "$1" in -v|--version) exec {real} "$@";; esac\n{hang}')
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "TMPDIR": str(temporary), "PATH": f"{fakes}:{os.environ['PATH']}"}
    started = time.monotonic()
    build = _run(["compile", str(sheet), "-o", str(tmp_path / "out"), "--timeout", "20"], env)
    _, err = build.communicate(timeout=120)
    assert time.monotonic() - started < 20 + 10
    assert build.returncode == 1
    assert f"{program} did not finish within" in err and "Traceback" not in err, err
    assert not _living_children_of(build.pid)
    assert not list(temporary.iterdir())
    assert not (tmp_path / "out" / "faults.pdf").exists()


# ----------------------------------------------------------------------------- names, folders, machine


def test_two_sheets_with_one_name_are_refused_before_building(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "notes.yaml").write_text(SHEET, encoding="utf-8")
    (tmp_path / "a" / "notes.md").write_text("# Notes\n\n- one\n", encoding="utf-8")
    for pair in (["a/notes.yaml", "b/notes.yaml"], ["a/notes.yaml", "a/notes.md"]):
        done = subprocess.run([sys.executable, "-m", "texsheet", "compile", *pair, "-o", "out"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 1
        assert done.stderr.strip() == (f"{pair[0]} and {pair[1]} would both write out/notes.*: build them with different -o "
                                       "folders, or rename one")
        assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("place", ["a file above the output folder", "a state file is a folder", "an output is a folder"])
def test_an_unusable_place_is_one_line_naming_it(sheet: Path, tmp_path: Path, place: str) -> None:
    out = tmp_path / "out"
    if place == "a file above the output folder":
        out.write_text("", encoding="utf-8")
        out = out / "sheets"
        expected, named = "a part of this path is a file where a folder should be", out
    elif place == "a state file is a folder":
        (out / ".faults.measure.json").mkdir(parents=True)
        expected, named = "is a folder where texsheet keeps a file: remove or rename it", out / ".faults.measure.json"
    else:
        (out / "faults.png").mkdir(parents=True)
        expected, named = "is a folder where texsheet keeps a file: remove or rename it", out / "faults.png"
    done = subprocess.run([sys.executable, "-m", "texsheet", "compile", str(sheet), "-o", str(out)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(f"{named}") or done.stderr.startswith(f"cannot write {named}"), done.stderr
    assert expected in done.stderr.splitlines()[0]


def test_a_read_only_output_folder_is_refused_before_any_work(sheet: Path, tmp_path: Path) -> None:
    out = tmp_path / "read-only"
    with _tmpfs(out, "ro,size=64k"):
        done = subprocess.run([sys.executable, "-m", "texsheet", "compile", str(sheet), "-o", str(out)], capture_output=True,
                              text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip() == f"cannot write {out}: the file system is read-only; build elsewhere with -o"


def test_no_tex_installed_is_said_plainly(sheet: Path, tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "texsheet", "compile", str(sheet), "-o", str(tmp_path / "out")],
                          env={**os.environ, "PATH": str(Path(sys.executable).parent)}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.startswith("TeX is not installed here (latexmk, xelatex, xdvipdfmx not found on PATH)"), done.stderr


def test_an_unusable_home_falls_back_to_a_temporary_cache_with_a_note(sheet: Path, tmp_path: Path, tex_available) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {**os.environ, "HOME": "/dev/null", "XDG_CACHE_HOME": "", "TMPDIR": str(temporary)}
    done = subprocess.run([sys.executable, "-m", "texsheet", "compile", str(sheet), "-o", str(tmp_path / "out"), "--dpi", "30"],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"note: the cache folder /dev/null/.cache/texsheet cannot be used (Not a directory); this run keeps its cache in {temporary}" in done.stderr
    assert (tmp_path / "out" / "faults.png").exists()


# ----------------------------------------------------------------------------- caches


def test_an_upgraded_font_file_changes_the_fonts_identity(tmp_path: Path) -> None:
    font = tmp_path / "Hand.ttf"
    font.write_bytes(b"narrow glyphs")
    fonts = FontSet({"Hand": ["41-5a"]}, {"Hand": [str(font)]})
    identity, digest = fonts.identity({"Hand"}), fonts.digest
    font.write_bytes(b"wider glyphs, the same name")
    upgraded = FontSet({"Hand": ["41-5a"]}, {"Hand": [str(font)]})
    assert upgraded.identity({"Hand"}) != identity
    assert upgraded.digest != digest


def test_damaged_or_edited_measurements_are_measured_again(sheet: Path, tmp_path: Path, tex_available) -> None:
    out = tmp_path / "out"
    first = compile_sheet(sheet, out, dpi=30)
    kept = out / ".faults.measure.json"
    good, tex = kept.read_text(encoding="utf-8"), first.tex.read_text(encoding="utf-8")
    data = json.loads(good)
    for damage in ("nan", "wider"):
        edited = dict(data, sizes={key: ([float("nan")] * 3 if damage == "nan" else [value[0] * 2, *value[1:]])
                                   for key, value in data["sizes"].items()})
        kept.write_text(json.dumps(edited), encoding="utf-8")
        assert measure.read_cache(kept, data["fonts"]) == {}
        again = compile_sheet(sheet, out, dpi=30)
        assert again.tex.read_text(encoding="utf-8") == tex, f"{damage} measurements changed the page"
        assert json.loads(kept.read_text(encoding="utf-8")) == data


def test_a_damaged_or_swapped_cached_icon_is_extracted_again(tmp_path: Path, tex_available) -> None:
    path = tmp_path / "icons.yaml"
    path.write_text(SHEET.replace("a short list", "a short list 🧠"), encoding="utf-8")
    first = compile_sheet(path, tmp_path / "out", dpi=30)
    (icon,) = first.icons
    cached = next(Path(os.environ["XDG_CACHE_HOME"], "texsheet", "twemoji").glob(f"*/{icon.name}"))
    for damage in (b"not a PDF", (cached.parent / "1f600.pdf").read_bytes() if (cached.parent / "1f600.pdf").exists() else b"%PDF-1.5 swapped"):
        cached.write_bytes(damage)
        again = compile_sheet(path, tmp_path / "out", dpi=30, force=True)
        assert again.icons[0].read_bytes() == icon.read_bytes()
        assert hashlib.sha256(cached.read_bytes()).hexdigest() == cached.with_suffix(".sha256").read_text(encoding="utf-8")


def test_the_pdf_is_the_same_byte_for_byte_however_the_folder_got_there(sheet: Path, tmp_path: Path, monkeypatch, tex_available) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    fresh = compile_sheet(sheet, tmp_path / "fresh", dpi=30)
    history = tmp_path / "history"
    sheet.write_text(SHEET.replace("a third line", "an earlier third line"), encoding="utf-8")
    compile_sheet(sheet, history, dpi=30)
    sheet.write_text(SHEET, encoding="utf-8")
    time.sleep(1)  # a build a second later: the PDF's date is fixed, not the clock's
    again = compile_sheet(sheet, history, dpi=30)
    assert again.pdf.read_bytes() == fresh.pdf.read_bytes()


def test_many_icons_are_cut_in_one_pass(tmp_path: Path, tex_available) -> None:
    """300 distinct emoji: pypdf reads the Twemoji PDF once (one pdfseparate per icon took
    about 0.1 s each)."""
    from pypdf import PdfReader

    from texsheet.build.engine import extract_icons

    twemoji = Path(subprocess.run(["kpsewhich", "all-twemojis.pdf"], capture_output=True, text=True, check=True).stdout.strip())
    pages = {f"icon{n}": n for n in range(1, 3001, 10)}
    started = time.monotonic()
    made = extract_icons(pages, twemoji, tmp_path / "cache", tmp_path / "icons")
    assert time.monotonic() - started < 15
    assert len(made) == 300
    assert all(len(PdfReader(icon).pages) == 1 for icon in made[::50])


def test_a_hung_graphviz_is_stopped_by_the_build_s_timeout(tmp_path: Path, tex_available) -> None:
    from conftest import ROOT

    fakes, temporary = tmp_path / "bin", tmp_path / "tmp"
    temporary.mkdir()
    _fake(fakes, "dot", "exec sleep 600")
    env = {"XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"], "TMPDIR": str(temporary), "PATH": f"{fakes}:{os.environ['PATH']}"}
    started = time.monotonic()
    build = _run(["compile", str(ROOT / "tests" / "sheets" / "diagram.yaml"), "-o", str(tmp_path / "out"), "--timeout", "15"], env)
    _, err = build.communicate(timeout=120)
    assert time.monotonic() - started < 15 + 10
    assert build.returncode == 1
    assert "Graphviz's dot did not place a diagram within" in err and "(--timeout sets the limit)" in err and "Traceback" not in err, err
    assert not _living_children_of(build.pid)
    assert not list(temporary.iterdir())


def test_publishing_removes_copies_of_a_killed_run_and_leaves_those_of_a_running_one(tmp_path: Path) -> None:
    made, out = tmp_path / "made", tmp_path / "out"
    made.mkdir()
    (made / "1f9e0.pdf").write_bytes(b"new")
    out.mkdir()
    dead = subprocess.Popen(["true"])
    dead.wait()
    killed = out / f".1f9e0.pdf.{dead.pid}.abcdefgh"
    running = out / f".1f9e0.pdf.{os.getppid()}.ijklmnop"  # another texsheet, still copying the same icon
    killed.write_bytes(b"half")
    running.write_bytes(b"half")
    faults.publish({made / "1f9e0.pdf": out / "1f9e0.pdf"})
    assert (out / "1f9e0.pdf").read_bytes() == b"new"
    assert not killed.exists() and running.exists()
