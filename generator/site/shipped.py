"""Where the files perfsite ships beside its code are: the page templates, the theme overrides, the
hand-written pages and assets, and the MkDocs settings of a standalone site.

In the checkout they sit at the top (``templates/``, ``site_src/``, ``mkdocs.yml``), where they are
edited. A wheel maps them into the package (``package-dir`` in pyproject.toml): ``perfsite/templates``,
``perfsite/site_src`` and ``perfsite/standalone/mkdocs.yml``. Both installs find them through
importlib.resources: inside the installed package, or, in a development (editable) install, beside
the package's folder.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _shipped(installed: str, checkout: str) -> Path:
    package = Path(str(resources.files("perfsite"))).resolve()
    inside = package / installed
    return inside if inside.exists() else package.parent / checkout


TEMPLATES = _shipped("templates", "templates")
PAGE_TEMPLATES = TEMPLATES / "pages"  # the jinja2 templates of the performance pages
THEME_OVERRIDES = TEMPLATES / "theme"  # Material overrides: DRAFT banner, noindex, meta description
HAND_WRITTEN = _shipped("site_src", "site_src")  # the accessibility statement and the CSS/JS assets
MKDOCS_YML = _shipped("standalone/mkdocs.yml", "mkdocs.yml")  # a standalone site's MkDocs settings
