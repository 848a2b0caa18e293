#!/usr/bin/env bash
# Set-up and everyday tasks on Debian/Ubuntu. Installs what is missing, then:
#   ./tasks.sh sheet [FILE...]   build sheets (default: content/llm-grand-summary.yaml) into build/
#   ./tasks.sh test [PYTEST ARGS]  run the tests
set -euo pipefail
cd "$(dirname "$0")"

APT_PACKAGES=(latexmk texlive-xetex texlive-lang-korean texlive-pictures texlive-latex-extra texlive-fonts-recommended
              poppler-utils graphviz fonts-nanum fonts-nanum-extra fonts-symbola fonts-lxgw-wenkai fonts-naver-d2coding fonts-comic-neue fonts-dejavu-extra python3-venv python3-pip git
              # For the tests of sheets in papers (tests/test_papers.py), which build papers in every engine:
              texlive-latex-recommended  # fontspec and beamer (texlive-latex-extra pulls it in already; 9 MB, 26 MB installed)
              texlive-luatex             # LuaLaTeX's font loader, luaotfload (23 MB download, 41 MB installed)
              texlive-publishers         # the IEEEtran and acmart classes (21 MB download, 61 MB installed)
              dvisvgm                    # compile --svg: a sheet as SVG for the web
              chromium)                  # the tests open the gallery of texsheet book and the SVGs in a real browser

install_system() {
  local missing=() package
  for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
  done
  ((${#missing[@]})) || return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "installing: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_python() {
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
}

task=${1:-}
shift || true
case "$task" in
  sheet)
    install_system
    install_python
    exec .venv/bin/texsheet compile "${@:-content/llm-grand-summary.yaml}"
    ;;
  test)
    install_system
    install_python
    # Python's compiled files go to the cache, not beside the sources: the tests leave the checkout as it was.
    export PYTHONPYCACHEPREFIX="${XDG_CACHE_HOME:-$HOME/.cache}/texsheet/pycache"
    exec .venv/bin/python -m pytest -q "$@"
    ;;
  *)
    echo "usage: ./tasks.sh sheet [FILE...] | ./tasks.sh test [PYTEST ARGS]" >&2
    exit 2
    ;;
esac
