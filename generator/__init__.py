"""perfsite: a council's approved performance data → a static transparency site and open dataset.

The source folder ``generator/`` is installed as ``perfsite``. Its sub-packages are the pipeline's
layers, bottom up; each imports only the layers below it (``tests/test_layers.py``):

- :mod:`perfsite.errors`, :mod:`perfsite.parallel` — shared: the ``Issue`` value and the
  ``PerfsiteError`` family; the two-process helpers
- :mod:`perfsite.standard` — the data standard: schemas, package settings, periods, units
- :mod:`perfsite.rules` — the rules, pure: statuses, direction of travel, headline figures,
  the release gate, a quarter's report, summary sentences, the officer's summary
- :mod:`perfsite.files` — the disk: the package reader, the archive store, the output folder
  and its guard, the Excel workbook
- :mod:`perfsite.validation` — ``validate()``, hints, the published record and the checks
  (:mod:`perfsite.validation.checks`)
- :mod:`perfsite.site` — the site in memory: generation, rendering, charts, downloads, the feed,
  the committee pack (PDF), the MkDocs plugin
- :mod:`perfsite.commands` — build, serve, publish, status, pack, synth, init, import
- :mod:`perfsite.cli` — the command line (``perfsite``, ``python -m perfsite``)

The page templates, theme overrides, hand-written pages and the standalone ``mkdocs.yml`` sit at
the top of the checkout (``templates/``, ``site_src/``, ``mkdocs.yml``) and ship inside the
package (:mod:`perfsite.site.shipped` finds them).
"""

__version__ = "0.1.0"
