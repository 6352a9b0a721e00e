"""A static file server for a built site, on a free local port, in a thread.

The browser tests and the playground benchmark open the site through it, so that
pages load as a reader's browser loads them from a web server.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep pytest output clean
        pass

    def end_headers(self) -> None:
        # the site does not change during a test run: let the browser reuse
        # MathJax, fonts and theme files from its cache instead of asking again
        self.send_header("Cache-Control", "max-age=3600")
        super().end_headers()


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # the browser closing a connection early is not a site problem


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on a free local port in a thread; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
