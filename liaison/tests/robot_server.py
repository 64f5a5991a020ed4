"""A local HTTP server that plays the 企业微信 and 钉钉 robot APIs and an SMS template gateway,
for the channel tests and the journey: it records every request and answers as told."""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

OK = {"errcode": 0, "errmsg": "ok"}
TOO_FAST = {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}


class FakeRobot:
    """``answers``: what to answer next, in order (then ``OK``); a number instead of an answer
    waits that many seconds first. Above ``per_minute`` requests a minute it answers as a
    robot that is sent too fast. ``tls``: a certificate and key file to answer over HTTPS with,
    as a real robot does."""

    def __init__(self, per_minute: int = 20, tls: tuple[str, str] | None = None):
        self.requests: list[dict] = []
        self.answers: deque = deque()
        self.per_minute = per_minute
        self.default = OK
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                parts = urlsplit(self.path)
                robot.requests.append(
                    {
                        "path": parts.path,
                        "query": {k: v[0] for k, v in parse_qs(parts.query).items()},
                        "json": json.loads(self.rfile.read(length) or b"{}"),
                        "at": time.monotonic(),
                    }
                )
                answer = robot.answers.popleft() if robot.answers else robot.default
                if isinstance(answer, int | float):
                    time.sleep(answer)
                    answer = OK
                recent = [r for r in robot.requests if r["at"] > time.monotonic() - 60]
                if len(recent) > robot.per_minute:
                    answer = TOO_FAST
                data = json.dumps(answer).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (its timeout)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        scheme = "http"
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
