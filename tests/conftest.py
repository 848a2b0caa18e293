import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

ROOT = Path(__file__).resolve().parent.parent

# The tests leave nothing behind in the checkout: no example database, and Hypothesis keeps what
# else it stores (its table of Unicode characters) in a folder of its own, removed at the end.
settings.register_profile("texsheet", database=None)
settings.load_profile("texsheet")
_HYPOTHESIS_HOME = tempfile.mkdtemp(prefix="texsheet-hypothesis-")
set_hypothesis_home_dir(_HYPOTHESIS_HOME)
atexit.register(shutil.rmtree, _HYPOTHESIS_HOME, ignore_errors=True)


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
