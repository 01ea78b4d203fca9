"""Identifiers: no two measures, priorities, objectives or projects that would share a page address."""

from __future__ import annotations

from ... import standard
from ...errors import Issue
from ...files.load import Package
from .cells import flagged_rows


def identifier_collisions(package: Package) -> list[Issue]:
    """Identifiers become URLs, which are lower-case: two ids equal but for case would collide."""
    issues = []
    for resource, column in standard.ENTITY_IDS.items():
        frame = package.raw.get(resource)
        if frame is None or column not in frame.columns:
            continue
        lowered = frame[column].str.lower()
        clash = lowered.duplicated(keep="first") & ~frame[column].duplicated(keep="first")
        values = frame[column].tolist()
        for position, row in flagged_rows(frame, clash):
            first = frame[column][lowered == lowered.iloc[position]].iloc[0]
            issues.append(
                Issue(
                    "identifier-collision",
                    f"{column} differs from {first!r} only in upper/lower case, and web addresses are lower case",
                    file=package.file_of(resource),
                    row=row,
                    field=column,
                    value=values[position],
                    hint="give it a different identifier",
                )
            )
    return issues
