"""The quarterly committee pack: one PDF per quarter, and one per committee, with the site's figures.

:mod:`.content` gathers what the pack says from the site's own renderer (pure), :mod:`.typst_source`
sets it as typst markup, :mod:`.compile` makes the PDF. :func:`site_packs` gives every pack of a
build, by its path in the site; :mod:`.command` is ``perfsite pack``.
"""

from __future__ import annotations

from ..page import slug
from ..render import Renderer
from .compile import PackFailed, compile_pdf
from .content import Pack, committees, pack_content
from .typst_source import source

__all__ = [
    "Pack",
    "PackFailed",
    "committees",
    "pack_content",
    "pack_path",
    "make_pack",
    "site_committees",
    "site_packs",
    "source",
    "write_pack",
]


NAME_LIMIT = 40


def pack_path(council: str, quarter: str, committee: str | None = None) -> str:
    """Where a pack lives in the site: ``reports/<period>/<council>-<period>[-<committee>].pdf``."""
    period = quarter.lower()
    # names cut at a word past 40 characters: a file name stays within every system's limit
    tail = f"-{slug(committee, 'committee', limit=NAME_LIMIT)}" if committee else ""
    return f"reports/{period}/{slug(council, 'council', limit=NAME_LIMIT)}-{period}{tail}.pdf"


def make_pack(
    renderer: Renderer, quarter: str, committee: str | None = None, corrected: str | None = None
) -> bytes:
    """The PDF of one pack (the council's, or one committee's)."""
    pack = pack_content(renderer, quarter, committee, corrected)
    return compile_pdf(source(pack), pack.date)


def site_committees(renderer: Renderer) -> list[str]:
    """The committees that get a pack of their own in the site: every committee but one that
    holds every measure (its pack would be the council's, page for page)."""
    named = renderer.measures["committee"]
    return [c for c in committees(renderer) if (named != c).any()]


def site_packs(renderer: Renderer) -> dict[str, bytes]:
    """Every pack of a site: each included quarter's, and each committee's, by path in the site."""
    council = renderer.data.council
    out: dict[str, bytes] = {}
    names = site_committees(renderer)
    for quarter in renderer.quarters:
        out[pack_path(council, quarter)] = make_pack(renderer, quarter)
        for committee in names:
            out[pack_path(council, quarter, committee)] = make_pack(renderer, quarter, committee)
    return out


def pack_index(renderer: Renderer) -> dict[str, list[dict[str, str]]]:
    """Each included quarter's packs as its report page lists them (``label``; ``file``: the name
    beside the report; ``path`` in the site), the council's first, then each committee's."""
    council = renderer.data.council
    names = site_committees(renderer)
    index = {}
    for quarter in renderer.quarters:
        entries = [("The whole council", pack_path(council, quarter))]
        entries += [(name, pack_path(council, quarter, name)) for name in names]
        index[quarter] = [
            {"label": label, "path": path, "file": path.rsplit("/", 1)[1]} for label, path in entries
        ]
    return index
