"""Country and regional briefs: 2–4 pages to hand on, as HTML, PDF or Markdown, in four languages.

- :mod:`lazos.briefs.content`: what a brief says (the Python API's results, as the web pages take them);
- :mod:`lazos.briefs.notes`: its numbered notes, each resolving to a source or a dataset's files;
- :mod:`lazos.briefs.render`: HTML and Markdown from the templates in ``templates/``, PDF by WeasyPrint;
- :mod:`lazos.briefs.batch`: every brief in parallel processes (``lazos brief --all``).

This module imports nothing heavy, so ``lazos`` commands start fast; ``render`` loads the charts'
and PDF's libraries.
"""

FORMATS = ("html", "pdf", "md")
