"""Text: markup, formulas, fonts, words and lines, from what TeX measured. The bottom of the pipeline: imports nothing of texsheet above it."""
