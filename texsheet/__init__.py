"""texsheet: hand-drawn-looking one-page study sheets from content YAML, via LaTeX/TikZ."""
