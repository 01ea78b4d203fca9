"""The typst call: markup in, PDF bytes out, in memory.

Only the fonts inside the typst wheel are used (``ignore_system_fonts``), so the same pack comes
out byte for byte on any machine, and the document's date is the pack's own (its publication
date), never the clock. One compiler is kept for the process: it loads the fonts once and
remembers the layout it has done, so a site's many packs cost a fraction of the first; and a
pack whose markup and date were set before in this process (a rebuild of the same package) is
not set again: the same markup gives the same bytes.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import OrderedDict
from functools import cache

import typst

from ...errors import PerfsiteError


class PackFailed(PerfsiteError):
    """typst could not set the pack (a fault in perfsite's markup, never the package's text)."""


@cache
def _compiler() -> typst.Compiler:
    return typst.Compiler(ignore_system_fonts=True)


#: the packs made in this process, by a digest of their markup and date, newest last
_MADE: OrderedDict[bytes, bytes] = OrderedDict()
_MADE_BYTES = 64 << 20  # at most this much PDF is kept


def compile_pdf(source: str, day: datetime.date) -> bytes:
    """The PDF of typst ``source``, dated ``day`` (midnight UTC)."""
    key = hashlib.sha256(f"{day.isoformat()}\n{source}".encode()).digest()
    if key in _MADE:
        _MADE.move_to_end(key)
        return _MADE[key]
    pdf = _compile(source, day)
    _MADE[key] = pdf
    while sum(map(len, _MADE.values())) > _MADE_BYTES:
        _MADE.popitem(last=False)
    return pdf


def _compile(source: str, day: datetime.date) -> bytes:
    stamp = datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)
    try:
        pdf = _compiler().compile(source.encode("utf-8"), format="pdf", timestamp=stamp)
    except typst.TypstError as exc:
        raise PackFailed(f"the committee pack could not be made: {exc.message}") from exc
    if not isinstance(pdf, bytes):
        raise PackFailed("the committee pack could not be made: typst returned no PDF")
    return pdf
