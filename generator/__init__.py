"""perfsite: a council's approved performance data → a static transparency site and open dataset.

The pipeline reads like the product, one module per stage:

- :mod:`perfsite.load` — read a Frictionless data package into pandas frames
- :mod:`perfsite.validate` — schema, foreign-key and domain checks, as :class:`~perfsite.errors.Issue` values
- :mod:`perfsite.rules` — status (RAGG), direction of travel, headline counts (pure functions)
- :mod:`perfsite.summary` — plain-English sentences
- :mod:`perfsite.render` — Markdown pages and downloads, in memory
- :mod:`perfsite.build` — write ``site_src/generated`` and run MkDocs, atomically
"""

__version__ = "0.1.0"
