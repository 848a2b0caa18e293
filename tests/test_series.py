"""A series of sheets: parallel builds that survive a failing sheet, and watch."""
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent


def test_one_failing_sheet_does_not_stop_the_others(tmp_path, tex_available):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: only a title\n", encoding="utf-8")
    sheets = [str(HERE / "sheets" / "text.yaml"), str(bad), str(HERE / "sheets" / "callout.yaml")]
    result = subprocess.run([sys.executable, "-m", "texsheet", "compile", *sheets, "-o", str(tmp_path / "out"), "-j", "2", "--dpi", "30"],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert (tmp_path / "out" / "text.pdf").exists() and (tmp_path / "out" / "callout.pdf").exists()
    assert "bad.yaml:1:1: the sheet needs rows: (panels in bands you arrange) or panels:" in result.stderr
    assert "2 built or current, 1 failed" in result.stderr
    assert "[###] 3/3" in result.stdout + result.stderr


def test_watch_rebuilds_on_save_reports_errors_and_stops_on_ctrl_c(tmp_path, tex_available):
    sheet = tmp_path / "sheet.yaml"
    good = (HERE / "sheets" / "text.yaml").read_text(encoding="utf-8")
    sheet.write_text(good, encoding="utf-8")
    watch = subprocess.Popen([sys.executable, "-m", "texsheet", "watch", str(sheet), "-o", str(tmp_path / "out"), "--dpi", "30"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def wait_for(path: Path, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while not path.exists() and time.monotonic() < deadline:
            time.sleep(0.2)

    try:
        wait_for(tmp_path / "out" / "sheet.pdf")
        first = (tmp_path / "out" / "sheet.pdf").stat().st_mtime_ns
        time.sleep(0.5)
        sheet.write_text(good + "  - height: 1\n    panels: [oops]\n", encoding="utf-8")
        time.sleep(3)
        assert (tmp_path / "out" / "sheet.pdf").stat().st_mtime_ns == first  # the last good outputs stay
    finally:
        watch.send_signal(signal.SIGINT)
        output, _ = watch.communicate(timeout=30)
    assert watch.returncode == 0
    assert "sheet.yaml: built" in output
    assert "sheet.yaml:" in output and "expected a mapping of keys" in output
    assert output.rstrip().endswith("stopped") and "Traceback" not in output
