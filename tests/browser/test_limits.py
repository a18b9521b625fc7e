"""test_limits.py: isa ui's own bounds, each gone past (docs/ui.md, isa(1)):
a POST body past 64 KiB is refused (413 at its headers, nothing done);
a connection silent for 15 s is closed; past 256 connections at once, a new
one waits unanswered until one of them goes, and is served then.
"""

import json
import select
import socket

import harness

BODY_MAX = 64 * 1024
CONNECTIONS = 256


def answer(ui, data):
    """Send data on a new connection; the first bytes of the answer (b"" when
    the connection was closed without one)."""
    with socket.create_connection(("127.0.0.1", ui.port),
                                  timeout=harness.READY_SECONDS) as s:
        s.sendall(data)
        try:
            return s.recv(64)
        except ConnectionResetError:
            return b""


def get(ui, path, session=None):
    head = f"GET {path} HTTP/1.1\r\nHost: {ui.host}\r\nConnection: close\r\n"
    for k, v in (session.headers() if session else {}).items():
        head += f"{k}: {v}\r\n"
    return (head + "\r\n").encode()


class LimitsTest(harness.BrowserTestCase):

    def test_post_body_past_the_bound_is_cut_off(self):
        ui = self.deployment.ui("council-lead")
        sess = harness.http_login(ui)
        with socket.create_connection(("127.0.0.1", ui.port),
                                      timeout=harness.READY_SECONDS) as s:
            s.sendall(get(ui, "/api/session", sess))
            raw = b""
            while chunk := s.recv(65536):
                raw += chunk
        csrf = json.loads(raw.split(b"\r\n\r\n", 1)[1])["csrf"]
        body = b"x" * (BODY_MAX + 1)
        head = (f"POST /api/logout HTTP/1.1\r\nHost: {ui.host}\r\n"
                f"Origin: http://{ui.host}\r\nX-CSRF-Token: {csrf}\r\n"
                f"Cookie: {sess.cookie}\r\nX-ISA-Key: {sess.key}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
        # Refused at its headers, 413 (test_attack_ui: with the API's sentence).
        self.assertRegex(answer(ui, head + body), rb"^HTTP/1\.1 413 ")
        # Nothing was done: the session is still there.
        self.assertRegex(answer(ui, get(ui, "/api/whoami", sess)), rb"^HTTP/1\.1 200 ")

    def test_silent_connection_is_closed(self):
        ui = self.deployment.ui("council-lead")
        with socket.create_connection(("127.0.0.1", ui.port),
                                      timeout=harness.READY_SECONDS) as s:
            s.sendall(b"GET /inbox HTTP/1.1\r\n")  # and then nothing
            self.assertEqual(s.recv(64), b"")         # closed, not answered

    def test_connections_past_the_bound(self):
        """Past 256, a new connection waits in the queue, unanswered, until
        one of the 256 goes; then it is served."""
        ui = self.deployment.ui("council-lead")
        held = []
        try:
            for _ in range(CONNECTIONS):
                s = socket.create_connection(("127.0.0.1", ui.port),
                                             timeout=harness.READY_SECONDS)
                s.sendall(b"GET /inbox HTTP/1.1\r\n")  # held half-sent
                held.append(s)
            extra = socket.create_connection(("127.0.0.1", ui.port),
                                             timeout=harness.READY_SECONDS)
            extra.sendall(get(ui, "/assets/isa.css"))
            # Not taken in while the 256 are open (a second's look: a
            # limit that did not hold would answer at once).
            ready, _, _ = select.select([extra], [], [], 1.0)
            self.assertEqual(ready, [], "a 257th connection was served")
        finally:
            for s in held:
                s.close()
        # Once they are gone, the one that waited is served.
        with extra:
            self.assertRegex(extra.recv(64), rb"^HTTP/1\.1 200 ")


if __name__ == "__main__":
    harness.main()
