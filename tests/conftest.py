"""Shared fixtures: the example site built once per test session, and a local server for it."""

from __future__ import annotations

import functools
import http.server
import os
import socket
import threading
from pathlib import Path

import pytest
from hypothesis import settings

from perfsite.commands import build as build_module

# No timing in tests: a busy two-core machine must not fail a property test for being slow.
settings.register_profile("perfsite", deadline=None)
# CI tries the same examples every run, so a red CI is the change's and can be re-run; `make test`
# on a laptop and `make fuzz` try new ones each time (the database keeps any that failed)
settings.register_profile("ci", deadline=None, derandomize=True, database=None)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "perfsite")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "example"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_site(package: Path, where: Path, preview: bool = False, port: int | None = None, **kwargs):
    """Build ``package`` into ``where/site``; return (out, result)."""
    out = where / "site"
    url = f"http://127.0.0.1:{port}/" if port else None
    result = build_module.build(package, out=out, preview=preview, site_url=url, **kwargs)
    return out, result


class SiteServer:
    """A static file server on 127.0.0.1 for a built site (threads, stops with the session)."""

    def __init__(self, directory: Path, port: int):
        handler = functools.partial(_QuietHandler, directory=str(directory))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.url = f"http://127.0.0.1:{port}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output readable
        pass


@pytest.fixture(scope="session")
def example_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def example_site(tmp_path_factory, example_port):
    """The example package's public site, built once: (site folder, BuildResult)."""
    return build_site(EXAMPLE, tmp_path_factory.mktemp("example"), port=example_port)


@pytest.fixture(scope="session")
def example_server(example_site, example_port):
    """The example site served at its own site_url (instant navigation needs the two to agree)."""
    server = SiteServer(example_site[0], example_port)
    yield server
    server.stop()
