"""test_security.py: isa ui trusts no request without its session and CSRF
token (DESIGN §13): the one-time token, the Host check against DNS
rebinding, same-origin POSTs, the headers on every response, nothing loaded
from elsewhere, a session useless on another user's port, loopback only.

Raw requests go through http.client (the Host and Origin a browser would
never let a page forge); the page loads through headless Chromium.
"""

import http.client
import os
import json
import re
import secrets
import signal
import socket
import threading
import time
import unittest

import harness

# DESIGN §13: on every response.
HEADERS = {
    "content-security-policy": "default-src 'self'; frame-ancestors 'none'",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}

# An asset every build embeds: the pages' one HTML shell (ui/assets/page.html).
ASSET = "/assets/page.html"
# A well-formed document id (26 base32 characters) that names nothing.
MISSING = "ABCDEFGHIJKLMNOPQRSTUVWXYA"


class Reply:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers          # [(name lowercased, value)]
        self.body = body

    def header(self, name):
        """The value of header name (the last one if repeated), or None."""
        values = [v for k, v in self.headers if k == name.lower()]
        return values[-1] if values else None

    def json(self):
        return json.loads(self.body)


def request(ui, method, path, headers=None, host=None, body=None):
    """One raw request to ui's port; Host is the ui's own unless host is
    given (None: the right one; "" : none at all)."""
    conn = http.client.HTTPConnection("127.0.0.1", ui.port, timeout=harness.READY_SECONDS)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        if host != "":
            conn.putheader("Host", ui.host if host is None else host)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        r = conn.getresponse()
        return Reply(r.status, [(k.lower(), v) for k, v in r.getheaders()], r.read())
    finally:
        conn.close()


def login(ui):
    """Spends ui's token: (cookie name, session id)."""
    r = request(ui, "GET", "/login?token=" + ui.token)
    if r.status != 303:
        raise AssertionError(f"login: {r.status}")
    m = re.match(r"([A-Za-z0-9_]+)=([^;]+);", r.header("set-cookie") or "")
    if m is None:
        raise AssertionError(f"login: Set-Cookie {r.header('set-cookie')!r}")
    return m.group(1), m.group(2)


class SecurityTest(harness.BrowserTestCase):

    def fresh(self, user="council-lead"):
        """A new isa ui for user (its token unspent)."""
        return self.deployment.ui(user)

    def assertHeaders(self, r, what):
        for name, want in HEADERS.items():
            self.assertEqual(r.header(name), want, f"{what}: {name}")

    def assertSessionRefused(self, r, what, api=False):
        """403, with the session-expired page, or for the API its JSON."""
        self.assertEqual(r.status, 403, what)
        self.assertHeaders(r, what)
        if api:
            self.assertEqual(r.header("content-type"), "application/json", what)
            self.assertEqual(r.json()["error"]["kind"], "session", what)
        else:
            self.assertTrue(r.header("content-type").startswith("text/html"), what)

    # -- the one-time token --------------------------------------------------

    def test_no_or_wrong_token(self):
        ui = self.fresh()
        for path in ("/login", "/login?token=", "/login?token=" + secrets.token_urlsafe(32),
                     "/login?token=" + ui.token[:-1], "/login?token=" + ui.token + "x",
                     "/login?token=" + ui.token.upper(), "/login?tok=" + ui.token):
            r = request(ui, "GET", path)
            self.assertSessionRefused(r, path)
            self.assertIsNone(r.header("set-cookie"), path)
        # None of that spent it.
        login(ui)

    def test_token_is_spent_once(self):
        ui = self.fresh()
        r = request(ui, "GET", "/login?token=" + ui.token)
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("location"), "/inbox")
        cookie = r.header("set-cookie")
        for attr in ("HttpOnly", "SameSite=Strict", "Path=/"):
            self.assertIn(attr, [a.strip() for a in cookie.split(";")], cookie)
        r = request(ui, "GET", "/login?token=" + ui.token)
        self.assertSessionRefused(r, "a spent token")
        self.assertIsNone(r.header("set-cookie"))

    def test_another_uis_token(self):
        a, b = self.fresh("council-lead"), self.fresh("police-lead")
        self.assertSessionRefused(request(a, "GET", "/login?token=" + b.token),
                                  "police-lead's token on council-lead's port")
        # Still good on its own port.
        login(b)

    def test_no_session_no_page_no_api(self):
        ui = self.fresh()
        name, sid = login(ui)
        bad = {"Cookie": f"{name}={secrets.token_hex(32)}"}
        for path in ("/inbox", "/documents", "/whoami", "/doc/x", "/"):
            self.assertSessionRefused(request(ui, "GET", path), path + " without a cookie")
            self.assertSessionRefused(request(ui, "GET", path, bad), path + " with a made-up one")
        for path in ("/api/session", "/api/whoami", "/api/docs", "/api/doc/x",
                     "/api/doc/x/content", "/api/inbox", "/api/directory"):
            self.assertSessionRefused(request(ui, "GET", path), path, api=True)
            self.assertSessionRefused(request(ui, "GET", path, bad), path + " made-up", api=True)
        # The real cookie does open them (so the refusals above are not all
        # there is).
        good = {"Cookie": f"{name}={sid}"}
        self.assertEqual(request(ui, "GET", "/inbox", good).status, 200)
        self.assertEqual(request(ui, "GET", "/api/session", good).status, 200)

    # -- Host (DNS rebinding) ------------------------------------------------

    def test_foreign_host_refused(self):
        ui = self.fresh()
        name, sid = login(ui)
        good = {"Cookie": f"{name}={sid}"}
        other = ui.port + 1 if ui.port < 65535 else ui.port - 1
        for host in ("evil.example", f"evil.example:{ui.port}", "127.0.0.1",
                     f"127.0.0.1:{other}", f"localhost:{other}", f"127.0.0.2:{ui.port}",
                     f"[::1]:{ui.port}", f"0.0.0.0:{ui.port}", f"127.0.0.1:{ui.port}.evil.example",
                     f"LOCALHOST:{ui.port}x", ""):
            for path in ("/inbox", "/api/session", ASSET, "/login?token=x"):
                r = request(ui, "GET", path, good, host=host)
                self.assertEqual(r.status, 421, f"Host {host!r} {path}")
                self.assertHeaders(r, f"Host {host!r}")
        for host in (ui.host, f"localhost:{ui.port}"):
            self.assertEqual(request(ui, "GET", "/inbox", good, host=host).status, 200, host)

    # -- POSTs: CSRF token and Origin ----------------------------------------

    def test_cross_origin_post_refused(self):
        ui = self.fresh()
        name, sid = login(ui)
        cookie = f"{name}={sid}"
        csrf = request(ui, "GET", "/api/session", {"Cookie": cookie}).json()["csrf"]
        self.assertTrue(csrf)
        origin = ui.origin
        refused = [
            {},
            {"X-CSRF-Token": csrf},                                     # no Origin
            {"Origin": origin},                                         # no token
            {"Origin": "http://evil.example", "X-CSRF-Token": csrf},
            {"Origin": "null", "X-CSRF-Token": csrf},
            {"Origin": f"http://localhost:{ui.port + 1}", "X-CSRF-Token": csrf},
            {"Origin": origin + "/", "X-CSRF-Token": csrf},
            {"Origin": "https://" + ui.host, "X-CSRF-Token": csrf},
            {"Origin": origin, "X-CSRF-Token": csrf[:-1]},
            {"Origin": origin, "X-CSRF-Token": secrets.token_urlsafe(32)},
            {"Origin": origin, "X-CSRF-Token": sid},                    # the cookie is not it
            {"Origin": origin, "X-CSRF-Token": ""},
        ]
        for h in refused:
            r = request(ui, "POST", "/api/logout", {"Cookie": cookie, **h}, body=b"")
            self.assertEqual(r.status, 403, h)
            self.assertHeaders(r, f"POST {h}")
            self.assertIn("error", r.json())
            # The session lives on: nothing was done.
            self.assertEqual(request(ui, "GET", "/api/session", {"Cookie": cookie}).status,
                             200, f"after POST {h}")
        # Without the session, the right token and Origin do nothing either.
        r = request(ui, "POST", "/api/logout", {"Origin": origin, "X-CSRF-Token": csrf}, body=b"")
        self.assertSessionRefused(r, "POST without the cookie", api=True)
        # A page route is no POST target.
        r = request(ui, "POST", "/inbox", {"Cookie": cookie, "Origin": origin,
                                           "X-CSRF-Token": csrf}, body=b"")
        self.assertEqual(r.status, 405)
        self.assertHeaders(r, "POST /inbox")
        # The same POST from our own page is obeyed: the session ends.
        r = request(ui, "POST", "/api/logout", {"Cookie": cookie, "Origin": origin,
                                                "X-CSRF-Token": csrf}, body=b"")
        self.assertEqual(r.status, 204)
        self.assertHeaders(r, "logout")
        self.assertSessionRefused(request(ui, "GET", "/api/session", {"Cookie": cookie}),
                                  "after logout", api=True)
        self.assertSessionRefused(request(ui, "GET", "/inbox", {"Cookie": cookie}),
                                  "a page after logout")

    # -- headers on everything -----------------------------------------------

    def test_headers_on_every_response(self):
        ui = self.fresh()
        seen = []

        def check(method, path, headers=None, host=None, body=None, status=None):
            r = request(ui, method, path, headers, host, body)
            if status is not None:
                self.assertEqual(r.status, status, f"{method} {path}")
            self.assertHeaders(r, f"{method} {path} ({r.status})")
            seen.append(r.status)
            return r

        check("GET", "/login", status=403)
        r = check("GET", "/login?token=" + ui.token, status=303)
        cookie = {"Cookie": r.header("set-cookie").split(";")[0]}
        check("GET", "/", cookie, status=303)
        for page in ("/inbox", "/documents", "/whoami", "/doc/" + MISSING):
            check("GET", page, cookie, status=200)
        check("HEAD", "/inbox", cookie, status=200)
        check("GET", "/no/such/page", cookie, status=404)
        check("GET", ASSET, status=200)
        check("GET", "/assets/no-such-file.css", status=404)
        check("GET", "/assets/../page.html", status=None)
        r = check("GET", "/api/session", cookie, status=200)
        self.assertEqual(r.header("content-type"), "application/json")
        check("GET", "/api/whoami", cookie, status=200)
        check("GET", "/api/docs", cookie, status=200)
        check("GET", "/api/doc/" + MISSING, cookie, status=404)
        check("GET", "/api/doc/not-an-id", cookie, status=400)
        check("GET", "/api/no-such-call", cookie, status=404)
        check("GET", "/api/session", status=403)
        check("PUT", "/inbox", cookie, body=b"", status=405)
        check("GET", "/inbox", cookie, host="evil.example", status=421)
        check("POST", "/api/logout", cookie, body=b"", status=403)
        self.assertLessEqual({200, 303, 400, 403, 404, 405, 421}, set(seen))

    def test_oversized_requests_refused(self):
        # libmicrohttpd answers these itself, before isa ui sees them, with
        # its own fixed text and without the headers above: nothing of ours
        # is in them. What matters is that they are refused.
        ui = self.fresh()
        name, sid = login(ui)
        for data in (b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\nHost: " + ui.host.encode()
                     + b"\r\n\r\n",
                     b"GET /inbox HTTP/1.1\r\nHost: " + ui.host.encode() + b"\r\nCookie: "
                     + f"{name}={sid}".encode() + b"\r\nX-Big: " + b"b" * 70000 + b"\r\n\r\n"):
            with socket.create_connection(("127.0.0.1", ui.port),
                                          timeout=harness.READY_SECONDS) as s:
                s.sendall(data)
                s.shutdown(socket.SHUT_WR)
                head = s.recv(64)
            self.assertRegex(head, rb"^HTTP/1\.[01] 4[0-9][0-9] |^$")

    # -- the page in a browser ------------------------------------------------

    def test_page_loads_nothing_from_elsewhere(self):
        ui = self.fresh()
        b = self.browser
        b.mark()
        b.get(ui.url)
        self.assertEqual(b.driver.current_url, ui.base("/inbox"))
        for page in ("/documents", "/whoami", "/no/such/page"):
            b.get(ui.base(page))
        urls = b.requests()
        self.assertIn(ui.base("/inbox"), urls)
        for url in urls:
            self.assertTrue(url.startswith(ui.origin + "/"), f"the page fetched {url}")
        csp = [m["message"] for m in b.console() if "Content Security Policy" in m["message"]]
        self.assertEqual(csp, [], "the page tried what its CSP forbids")
        # The session cookie is HttpOnly: no script on the page reads it.
        self.assertEqual(b.driver.execute_script("return document.cookie"), "")
        b.shot("security-inbox")

    def test_spent_link_in_a_browser(self):
        ui = self.fresh()
        login(ui)
        self.browser.get(ui.url)
        self.assertEqual(self.browser.driver.current_url, ui.url)
        self.browser.shot("security-spent-token")

    # -- one user's session on another's port --------------------------------

    def test_second_users_cookie_useless(self):
        a, b = self.fresh("council-lead"), self.fresh("police-lead")
        a_name, a_sid = login(a)
        b_name, b_sid = login(b)
        self.assertNotEqual(a_sid, b_sid)
        for cookie in (f"{b_name}={b_sid}", f"{a_name}={b_sid}", "isa_session=" + b_sid):
            for path in ("/inbox", "/api/session", "/api/whoami"):
                self.assertSessionRefused(request(a, "GET", path, {"Cookie": cookie}),
                                          f"{path} with {cookie.split('=')[0]} of police-lead",
                                          api=path.startswith("/api/"))
        # Each user's own cookie is each user's.
        me = request(a, "GET", "/api/session", {"Cookie": f"{a_name}={a_sid}"}).json()
        self.assertEqual(me["user"], "council-lead")
        me = request(b, "GET", "/api/session", {"Cookie": f"{b_name}={b_sid}"}).json()
        self.assertEqual(me["user"], "police-lead")

    # -- loopback only, and a clean stop --------------------------------------

    def test_loopback_only(self):
        ui = self.fresh()
        port = f":{ui.port:04X}"
        listening = []
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            with open(table) as f:
                for line in f.readlines()[1:]:
                    local, state = line.split()[1], line.split()[3]
                    if local.endswith(port) and state == "0A":
                        listening.append((table, local))
        self.assertEqual(listening, [("/proc/net/tcp", "0100007F" + port)])
        # No option to bind elsewhere: --help names none, and each spelling
        # of one is refused as unknown.
        r = self.deployment.isa("council-lead", "ui", "--help")
        self.assertNotRegex(r.stdout + r.stderr, r"bind|listen|address|host|interface")
        for opt in ("--bind=0.0.0.0", "--listen=0.0.0.0", "--address=0.0.0.0",
                    "--host=0.0.0.0", "--interface=eth0"):
            r = self.deployment.isa("council-lead", "ui", "--no-browser", opt, check=False)
            self.assertEqual(r.returncode, 2, opt)
            self.assertEqual(r.stdout, "", opt)

    def test_clean_stop(self):
        for sig in (signal.SIGTERM, signal.SIGINT):
            ui = self.fresh()
            login(ui)
            ui.proc.send_signal(sig)
            self.assertEqual(ui.proc.wait(timeout=harness.STOP_SECONDS), 0, sig)
            ui.stop()
            with self.assertRaises(ConnectionRefusedError):
                socket.create_connection(("127.0.0.1", ui.port), timeout=5).close()

    def test_stop_ends_an_open_watch(self):
        """A stop does not wait out the inbox's watch (isad holds it 25 s,
        isa ui waits 30): the request in flight is given up at once, so
        isa ui is gone well before the watch could have ended (the bound
        below is a third of it: a deadline, not a measurement)."""
        ui = self.fresh()
        name, sid = login(ui)
        cookie = {"Cookie": f"{name}={sid}"}
        nxt = request(ui, "GET", "/api/inbox", headers=cookie).json()["next"]
        got = {}

        def watch():
            try:
                got["reply"] = request(ui, "GET", f"/api/inbox?after={nxt}&wait=1",
                                       headers=cookie)
            except (OSError, http.client.HTTPException) as e:
                got["cut"] = e

        t = threading.Thread(target=watch)
        t.start()
        # Readiness: isa ui holds a connection to isad for the watch.
        isad_port = int(self.deployment.endpoint.rsplit(":", 1)[1])
        wait_until(lambda: connected_to(ui.proc.pid, isad_port),
                   "isa ui connected to isad for the watch")
        ui.proc.send_signal(signal.SIGTERM)
        self.assertEqual(ui.proc.wait(timeout=10), 0)
        t.join(harness.STOP_SECONDS)
        self.assertFalse(t.is_alive(), "the watch's connection is still open")
        ui.stop()
        # libmicrohttpd shuts the connections in flight as it stops: the
        # page sees the connection end (and says isa ui cannot be reached).
        self.assertTrue("cut" in got or got["reply"].status >= 500, got)


def wait_until(pred, what, seconds=harness.READY_SECONDS):
    """Poll pred (a readiness check) until it holds, else fail naming what."""
    deadline = time.monotonic() + seconds
    while not pred():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {what}")
        time.sleep(0.02)


def connected_to(pid, port):
    """Whether process pid has an established TCP connection to port."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    want = f":{port:04X}"
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in f.readlines()[1:]:
                cols = line.split()
                if cols[2].endswith(want) and cols[3] == "01" and cols[9] in inodes:
                    return True
    return False


if __name__ == "__main__":
    harness.main()
