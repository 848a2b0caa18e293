# The one place the TeX engine and latexmk's options are set. texsheet runs
#   latexmk -norc -r <this file> <sheet>.tex
# in a fresh build folder, so no other latexmkrc is read.
$pdf_mode = 5;                 # XeLaTeX, then xdvipdfmx
$xelatex = 'xelatex -no-shell-escape -interaction=nonstopmode -halt-on-error -file-line-error %O %S';
$xdvipdfmx = 'xdvipdfmx -q -o %D %O %S';
$bibtex_use = 0;
$max_repeat = 3;
$silent = 1;
