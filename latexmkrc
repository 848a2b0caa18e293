# Builds a sheet texsheet generated, as texsheet itself does: latexmk -r latexmkrc sheet.tex
# (in the folder of the .tex and its texsheet-icons/). XeLaTeX writes the page, xdvipdfmx the
# PDF; one pass, as the sheet has no references to resolve.
$pdf_mode = 5;
# texsheet's own builds start the engine from a format holding the preamble's first lines
# (up to \csname endofdump\endcsname), named in TEXSHEET_FORMAT; by hand it starts plain.
my $format = $ENV{TEXSHEET_FORMAT} ? "-fmt=$ENV{TEXSHEET_FORMAT} " : '';
$xelatex = "xelatex $format-no-shell-escape -interaction=nonstopmode -halt-on-error -file-line-error -recorder %O %S";
$xdvipdfmx = 'xdvipdfmx -q -o %D %O %S';
$bibtex_use = 0;
$max_repeat = 1;
$silent = 1;
