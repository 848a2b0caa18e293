"""texsheet diff: changed content keys, marked image regions, old revisions from git."""
import copy
import subprocess
import time
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from texsheet.build.diff import changed_keys, content_at_revision, diff_sheets, mark_changes
from texsheet.errors import ContentError, TexsheetError

ROOT = Path(__file__).resolve().parent.parent
TEXT_SHEET = ROOT / "tests" / "sheets" / "text.yaml"

BASE = {
    "title": "t",
    "theme": {"seed": "1"},
    "rows": [
        {"height": "1", "panels": [{"title": "a", "blocks": [{"kind": "text", "text": "x"}]}]},
        {"height": "2", "panels": [{"title": "b"}, {"title": "c"}]},
    ],
}


def edited(change) -> dict:
    data = copy.deepcopy(BASE)
    change(data)
    return data


# changed_keys


def test_same_data_has_no_changed_keys():
    assert changed_keys(BASE, edited(lambda d: None)) == []


def test_changed_scalar_names_its_own_path():
    new = edited(lambda d: d["theme"].update(seed="2"))
    assert changed_keys(BASE, new) == ["theme.seed"]


def test_nested_changes_are_deepest_and_sorted():
    def change(d):
        d["rows"][1]["panels"][0]["title"] = "B"
        d["rows"][0]["panels"][0]["blocks"][0]["text"] = "y"
        d["title"] = "T"

    assert changed_keys(BASE, edited(change)) == [
        "rows.0.panels.0.blocks.0.text",
        "rows.1.panels.0.title",
        "title",
    ]


def test_added_and_removed_list_items_name_the_item():
    added = edited(lambda d: d["rows"].append({"height": "1", "panels": []}))
    assert changed_keys(BASE, added) == ["rows.2"]
    assert changed_keys(added, BASE) == ["rows.2"]
    inserted = edited(lambda d: d["rows"].insert(0, {"height": "3", "panels": []}))
    assert changed_keys(BASE, inserted) == ["rows.0"]


def test_added_and_removed_keys_name_the_key():
    new = edited(lambda d: (d["theme"].pop("seed"), d.update(subtitle="s")))
    assert changed_keys(BASE, new) == ["subtitle", "theme.seed"]


def test_changed_type_names_the_part():
    new = edited(lambda d: d.update(theme="plain"))
    assert changed_keys(BASE, new) == ["theme"]


def test_paths_sort_numerically():
    old = {"items": [str(n) for n in range(12)]}
    new = {"items": [str(n) for n in range(12)]}
    new["items"][2] = "two"
    new["items"][10] = "ten"
    assert changed_keys(old, new) == ["items.2", "items.10"]


# mark_changes


def page(path: Path, boxes=(), size=(850, 1200)) -> Path:
    """A white page with grey lines of 'text' and black boxes drawn where asked."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    for y in range(60, size[1] - 60, 40):
        draw.line((60, y, size[0] - 60, y), fill=(120, 120, 120), width=3)
    for box in boxes:
        draw.rectangle(box, fill=(0, 0, 0))
    image.save(path)
    return path


def test_identical_images_have_no_regions_and_still_write_the_new(tmp_path):
    old, new = page(tmp_path / "old.png"), page(tmp_path / "new.png")
    out = tmp_path / "out.png"
    assert mark_changes(old, new, out) == 0
    with Image.open(out) as written, Image.open(new) as original:
        assert written.size == original.size
        assert written.convert("RGB").tobytes() == original.convert("RGB").tobytes()


def test_two_separated_changes_are_two_marked_regions(tmp_path):
    old = page(tmp_path / "old.png")
    new = page(tmp_path / "new.png", boxes=[(100, 100, 200, 150), (500, 900, 700, 1000)])
    out = tmp_path / "out.png"
    assert mark_changes(old, new, out) == 2
    with Image.open(out) as written:
        marked = written.convert("RGB")
    # The outline just outside the first change is red; far from both it is untouched.
    red = [marked.getpixel((x, 125)) for x in range(85, 100)]
    assert any(r > 200 and g < 60 and b < 60 for r, g, b in red)
    assert marked.getpixel((400, 520)) == (255, 255, 255)
    # The fill is translucent: the change beneath still shows dark, tinted red.
    r, g, b = marked.getpixel((150, 125))
    assert r > g and g < 100


def test_faint_noise_is_no_change(tmp_path):
    old = page(tmp_path / "old.png")
    noisy = Image.open(old).convert("RGB")
    draw = ImageDraw.Draw(noisy)
    for x in range(0, 850, 7):
        draw.point((x, 320), fill=(240, 240, 240))
    noisy.save(tmp_path / "new.png")
    assert mark_changes(old, tmp_path / "new.png", tmp_path / "out.png") == 0


def test_side_by_side_is_wider_than_the_new_image(tmp_path):
    old = page(tmp_path / "old.png")
    new = page(tmp_path / "new.png", boxes=[(100, 100, 200, 150)])
    out = tmp_path / "out.png"
    assert mark_changes(old, new, out, side_by_side=True) == 1
    with Image.open(out) as written:
        assert written.width > 2 * 850
        assert written.height >= 1200


def test_old_image_of_another_size_is_resized(tmp_path):
    old = page(tmp_path / "old.png", size=(425, 600))
    new = page(tmp_path / "new.png")
    out = tmp_path / "out.png"
    assert mark_changes(old, new, out) >= 0
    with Image.open(out) as written:
        assert written.size == (850, 1200)


def test_a_missing_image_is_a_texsheet_error(tmp_path):
    new = page(tmp_path / "new.png")
    with pytest.raises(TexsheetError, match="no such image"):
        mark_changes(tmp_path / "gone.png", new, tmp_path / "out.png")


def test_marking_a_full_page_is_fast(tmp_path):
    old = page(tmp_path / "old.png", size=(1654, 2339))
    new = page(tmp_path / "new.png", boxes=[(100, 100, 400, 130), (900, 1500, 1200, 1530)], size=(1654, 2339))
    started = time.monotonic()
    assert mark_changes(old, new, tmp_path / "out.png") == 2
    assert time.monotonic() - started < 1.5


# content_at_revision


def git(repo: Path, *arguments: str) -> str:
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", *arguments]
    return subprocess.run(command, cwd=repo, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def repo(tmp_path) -> Path:
    repo = tmp_path / "repo"
    (repo / "content").mkdir(parents=True)
    git(repo, "init", "-q")
    sheet = repo / "content" / "sheet.yaml"
    sheet.write_text("title: first\n", encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "first")
    sheet.write_text("title: second\n", encoding="utf-8")
    return repo


def test_content_at_revision_reads_the_committed_file(repo, tmp_path):
    into = tmp_path / "old"
    written = content_at_revision(repo / "content" / "sheet.yaml", "HEAD", into)
    assert written == into / "sheet.yaml"
    assert written.read_text(encoding="utf-8") == "title: first\n"
    assert (repo / "content" / "sheet.yaml").read_text(encoding="utf-8") == "title: second\n"


def test_unknown_revision_is_a_texsheet_error(repo, tmp_path):
    with pytest.raises(TexsheetError, match="no revision 'nosuchrev'"):
        content_at_revision(repo / "content" / "sheet.yaml", "nosuchrev", tmp_path / "old")


def test_file_missing_at_revision_is_a_texsheet_error(repo, tmp_path):
    new_file = repo / "content" / "new.yaml"
    new_file.write_text("title: new\n", encoding="utf-8")
    with pytest.raises(TexsheetError, match="not in revision 'HEAD'"):
        content_at_revision(new_file, "HEAD", tmp_path / "old")


def test_outside_a_repository_is_a_texsheet_error(tmp_path, monkeypatch):
    lone = tmp_path / "lone" / "sheet.yaml"
    lone.parent.mkdir()
    lone.write_text("title: x\n", encoding="utf-8")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # even if /tmp were inside a repository
    with pytest.raises(TexsheetError, match="not in a git repository"):
        content_at_revision(lone, "HEAD", tmp_path / "old")


def test_option_like_revision_is_refused(repo, tmp_path):
    with pytest.raises(TexsheetError, match="not a git revision"):
        content_at_revision(repo / "content" / "sheet.yaml", "--output=x", tmp_path / "old")


# diff_sheets, with real TeX


def test_diff_sheets_marks_one_changed_word(tmp_path, tex_available):
    changed = tmp_path / "text.yaml"
    text = TEXT_SHEET.read_text(encoding="utf-8")
    assert "Verify" in text
    changed.write_text(text.replace("Verify", "Review"), encoding="utf-8")
    out = tmp_path / "diff.png"
    keys, regions = diff_sheets(TEXT_SHEET, changed, out, dpi=60)
    assert keys == ["rows.0.panels.0.blocks.0.text"]
    assert regions >= 1
    assert out.exists()


def test_diff_sheets_of_one_file_with_itself_has_no_changes(tmp_path, tex_available):
    out = tmp_path / "same.png"
    keys, regions = diff_sheets(TEXT_SHEET, TEXT_SHEET, out, dpi=60, side_by_side=True)
    assert (keys, regions) == ([], 0)
    assert out.exists()


def test_diff_sheets_reports_content_problems_before_building(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentError):
        diff_sheets(TEXT_SHEET, broken, tmp_path / "out.png")


def test_diff_sheets_compares_markdown_notes_by_the_content_they_map_to(tmp_path, tex_available):
    old, new = tmp_path / "old.md", tmp_path / "new.md"
    old.write_text("# Note\n## Part\n- first point\n- second point\n", encoding="utf-8")
    new.write_text("# Note\n## Part\n- first point\n- another point\n", encoding="utf-8")
    keys, regions = diff_sheets(old, new, tmp_path / "diff.png", dpi=40)
    assert keys == ["panels.0.blocks.0.items.1"] and regions >= 1
