"""The plugin's options in mkdocs.yml (``package``, ``prefix``, ``site_url``, ``preview``), each
checked as MkDocs reads its settings, with a message a council's web team can act on."""

from __future__ import annotations

import os
import re
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config, ValidationError

from ... import standard

#: one folder of a prefix: lower-case letters, digits and - _ . (not first, not last)
_SEGMENT = re.compile(r"[a-z0-9](?:[a-z0-9._-]*[a-z0-9_-])?")


def prefix_problem(value: str) -> str | None:
    """Why ``value`` cannot be the folder of the performance pages, or None. A prefix is a web
    address inside the site: folders of lower-case letters, digits, ``-``, ``_`` and ``.``,
    separated by ``/`` (``performance/``, ``council/performance/``); nothing that could lead out
    of the site (``..``, a leading ``/``, a drive letter, a backslash)."""
    if "\\" in value:
        return "it contains a backslash: separate folders with '/'"
    if re.match(r"^[A-Za-z]:", value):
        return "it starts with a drive letter: give a folder inside the site, such as 'performance/'"
    if value.startswith("/"):
        return "it starts with '/': give a folder inside the site, such as 'performance/'"
    segments = value.removesuffix("/").split("/")
    if any(segment in (".", "..") for segment in segments):
        return "it contains '.' or '..': give a folder inside the site, such as 'performance/'"
    if any(segment == "" for segment in segments):
        return "it contains an empty folder ('//')"
    for segment in segments:
        if not _SEGMENT.fullmatch(segment):
            lower = segment.lower()
            hint = f" (for example '{lower}')" if _SEGMENT.fullmatch(lower) else ""
            return (
                f"the folder name {segment!r} may use only lower-case letters, digits, '-', '_' "
                f"and '.' inside the name{hint}"
            )
    return None


class _Prefix(c.Type):
    """The ``prefix`` option: a folder of the site (see :func:`prefix_problem`), written with its
    trailing ``/`` (``performance`` is read as ``performance/``); empty means the site's root."""

    def __init__(self) -> None:
        super().__init__(str, default="")

    def run_validation(self, value: object) -> str:
        if not isinstance(value, str):
            raise ValidationError(f"write a folder name such as 'performance/', not {value!r}")
        text = value.strip()
        if not text:
            return ""
        problem = prefix_problem(text)
        if problem:
            raise ValidationError(f"{text!r} cannot be the folder of the performance pages: {problem}")
        return text if text.endswith("/") else text + "/"


class _SiteAddress(c.Type):
    """The ``site_url`` option, checked by the rule of ``site_url`` in ``datapackage.json``."""

    def __init__(self) -> None:
        super().__init__(str)

    def run_validation(self, value: object) -> str:
        if not isinstance(value, str):
            raise ValidationError(f"write the web address the site is served from, not {value!r}")
        problem = standard.site_url_problem(value)
        if problem:
            raise ValidationError(f"{value!r} is not the web address of a site: {problem}")
        return standard.normal_site_url(value)


class _YesNo(c.Type):
    """A true/false option that says how to write it (YAML reads ``"yes"`` in quotes as text)."""

    def __init__(self, default: bool) -> None:
        super().__init__(bool, default=default)

    def run_validation(self, value: object) -> bool:
        if not isinstance(value, bool):
            raise ValidationError(f"write true or false (without quotes), not {value!r}")
        return value


class _PackageFolder(c.Dir):
    """The ``package`` option: an existing folder, relative to mkdocs.yml."""

    def __init__(self) -> None:
        super().__init__(exists=False)

    def run_validation(self, value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ValidationError("give the folder of the council's data package, relative to mkdocs.yml")
        path = super().run_validation(value)
        try:
            exists = Path(path).is_dir()
        except OSError as exc:  # a loop of links, a name too long…
            raise ValidationError(f"the folder {path} cannot be read: {exc.strerror or exc}") from exc
        if not exists:
            where = " (relative to mkdocs.yml)" if not os.path.isabs(value) else ""
            raise ValidationError(f"there is no folder {path}{where}: give the data package's folder")
        return path


class PerfsiteConfig(Config):
    package = c.Optional(_PackageFolder())
    preview = _YesNo(default=False)
    site_url = c.Optional(_SiteAddress())  # the site's address; default: MkDocs' site_url, then the package's
    prefix = _Prefix()  # e.g. "performance/" inside a council's own site
    nav = _YesNo(default=True)  # add the performance pages to the navigation
