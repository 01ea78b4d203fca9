"""What ``validate`` says of ``archive/``: it holds only what perfsite wrote, unchanged and complete.

Checked, with every problem reported at once:

- nothing but snapshots, ``chain.json`` and perfsite's own hidden work files is under
  ``archive/``; no link anywhere (a link is never followed, so it could only mislead); a
  snapshot holds exactly the files its manifest lists, as regular files, none of them the same
  file as one of the package's live files (a hard link would change with it);
- each manifest is one perfsite wrote (plain file names, SHA-256 checksums, at most 1 MB) and
  lists a file for every resource the standard held then; each file matches its checksum;
- the chain: every snapshot a manifest records is still there with the manifest it had, and
  ``chain.json`` names the newest snapshot, whose chain records every other one. Archives made
  before perfsite kept a chain have neither: their chain starts with the first chained snapshot.

Whether each published period has its snapshot is :mod:`perfsite.validation.history`'s check.
"""

from __future__ import annotations

import os
from pathlib import Path

from ... import standard
from ...errors import WARNING, Issue
from ...files import archive
from ...files.archive import ARCHIVE, HEAD, LOCK, MANIFEST, PENDING_PREFIX, TEMP_PREFIX, Release
from ...files.load import Package

#: files an operating system leaves in folders a person opened (never published; a warning)
SYSTEM_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini", "ehthumbs.db"})
#: every resource of the standard when chained manifests began: each chained snapshot holds all
CHAINED_RESOURCES = frozenset(standard.RESOURCES)
#: snapshots from before the chain hold at least the resources a package must have
UNCHAINED_RESOURCES = frozenset(standard.RESOURCES) - standard.OPTIONAL_RESOURCES

_RESTORE = (
    "restore it from a backup (or a copy of the public site's data/archive/); the archive must not be edited"
)


def _issue(code: str, message: str, file: str, hint: str = _RESTORE, severity: str = "error", value=None):
    return Issue(code, message, file=file, hint=hint, severity=severity, value=value)


def _unreadable_issue(rel: str, what: str = "file") -> Issue:
    this = "the archive folder" if rel == ARCHIVE else f"this {what} of the archive"
    return _issue(
        "archive-unreadable",
        f"{this} cannot be read (no permission, or a disk error), so perfsite cannot check that it is "
        "unchanged; nothing in it is published until it can",
        rel,
        hint=(
            "give your account read access to it (e.g. copy the package to a folder you own), or restore "
            "it from a backup; the archive must not be edited"
        ),
    )


def _live_files(package: Package) -> set[tuple[int, int]]:
    """(device, inode) of the package's live files: an archive file must not be one of them."""
    found = set()
    for rel in [*package.files.values(), "datapackage.json"]:
        try:
            st = os.stat(package.path / rel)
        except OSError:
            continue
        found.add((st.st_dev, st.st_ino))
    return found


def _system_file(name: str) -> bool:
    return name in SYSTEM_FILES or name.startswith("._")


def _system_file_issue(rel: str) -> Issue:
    return _issue(
        "archive-system-file",
        "a file the operating system left in the archive (a folder was opened in Finder or Explorer); it is never published",
        rel,
        hint="delete it",
        severity=WARNING,
    )


def _entry_issue(path: Path, rel: str) -> Issue | None:
    """What is wrong with an entry of ``archive/`` that is not a snapshot (``None``: it is
    perfsite's own)."""
    name = path.name
    if archive.is_link(path):
        return _issue(
            "archive-link",
            "a link in the archive: perfsite never follows links there, so it is neither a snapshot nor published",
            rel,
            hint="delete the link; to restore a snapshot, copy its files (not a link to them) from a backup",
        )
    if name == HEAD:
        return (
            None
            if archive.regular_file(path)
            else _issue("archive-unexpected", "chain.json is not a file", rel)
        )
    if (name == LOCK or name.startswith(PENDING_PREFIX)) and archive.regular_file(path):
        return None  # publishing's own lock and markers (an interrupted publish is history's to report)
    if name.startswith(archive.SET_ASIDE_PREFIX):
        return _issue(
            "archive-set-aside",
            "a snapshot an interrupted publish left, set aside by the next publish because publishing "
            "would not write it now (the package changed since, or perfsite did not write it); it was never public "
            "and is never read or published",
            rel,
            hint="move it out of the package (keep it with your records if you wish)",
            severity=WARNING,
        )
    if name.startswith(TEMP_PREFIX) or (name.startswith(".") and name.endswith(".tmp")):
        return _issue(
            "archive-leftover",
            "a temporary folder or file of a publish (running now, or interrupted); it is never read or published",
            rel,
            hint="the next `perfsite publish` removes it (or delete it once no publish is running)",
            severity=WARNING,
        )
    if _system_file(name):
        return _system_file_issue(rel)
    kind = "folder" if archive.is_folder(path) else "file"
    return _issue(
        "archive-unexpected",
        f"a {kind} perfsite did not write: archive/ holds only snapshots written by `perfsite publish`"
        + (
            " (a snapshot's folder is named exactly by its period, e.g. 2026-27-Q2)"
            if kind == "folder"
            else ""
        ),
        rel,
        hint="move it out of the package; nothing but the snapshots' own files is ever published",
    )


def _cannot_read(path: Path) -> bool:
    """A regular file (not a link) that cannot be opened for reading."""
    if archive.regular_file(path) is None:
        return False
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return True
    os.close(fd)
    return False


def _snapshot_issues(release: Release, rel: str, live: set[tuple[int, int]], verified: dict) -> list[Issue]:
    """A snapshot holds exactly its manifest's files, each unchanged and none a link."""
    manifest = release.manifest
    listing = archive.entries(release.path)
    if listing is None:
        return [_unreadable_issue(rel, "folder")]
    if manifest is None and _cannot_read(release.path / MANIFEST):
        return [_unreadable_issue(f"{rel}/{MANIFEST}")]
    if manifest is None:
        return [
            _issue(
                "archive-manifest",
                "the snapshot's manifest.json is missing, unreadable, over 1 MB or not one perfsite writes "
                "(each file listed by a plain lower-case name with its SHA-256)",
                f"{rel}/{MANIFEST}",
            )
        ]
    issues = []
    if release.kind == archive.CORRECTIONS and "chain" not in manifest:
        # corrections releases began with the chain: one without is not one perfsite wrote
        issues.append(
            _issue(
                "archive-unrecorded",
                "a corrections release without a chain: perfsite did not write it",
                f"{rel}/{MANIFEST}",
                hint="move it out of the package",
            )
        )
    listed = dict(manifest["files"])
    for path in listing:
        name = path.name
        if name == MANIFEST:
            continue
        if archive.is_link(path):
            issues.append(
                _issue(
                    "archive-link",
                    "a link in a snapshot: perfsite never follows links in the archive",
                    f"{rel}/{name}",
                    hint="delete the link and restore the snapshot's own file from a backup",
                )
            )
        elif name not in listed and _system_file(name) and archive.regular_file(path):
            issues.append(_system_file_issue(f"{rel}/{name}"))
        elif name not in listed:
            issues.append(
                _issue(
                    "archive-unexpected",
                    "a file or folder that the snapshot's manifest does not list: it was added after publication",
                    f"{rel}/{name}",
                    hint="move it out of the package; only the files a manifest lists are published",
                )
            )
    expected = set(manifest.get("resources") or []) | (
        CHAINED_RESOURCES if "chain" in manifest else UNCHAINED_RESOURCES
    )
    for resource in sorted(expected):
        if f"{resource}.csv" not in listed:
            issues.append(
                _issue(
                    "archive-resource-missing",
                    f"the manifest lists no {resource}.csv, but every snapshot holds every resource of the standard",
                    f"{rel}/{MANIFEST}",
                    value=f"{resource}.csv",
                )
            )
    for name, checksum in sorted(listed.items()):
        path = release.path / name
        st = archive.regular_file(path)
        if st is None:
            if not archive.is_link(path):  # a link is reported above
                issues.append(
                    _issue(
                        "archive-file-missing", "a file of the published snapshot is missing", f"{rel}/{name}"
                    )
                )
            continue
        if (st.st_dev, st.st_ino) in live:
            issues.append(
                _issue(
                    "archive-hard-link",
                    "this snapshot file is the same file as one of the package's live files (a hard link): "
                    "editing the package would change what was published",
                    f"{rel}/{name}",
                    hint="replace it with a copy of the snapshot's file from a backup",
                )
            )
        if _cannot_read(path):
            issues.append(_unreadable_issue(f"{rel}/{name}"))
        elif archive.file_sha256(path) != checksum:
            issues.append(
                _issue(
                    "archive-tampered",
                    "the published snapshot was changed after publication (its checksum no longer matches)",
                    f"{rel}/{name}",
                    value=str(checksum)[:12],
                    hint="restore the file from a backup; to correct a published figure, change outturns.csv and give a revision_note",
                )
            )
        else:
            verified[str(path)] = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
    return issues


def _chain_issues(package: Package, found: list[Release]) -> list[Issue]:
    """Every snapshot a chained manifest recorded is still there, unchanged; ``chain.json`` names
    the newest, which records every other (but one whose publish was interrupted just after)."""
    by_name = {r.name: r for r in found}
    issues = []
    for release in found:
        for name, checksum in sorted(release.chain.items()):
            earlier = by_name.get(name)
            if earlier is None:
                issues.append(
                    _issue(
                        "archive-snapshot-missing",
                        f"archive/{name}/ is gone, but archive/{release.name}/manifest.json records it as published before",
                        f"{ARCHIVE}/{name}",
                        hint=f"restore archive/{name}/ from a backup; a published snapshot is never deleted "
                        "(to withdraw a report, record it in withdrawals.csv)",
                    )
                )
            elif earlier.manifest_sha256 != checksum:
                issues.append(
                    _issue(
                        "archive-chain-broken",
                        f"archive/{name}/manifest.json is not the manifest archive/{release.name}/ recorded: "
                        "a file or line was added, removed or changed",
                        f"{ARCHIVE}/{name}/{MANIFEST}",
                        value=checksum[:12],
                    )
                )
    chained = [r for r in found if "chain" in (r.manifest or {})]
    head_path = package.path / ARCHIVE / HEAD
    head = archive.read_head(package.path)
    interrupted = archive.pending(package.path)
    first_link_interrupted = len(chained) == 1 and chained[0].name in interrupted
    if not os.path.lexists(head_path) and (not chained or first_link_interrupted):
        # an archive from before the chain (nothing to follow yet), or its first chained snapshot's
        # publish interrupted before chain.json was written (history warns; the rerun finishes it)
        return issues
    if head is None:
        return [
            *issues,
            _issue(
                "archive-chain-head",
                "archive/chain.json, which names the newest snapshot, is missing or unreadable",
                f"{ARCHIVE}/{HEAD}",
            ),
        ]
    latest = by_name.get(head["latest"])
    if latest is None or latest.manifest_sha256 != head["manifest_sha256"]:
        what = "is gone" if latest is None else "has changed since it was published"
        return [
            *issues,
            _issue(
                "archive-chain-head",
                f"archive/chain.json names archive/{head['latest']}/ as the newest snapshot, but it {what}",
                f"{ARCHIVE}/{head['latest']}",
                value=head["manifest_sha256"][:12],
                hint=f"restore archive/{head['latest']}/ from a backup; a published snapshot is never deleted or edited",
            ),
        ]
    for release in found:
        if release is latest or release.name in latest.chain:
            continue
        if release.name in interrupted and release.chain.get(latest.name) == latest.manifest_sha256:
            continue  # written just after the head, and its publish not finished: history warns
        issues.append(
            _issue(
                "archive-unrecorded",
                "a snapshot the archive's chain does not record: it was not written by `perfsite publish`, "
                "or archive/chain.json was replaced",
                f"{ARCHIVE}/{release.name}",
                hint="move it out of the package, or restore archive/chain.json from a backup",
            )
        )
    return issues


def archive_issues(package: Package) -> list[Issue]:
    """Every problem with ``archive/`` (see the module's docstring). Files whose checksum matched are
    remembered (``package.archive_cache['verified']``) for the build that copies them."""
    verified: dict[str, tuple] = {}
    package.archive_cache["verified"] = verified
    root = package.path / ARCHIVE
    if not os.path.lexists(root):
        return []
    if archive.archive_root(package.path) is None:
        return [
            _issue(
                "archive-link" if archive.is_link(root) else "archive-unexpected",
                "archive/ is not a folder of the package (a link or a file): perfsite reads snapshots only "
                "from a real archive/ folder inside the package, so none is read or published",
                ARCHIVE,
                hint="replace it with the archive folder itself (restored from a backup)",
            )
        ]
    listing = archive.entries(root)
    if listing is None:
        return [_unreadable_issue(ARCHIVE, "folder")]
    issues = []
    found = archive.releases(package.path)
    snapshots = {r.name for r in found}
    live = _live_files(package)
    for path in listing:
        rel = f"{ARCHIVE}/{path.name}"
        if path.name in snapshots:
            continue
        problem = _entry_issue(path, rel)
        if problem is not None:
            issues.append(problem)
    unreadable = set()
    for release in found:
        problems = _snapshot_issues(release, f"{ARCHIVE}/{release.name}", live, verified)
        if any(i.code == "archive-unreadable" for i in problems) and release.manifest is None:
            unreadable.add(release.name)  # its chain cannot be followed: nothing is said that only follows
        issues += problems
    if unreadable:
        return issues
    return issues + _chain_issues(package, found)
