"""Building: the measuring run, latexmk, the PNG, caches, and the pipeline that joins every step."""
