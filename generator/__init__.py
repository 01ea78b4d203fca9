"""perfsite: a council's approved performance data → a static transparency site and open dataset.

The pipeline reads like the product, one module per stage:

- :mod:`generator.load` — read a Frictionless data package into pandas frames
- :mod:`generator.validate` — schema, foreign-key and domain checks, as :class:`~generator.errors.Issue` values
- :mod:`generator.rules` — status (RAGG), direction of travel, headline counts (pure functions)
- :mod:`generator.summary` — plain-English sentences
- :mod:`generator.render` — Markdown pages and downloads, in memory
- :mod:`generator.build` — write ``site_src/generated`` and run MkDocs, atomically
"""

__version__ = "0.1.0"
