"""``ilacs publish DIR``: a static web site of the library - the national picture.

>>> from ilacs_cli.library import Library
>>> from ilacs_cli.publish import publish
>>> with Library("library.sqlite3") as lib:                # doctest: +SKIP
...     result = publish(lib, "site")
>>> result.pages                                           # doctest: +SKIP
158

It writes, into DIR:

- ``index.html``: headline counts, the hex map, the table of every authority (sortable,
  filterable), what is new since the last publish, the downloads;
- ``la/<slug>.html``: one page per authority (documents, charts, the latest diff);
- ``downloads/``: the JSON of every document, a CSV of the index table and one of the
  documents (or ``ilacs export``'s tables when that module is installed);
- ``assets/site.css``, ``assets/site.js``; ``.ilacs-publish.json``: what was published,
  for the next run's "new since the last publish" and its cache of diffs.

Library first: no Typer or rich. Pages are Jinja2 templates (``ilacs_cli/templates``) with
autoescaping; maps and charts are inline SVG; no network, no CDN, no framework.
"""

from __future__ import annotations

from .site import PublishResult, publish

__all__ = ["PublishResult", "publish"]
