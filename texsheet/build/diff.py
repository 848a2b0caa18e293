"""What changed between two versions of a sheet: content keys, and marked regions of the rendering."""
from __future__ import annotations

import concurrent.futures
import difflib
import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont, UnidentifiedImageError

from texsheet.build.pipeline import compile_sheet, load_sheet
from texsheet.errors import TexsheetError
from texsheet.read.content import load_content

PIXEL_THRESHOLD = 40  # a channel must differ by more than this (of 255) to count: ignores antialiasing noise
CELLS_ALONG_LONG_SIDE = 300  # the difference mask is judged in cells; ~8 px on an A4 page at 200 dpi
MARK_FILL = (255, 0, 0, 64)
MARK_LINE = (220, 0, 0, 255)
GAP = 24  # pixels between the old and the new image side by side
LABEL_BAND = 36  # pixels above each image side by side, for its label

Box = tuple[int, int, int, int]  # left, top, right, bottom (right and bottom exclusive)


# Content keys


def changed_keys(old: Any, new: Any) -> list[str]:
    """Dotted paths (e.g. "rows.1.panels.0.title") of the deepest parts that differ, sorted.

    A changed scalar names its own path; an added or removed key or list item names that
    key or item. List items are aligned first, so an inserted row names only that row.
    Paths sort naturally: "rows.2" before "rows.10".
    """
    found: set[tuple[Any, ...]] = set()
    _collect(old, new, (), found)
    return [".".join(str(part) for part in where) for where in sorted(found, key=_natural)]


def _collect(old: Any, new: Any, where: tuple[Any, ...], found: set[tuple[Any, ...]]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in old.keys() | new.keys():
            if key not in old or key not in new:
                found.add(where + (key,))
            else:
                _collect(old[key], new[key], where + (key,), found)
    elif isinstance(old, list) and isinstance(new, list):
        _collect_list(old, new, where, found)
    elif type(old) is not type(new) or old != new:
        found.add(where)


def _collect_list(old: list[Any], new: list[Any], where: tuple[Any, ...], found: set[tuple[Any, ...]]) -> None:
    """Align the items, then recurse into replaced pairs; surplus items are added or removed."""
    matcher = difflib.SequenceMatcher(None, [_fingerprint(x) for x in old], [_fingerprint(x) for x in new], autojunk=False)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            continue
        paired = min(old_end - old_start, new_end - new_start)
        for offset in range(paired):
            # A changed item keeps its place in the new file's numbering.
            _collect(old[old_start + offset], new[new_start + offset], where + (new_start + offset,), found)
        found.update(where + (n,) for n in range(old_start + paired, old_end))
        found.update(where + (n,) for n in range(new_start + paired, new_end))


def _fingerprint(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _natural(where: tuple[Any, ...]) -> tuple[tuple[int, int, str], ...]:
    return tuple((0, part, "") if isinstance(part, int) else (1, 0, str(part)) for part in where)


# Rendered images


def mark_changes(old_png: Path, new_png: Path, out_png: Path, side_by_side: bool = False) -> int:
    """Write out_png: the new image with each changed region filled and outlined in red.

    With side_by_side, the old image stands on the left and the marked new on the right,
    labelled. An old image of another size is resized to the new one's first. Returns the
    number of regions; 0 when the images agree (out_png is then the new image unmarked).
    """
    old, new = _open_rgb(Path(old_png)), _open_rgb(Path(new_png))
    if old.size != new.size:
        old = old.resize(new.size, Image.Resampling.BILINEAR)
    boxes = changed_regions(old, new)
    marked = new.convert("RGBA")
    if boxes:
        overlay = Image.new("RGBA", new.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(overlay)
        line = max(2, round(max(new.size) / 600))
        for left, top, right, bottom in boxes:
            draw.rectangle((left, top, right - 1, bottom - 1), fill=MARK_FILL, outline=MARK_LINE, width=line)
        marked = Image.alpha_composite(marked, overlay)
    result = marked.convert("RGB")
    if side_by_side:
        result = _side_by_side(old, result)
    out_png = Path(out_png)
    out_png.parent.mkdir(parents=True, exist_ok=True)
    try:
        result.save(out_png, format="PNG")
    except OSError as error:
        raise TexsheetError(f"{out_png}: cannot write the marked image: {error.strerror or error}") from None
    return len(boxes)


def changed_regions(old: Image.Image, new: Image.Image) -> list[Box]:
    """Boxes around the changed parts of two RGB images of one size, nearby changes grouped."""
    width, height = new.size
    difference = ImageChops.difference(old, new)
    red, green, blue = difference.split()
    strongest = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    mask = strongest.point(lambda v: 255 if v > PIXEL_THRESHOLD else 0)
    if mask.getbbox() is None:
        return []
    cell = max(2, round(max(width, height) / CELLS_ALONG_LONG_SIDE))
    columns, rows = -(-width // cell), -(-height // cell)
    # Any changed pixel in a cell marks the cell; the max filter joins cells a cell or two apart.
    whole = Image.new("L", (columns * cell, rows * cell), 0)  # whole cells, so each maps to its pixels exactly
    whole.paste(mask, (0, 0))
    cells = whole.reduce(cell)
    cells = cells.point(lambda v: 255 if v > 0 else 0).filter(ImageFilter.MaxFilter(3))
    boxes = [
        (max(0, left * cell), max(0, top * cell), min(width, right * cell), min(height, bottom * cell))
        for left, top, right, bottom in _components(cells.tobytes(), columns, rows)
    ]
    return _merge_overlapping(boxes)


def _components(grid: bytes, columns: int, rows: int) -> list[Box]:
    """Bounding boxes, in cells, of the 8-connected groups of nonzero cells."""
    seen = bytearray(len(grid))
    boxes: list[Box] = []
    for start, value in enumerate(grid):
        if not value or seen[start]:
            continue
        seen[start] = 1
        stack = [start]
        left, top, right, bottom = columns, rows, 0, 0
        while stack:
            index = stack.pop()
            y, x = divmod(index, columns)
            left, top, right, bottom = min(left, x), min(top, y), max(right, x + 1), max(bottom, y + 1)
            for ny in (y - 1, y, y + 1):
                if not 0 <= ny < rows:
                    continue
                for nx in (x - 1, x, x + 1):
                    if 0 <= nx < columns:
                        neighbour = ny * columns + nx
                        if grid[neighbour] and not seen[neighbour]:
                            seen[neighbour] = 1
                            stack.append(neighbour)
        boxes.append((left, top, right, bottom))
    return boxes


def _merge_overlapping(boxes: list[Box]) -> list[Box]:
    """Join boxes that overlap until none do, so no region is marked twice; sorted top to bottom."""
    merged = list(boxes)
    changed = True
    while changed:
        changed = False
        for i in range(len(merged)):
            for j in range(i + 1, len(merged)):
                a, b = merged[i], merged[j]
                if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                    merged[i] = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                    del merged[j]
                    changed = True
                    break
            if changed:
                break
    return sorted(merged, key=lambda box: (box[1], box[0]))


def _open_rgb(path: Path) -> Image.Image:
    try:
        with Image.open(path) as image:
            if image.mode in ("RGBA", "LA", "P"):
                # Transparent parts read as white, as on the page.
                image = image.convert("RGBA")
                background = Image.new("RGBA", image.size, (255, 255, 255, 255))
                return Image.alpha_composite(background, image).convert("RGB")
            return image.convert("RGB")
    except FileNotFoundError:
        raise TexsheetError(f"{path}: no such image") from None
    except UnidentifiedImageError:
        raise TexsheetError(f"{path}: not an image Pillow can read") from None
    except OSError as error:
        raise TexsheetError(f"{path}: cannot read the image: {error.strerror or error}") from None


def _side_by_side(old: Image.Image, new: Image.Image) -> Image.Image:
    width = old.width + GAP + new.width
    height = LABEL_BAND + max(old.height, new.height)
    canvas = Image.new("RGB", (width, height), (255, 255, 255))
    canvas.paste(old, (0, LABEL_BAND))
    canvas.paste(new, (old.width + GAP, LABEL_BAND))
    draw = ImageDraw.Draw(canvas)
    draw.line((old.width + GAP // 2, 0, old.width + GAP // 2, height), fill=(190, 190, 190), width=2)
    font = ImageFont.load_default(size=LABEL_BAND * 2 // 3)
    for label, left in (("old", 0), ("new", old.width + GAP)):
        draw.text((left + 8, LABEL_BAND // 2), label, fill=(40, 40, 40), font=font, anchor="lm")
    return canvas


# Whole sheets


def diff_sheets(
    old: Path,
    new: Path,
    out_png: Path,
    dpi: int = 100,
    side_by_side: bool = False,
    *,
    theme: str | None = None,
    timeout: float = 60.0,
) -> tuple[list[str], int]:
    """Build both content files and mark what changed: (changed content keys, number of regions).

    Both files are validated before either is built; content and build problems raise
    TexsheetError subclasses from the pipeline.
    """
    # The keys compare what the files say (a Markdown note: the content it maps to); load_sheet
    # then checks both before any TeX runs.
    keys = changed_keys(load_content(Path(old))[0].data, load_content(Path(new))[0].data)
    load_sheet(Path(old), theme)
    load_sheet(Path(new), theme)
    with tempfile.TemporaryDirectory(prefix="texsheet-diff-old-") as old_dir, tempfile.TemporaryDirectory(
        prefix="texsheet-diff-new-"
    ) as new_dir:
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            builds = [
                pool.submit(compile_sheet, Path(path), Path(folder), dpi=dpi, timeout=timeout, theme=theme, force=True)
                for path, folder in ((old, old_dir), (new, new_dir))
            ]
            old_outputs, new_outputs = (build.result() for build in builds)
        regions = mark_changes(old_outputs.png, new_outputs.png, Path(out_png), side_by_side=side_by_side)
    return keys, regions


# Git


def content_at_revision(path: Path, rev: str, into: Path) -> Path:
    """Write the file as it was at git revision rev into the folder into, under its own name.

    Raises TexsheetError when git is missing, the file is not in a repository, the revision
    is unknown, or the file does not exist at that revision.
    """
    path = Path(path).absolute()
    folder = path.parent
    if not folder.is_dir():
        raise TexsheetError(f"{path}: its folder does not exist, so git cannot be asked about it")
    if not rev or rev.startswith("-"):
        raise TexsheetError(f"'{rev}' is not a git revision")
    top = _git(["rev-parse", "--show-toplevel"], folder)
    if top.returncode != 0:
        raise TexsheetError(f"{path}: not in a git repository, so it has no revision '{rev}'")
    root = Path(top.stdout.decode("utf-8", "replace").strip())
    try:
        relative = path.resolve().relative_to(root.resolve())
    except ValueError:
        raise TexsheetError(f"{path}: not inside its git repository {root}") from None
    if _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], folder).returncode != 0:
        raise TexsheetError(f"{path}: no revision '{rev}' in the git repository {root}")
    shown = _git(["show", f"{rev}:{relative.as_posix()}"], root)
    if shown.returncode != 0:
        reason = shown.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = f" ({reason[-1]})" if reason else ""
        raise TexsheetError(f"{path}: not in revision '{rev}' as {relative.as_posix()}{detail}")
    into = Path(into)
    into.mkdir(parents=True, exist_ok=True)
    target = into / path.name
    target.write_bytes(shown.stdout)  # the bytes as committed; load_source checks the encoding
    return target


def _git(arguments: list[str], folder: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *arguments], cwd=folder, capture_output=True, check=False, timeout=60)
    except FileNotFoundError:
        raise TexsheetError("git is not installed; it is needed to compare with a revision") from None
    except subprocess.TimeoutExpired:
        raise TexsheetError(f"git {arguments[0]} took more than 60 s in {folder}") from None
