"""``perfsite serve``: build a package into a temporary folder and serve it on 127.0.0.1."""

from __future__ import annotations

import contextlib
import functools
import http.server
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..errors import PerfsiteError
from . import build as build_command


def serve(package_dir: Path, preview: bool, port: int, serving: Callable[[str], None]) -> None:
    """Build ``package_dir`` and serve it at http://127.0.0.1:PORT/ until interrupted; ``serving``
    is told the address once the site is built."""
    # a folder of its own, removed afterwards: the site built for upload (./site), with its own
    # address, is never replaced by one that links to 127.0.0.1
    with tempfile.TemporaryDirectory(prefix="perfsite-serve-") as temp:
        out = Path(temp) / ("site-preview" if preview else "site")
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
        # take the port before building, so a busy port is said at once and nothing is built for nothing
        try:
            server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        except OSError as exc:
            raise PortUnavailable(port, exc) from exc
        with server, contextlib.suppress(KeyboardInterrupt):
            build_command.build(package_dir, out=out, preview=preview, site_url=f"http://127.0.0.1:{port}/")
            serving(f"http://127.0.0.1:{port}/")
            server.serve_forever()


class PortUnavailable(PerfsiteError):
    """``serve --port``: the port cannot be used."""

    exit_code = 2

    def __init__(self, port: int, exc: OSError):
        import errno

        if exc.errno == errno.EADDRINUSE:
            why = "another program is already using it (perhaps another perfsite serve)"
        elif exc.errno in (errno.EACCES, errno.EPERM):
            why = "this account may not use it (ports below 1024 are reserved)"
        else:
            why = exc.strerror or str(exc)
        super().__init__(f"cannot serve on port {port}: {why}; choose another with --port, e.g. --port 8001")
