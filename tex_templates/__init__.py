"""The Jinja2 templates of the generated LaTeX, and the latexmkrc that builds it."""
