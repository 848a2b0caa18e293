"""The command line: options and messages only; the work is in texsheet.pipeline."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from . import pipeline
from .errors import TexsheetError

MAX_DPI = 1200  # pdftoppm needs about 555 MB for an A4 page at 1200 dpi, 2.2 GB at 2400


def _check_dpi(ctx: click.Context, param: click.Parameter, value: int) -> int:
    if not 30 <= value <= MAX_DPI:
        megabytes = 8.27 * value * 11.69 * value * 3 * 1.3 / 1e6  # RGB pixels of A4, and poppler's overhead
        raise click.BadParameter(
            f"{value} dpi is outside 30 to {MAX_DPI}: one A4 page would need about {megabytes:,.0f} MB "
            "of memory to rasterize" if value > MAX_DPI else f"{value} dpi is outside 30 to {MAX_DPI}"
        )
    return value


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="texsheet")
def main() -> None:
    """Hand-drawn-looking one-page study sheets from content YAML."""


@main.command("compile")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "output_dir", default=Path("build"), type=click.Path(file_okay=False, path_type=Path), show_default=True, help="folder for the .tex, .pdf and .png")
@click.option("--dpi", default=200, type=int, callback=_check_dpi, show_default=True, help=f"resolution of the PNG (30 to {MAX_DPI})")
@click.option("--timeout", default=60.0, type=click.FloatRange(1, 3600), show_default=True, help="seconds TeX may take per sheet")
def compile_command(files: tuple[Path, ...], output_dir: Path, dpi: int, timeout: float) -> None:
    """Build each content FILE to OUTPUT/<name>.tex, .pdf and .png."""
    failed = 0
    for path in files:
        try:
            outputs = pipeline.compile_sheet(path, output_dir, dpi=dpi, timeout=timeout)
        except TexsheetError as error:
            failed += 1
            click.echo(f"{error}", err=True)
            kept = output_dir / f"{path.stem}.pdf"
            if kept.exists():
                click.echo(f"{path}: not built; {output_dir}/{path.stem}.* are from the last good build", err=True)
            continue
        click.echo(f"{path} -> {outputs.pdf}, {outputs.png.name}")
    sys.exit(1 if failed else 0)


@main.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate_command(files: tuple[Path, ...]) -> None:
    """Check content FILEs without building them."""
    failed = 0
    for path in files:
        try:
            pipeline.load_sheet(path)
        except TexsheetError as error:
            failed += 1
            click.echo(f"{error}", err=True)
        else:
            click.echo(f"{path}: ok")
    sys.exit(1 if failed else 0)
