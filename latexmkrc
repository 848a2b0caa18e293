# Build a generated sheet by hand the way texsheet does: latexmk -r latexmkrc sheet.tex
# (texsheet itself runs the same xelatex and xdvipdfmx commands without latexmk's wrapper;
# tests/test_compile.py checks that the options here and there agree).
$pdf_mode = 5;                 # XeLaTeX, then xdvipdfmx
$xelatex = 'xelatex -no-shell-escape -interaction=nonstopmode -halt-on-error -file-line-error -recorder %O %S';
$xdvipdfmx = 'xdvipdfmx -q -o %D %O %S';
$bibtex_use = 0;
$max_repeat = 1;
$silent = 1;
