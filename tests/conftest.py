import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent

# The tests leave nothing behind: no example database in the checkout.
settings.register_profile("texsheet", database=None)
settings.load_profile("texsheet")


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


@pytest.fixture(autouse=True, scope="session")
def private_cache(tmp_path_factory) -> Path:
    """texsheet's cache (formats, icons) for this run only, as on a fresh machine: the user's
    ~/.cache is neither read nor written."""
    cache = tmp_path_factory.mktemp("xdg-cache")
    os.environ["XDG_CACHE_HOME"] = str(cache)
    return cache
