"""The sandbox's HTTP server: the standard library's threaded server, HTTP/1.1 with keep-alive.

The sandbox needs nothing but the client, so it is served without a web framework: each request
is read whole (path, first value of each query parameter, body) and handed to a `Respond`
function, which answers with a `Reply` or None to drop the connection without an answer (the
"drop" fault). No access log: request URLs carry the UserSig.
"""
from __future__ import annotations

import logging
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, NamedTuple
from urllib.parse import parse_qsl, unquote, urlsplit

log = logging.getLogger("console.sandbox")

MAX_BODY = 32 * 1024 * 1024  # bytes; far above any documented request


class Request(NamedTuple):
    method: str
    path: str          # decoded, without the query
    query: dict        # name -> first value, as IM reads a repeated parameter
    body: bytes


class Reply(NamedTuple):
    status: int
    content_type: str
    body: bytes


Respond = Callable[[Request], "Reply | None"]


def first_values(query: str) -> dict:
    """A query string as name -> value, the first one of a repeated name."""
    out: dict = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        out.setdefault(name, value)
    return out


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive: clients reuse their connections
    wbufsize = 64 * 1024            # headers and body leave in one write (flushed per request)
    disable_nagle_algorithm = True  # ...and at once, not after the client's delayed ACK
    respond: Respond                # set per server, see `serve`

    def _serve(self) -> None:
        body = self._read_body()
        if body is None:
            return
        url = urlsplit(self.path)
        request = Request(self.command, unquote(url.path), first_values(url.query), body)
        try:
            reply = self.respond(request)
        except Exception:  # a sandbox bug outside the handlers: answer, keep serving
            log.exception("sandbox request %s %s failed", self.command, request.path)
            reply = Reply(500, "text/plain; charset=utf-8", b"internal error in the sandbox")
        if reply is None:
            self._drop()
        else:
            self._send(reply)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def _read_body(self) -> bytes | None:
        """The request body (Content-Length or chunked); None when it was refused."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True
            self._send(Reply(400 if length < 0 else 413, "text/plain", b"bad Content-Length"))
            return None
        return self.rfile.read(length)

    def _read_chunked(self) -> bytes | None:
        parts, size = [], 0
        while True:
            line = self.rfile.readline(1024)
            try:
                n = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                n = -1
            if n < 0 or size + n > MAX_BODY:
                self.close_connection = True
                self._send(Reply(400, "text/plain", b"bad chunked body"))
                return None
            if n == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(parts)
            parts.append(self.rfile.read(n))
            self.rfile.readline(1024)
            size += n

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def log_request(self, code="-", size="-") -> None:
        pass

    def log_message(self, format, *args) -> None:  # noqa: A002 - stdlib signature
        log.debug("sandbox server: " + format, *args)


class Server(ThreadingHTTPServer):
    daemon_threads = True  # a kept-alive connection must not hold up shutdown


def serve(host: str, port: int, respond: Respond) -> Server:
    """A bound server answering with `respond` (port 0: an ephemeral port); call
    `serve_forever` in a thread, then `shutdown` and `server_close`."""
    handler = type("SandboxHandler", (_Handler,), {"respond": staticmethod(respond)})
    return Server((host, port), handler)
