import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/*.tex from the renderer")


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture(scope="session")
def tex_available() -> None:
    """Compile tests need TeX; CI installs it, so a missing TeX fails there instead of skipping."""
    tools = ("latexmk", "xelatex", "pdflatex", "lualatex", "latex", "pdftotext", "pdfinfo", "pdffonts", "pdftoppm")
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"TeX tools missing: {missing}; run the README's first command to install them")
