"""A stand-in for Ofsted's reports site on 127.0.0.1, for the fetch tests and ``make bench``.

Pages are built the way ``../shared/ofsted-site.md`` describes the real ones: a search
listing of at most ``page_size`` results a page walked by ``start``, each result an ``<a>``
to ``/provider/<n>/<URN>``; a provider page whose publications are
``<a class="publication-link" href=".../v1/file/<number>">`` with a ``<span
class="nonvisual">`` naming the document and its date; the file URL serving the PDF (or,
for some old links, an HTML "Report not found" page with status 200).

Faults are scripted per path and used up one per request (then the path behaves): ``503``,
``503:2`` (with ``Retry-After: 2``), ``429:1``, ``500``, ``cut`` (half the body, then the
connection closed; ``Content-Length`` says the whole), ``cut-nolength`` (no length, half the
body, closed), ``hang:0.5`` (answer after 0.5 s), ``block`` (half the body, then wait until
``release`` is set: for a client killed mid-download).
"""

from __future__ import annotations

import hashlib
import html
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Doc:
    file_id: str
    data: bytes
    link_text: str
    html: bool = False  # serve a "Report not found" page instead


@dataclass
class Authority:
    urn: str
    name: str
    docs: list[Doc] = field(default_factory=list)


NOT_FOUND_PAGE = b"""<!DOCTYPE html>
<html lang="en"><head><title>Report not found - Ofsted</title></head>
<body><h1>Report not found</h1><p>Sorry, we could not find that report.</p></body></html>
"""


class FakeOfsted:
    def __init__(self, authorities: list[Authority], page_size: int = 100) -> None:
        self.authorities = authorities
        self.page_size = page_size
        self.faults: dict[str, list[str]] = {}
        self.log: list[tuple[str, str, dict[str, str]]] = []  # (path, query, headers)
        self.blocked = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                owner._handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> FakeOfsted:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    # -- scripting and looking ------------------------------------------------------------

    def fault(self, path: str, *behaviours: str) -> None:
        with self._lock:
            self.faults.setdefault(path, []).extend(behaviours)

    def file_path(self, doc: Doc) -> str:
        return f"/v1/file/{doc.file_id}"

    def provider_path(self, authority: Authority) -> str:
        return f"/provider/44/{authority.urn}"

    def paths(self) -> list[str]:
        with self._lock:
            return [p for p, _, _ in self.log]

    def count(self, path: str) -> int:
        return self.paths().count(path)

    def file_requests(self) -> list[str]:
        return [p for p in self.paths() if p.startswith("/v1/file/")]

    # -- pages --------------------------------------------------------------------------------

    def listing(self, start: int, rows: int) -> bytes:
        shown = self.authorities[start : start + min(rows, self.page_size)]
        items = "\n".join(
            f'<li class="search-result"><h3 class="search-result__title">'
            f'<a href="/provider/44/{a.urn}">{html.escape(a.name)}</a></h3>'
            f'<ul class="search-result__meta"><li>URN: {a.urn}</li>'
            f"<li>Local Authority Children's Services</li></ul></li>"
            for a in shown
        )
        more = start + len(shown) < len(self.authorities)
        pagination = (
            f'<ul class="pagination"><li class="next"><a href="/search?start={start + len(shown)}">'
            "Next</a></li></ul>"
            if more
            else '<ul class="pagination"></ul>'
        )
        return (
            "<!DOCTYPE html><html><head><title>Search - Ofsted</title></head><body>"
            '<nav><a href="/">Home</a></nav>'
            f'<p class="search-results-count">{len(self.authorities)} results</p>'
            f'<ul class="results-list">{items}</ul>{pagination}</body></html>'
        ).encode()

    def provider_page(self, authority: Authority) -> bytes:
        links = "\n".join(
            f'<li class="publication"><a class="publication-link" '
            f'href="{self.url}/v1/file/{d.file_id}">'
            f'<span class="icon" aria-hidden="true"></span>'
            f"{html.escape(d.link_text.split(',')[0])}"
            f'<span class="nonvisual">{html.escape(d.link_text)}</span></a></li>'
            for d in authority.docs
        )
        return (
            f"<!DOCTYPE html><html><head><title>{html.escape(authority.name)} - Ofsted</title>"
            f"</head><body><h1>{html.escape(authority.name)}</h1>"
            f'<p class="urn">URN: {authority.urn}</p>'
            f'<div class="publications"><ul class="publication-list">{links}</ul></div>'
            "</body></html>"
        ).encode()

    # -- serving ------------------------------------------------------------------------------

    def _handle(self, req: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(req.path)
        path = parts.path
        with self._lock:
            self.log.append((path, parts.query, {k.lower(): v for k, v in req.headers.items()}))
            queue = self.faults.get(path)
            fault = queue.pop(0) if queue else None
        body, ctype, etag = self._resource(path, parse_qs(parts.query))
        if body is None:
            self._send(req, 404, b"<html><body>Not found</body></html>", "text/html")
            return
        if fault:
            name, _, arg = fault.partition(":")
            if name in ("503", "429", "500"):
                headers = {"Retry-After": arg} if arg else {}
                self._send(req, int(name), b"<html><body>Busy</body></html>", "text/html", headers)
                return
            if name == "hang":
                time.sleep(float(arg))
            elif name in ("cut", "cut-nolength", "block"):
                self._cut(
                    req, body, ctype, with_length=name != "cut-nolength", block=name == "block"
                )
                return
        if etag and req.headers.get("If-None-Match") == etag:
            self._send(req, 304, b"", ctype, {"ETag": etag})
            return
        self._send(req, 200, body, ctype, {"ETag": etag} if etag else {})

    def _resource(self, path: str, query: dict[str, list[str]]) -> tuple[bytes | None, str, str]:
        if path == "/search":
            start = int(query.get("start", ["0"])[0])
            rows = int(query.get("rows", ["10"])[0])
            return self.listing(start, rows), "text/html; charset=utf-8", ""
        for a in self.authorities:
            if path == self.provider_path(a):
                return self.provider_page(a), "text/html; charset=utf-8", ""
            for d in a.docs:
                if path == self.file_path(d):
                    if d.html:
                        return NOT_FOUND_PAGE, "text/html; charset=utf-8", ""
                    etag = '"' + hashlib.sha256(d.data).hexdigest()[:16] + '"'
                    return d.data, "application/pdf", etag
        return None, "", ""

    @staticmethod
    def _send(
        req: BaseHTTPRequestHandler,
        code: int,
        body: bytes,
        ctype: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        req.send_response(code)
        req.send_header("Content-Type", ctype)
        if code != 304:
            req.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            req.send_header(key, value)
        req.end_headers()
        if code != 304:
            req.wfile.write(body)

    def _cut(
        self, req: BaseHTTPRequestHandler, body: bytes, ctype: str, with_length: bool, block: bool
    ) -> None:
        req.send_response(200)
        req.send_header("Content-Type", ctype)
        if with_length:
            req.send_header("Content-Length", str(len(body)))
        req.send_header("Connection", "close")
        req.end_headers()
        req.wfile.write(body[: len(body) // 2])
        req.wfile.flush()
        if block:
            self.blocked.set()
            self.release.wait(30)
        req.close_connection = True
        try:
            req.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def demo_site(root: str | None = None) -> FakeOfsted:
    """The five bundled samples under Salford and Trafford, with an HTML 'Report not found'
    and the faults of the tests: 503 then 200, 429 with Retry-After, a PDF cut half-way."""
    from pathlib import Path

    samples = Path(root or Path(__file__).resolve().parent.parent / "samples")

    def pdf(name: str) -> bytes:
        return (samples / name).read_bytes()

    site = FakeOfsted(
        [
            Authority(
                "80548",
                "Salford",
                [
                    Doc(
                        "50290001",
                        pdf("salford-2025.pdf"),
                        "Children's services focused visit, PDF - 13 November 2025",
                    ),
                    Doc(
                        "50240002",
                        pdf("salford-2023.pdf"),
                        "Children's services inspection, PDF - 12 January 2024",
                    ),
                    Doc(
                        "2765000",
                        pdf("salford-2015.pdf"),
                        "Children's services inspection, PDF - 12 August 2015",
                    ),
                    Doc(
                        "2000001",
                        b"",
                        "Children's services inspection, PDF - 01 June 2012",
                        html=True,
                    ),
                ],
            ),
            Authority(
                "80573",
                "Trafford",
                [
                    Doc(
                        "50210004",
                        pdf("trafford-2022.pdf"),
                        "Children's services inspection, PDF - 20 January 2023",
                    ),
                    Doc(
                        "50070005",
                        pdf("trafford-2019.pdf"),
                        "Children's services inspection, PDF - 18 March 2019",
                    ),
                ],
            ),
        ],
        page_size=1,
    )
    site.fault("/provider/44/80573", "503")
    site.fault("/v1/file/50240002", "429:1")
    site.fault("/v1/file/50210004", "cut")
    return site


if __name__ == "__main__":  # python tests/ofsted_server.py: serve the demo site until ^C
    with demo_site() as demo:
        print(f"serving on {demo.url} (^C to stop)", flush=True)
        try:
            demo.thread.join()
        except KeyboardInterrupt:
            pass
