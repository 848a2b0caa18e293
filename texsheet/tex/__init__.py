"""The sheet as LaTeX text: templates, rendering, fragments for papers. Pure: no process, no disk but the templates."""
