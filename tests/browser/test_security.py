"""test_security.py: isa ui trusts no request without its session and CSRF
token (DESIGN §13): the one-time token, the Host check against DNS
rebinding, same-origin POSTs, the headers on every response, nothing loaded
from elsewhere, a session useless on another user's port, loopback only.

Raw requests go through http.client (the Host and Origin a browser would
never let a page forge); the page loads through headless Chromium.
"""

import html
import http.client
import http.server
import json
import os
import re
import secrets
import shutil
import signal
import socket
import threading
import time
import urllib.parse

from selenium.webdriver.common.by import By

import harness
import pages

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
    """Spends ui's token: its harness.Session (cookie name, sid, key)."""
    return harness.http_login(ui)


class SecurityTest(harness.BrowserTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A document council-lead may read: what /content answers with.
        cls.content = b"Prevent board: security test note\n"
        cls.doc = cls.deployment.put("board-admin", cls.content, "Security test note",
                                     cls="OFFICIAL", to="agency:hcc")

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
        self.assertRegex(r.header("location"), harness.LOGIN_LOCATION)
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
        s = login(ui)
        bad = {"Cookie": f"{s.name}={secrets.token_hex(32)}", "X-ISA-Key": s.key}
        for path in ("/inbox", "/documents", "/whoami", "/doc/x", "/"):
            self.assertSessionRefused(request(ui, "GET", path), path + " without a cookie")
            self.assertSessionRefused(request(ui, "GET", path, bad), path + " with a made-up one")
        for path in ("/api/session", "/api/whoami", "/api/docs", "/api/doc/x",
                     "/api/doc/x/content", "/api/inbox", "/api/directory"):
            self.assertSessionRefused(request(ui, "GET", path), path, api=True)
            self.assertSessionRefused(request(ui, "GET", path, {"X-ISA-Key": s.key}),
                                      path + " with the key alone", api=True)
            self.assertSessionRefused(request(ui, "GET", path, bad), path + " made-up", api=True)
        # The real cookie does open them (so the refusals above are not all
        # there is).
        self.assertEqual(request(ui, "GET", "/inbox", {"Cookie": s.cookie}).status, 200)
        self.assertEqual(request(ui, "GET", "/api/session", s.headers()).status, 200)

    # -- Host (DNS rebinding) ------------------------------------------------

    def test_foreign_host_refused(self):
        ui = self.fresh()
        good = login(ui).headers()
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
        s = login(ui)
        sid = s.sid
        cookie = s.headers()   # the cookie and the key: all but CSRF and Origin
        csrf = request(ui, "GET", "/api/session", cookie).json()["csrf"]
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
            r = request(ui, "POST", "/api/logout", {**cookie, **h}, body=b"")
            self.assertEqual(r.status, 403, h)
            self.assertHeaders(r, f"POST {h}")
            self.assertIn("error", r.json())
            # The session lives on: nothing was done.
            self.assertEqual(request(ui, "GET", "/api/session", cookie).status,
                             200, f"after POST {h}")
        # Without the session, the right token and Origin do nothing either.
        r = request(ui, "POST", "/api/logout", {"Origin": origin, "X-CSRF-Token": csrf,
                                                "X-ISA-Key": s.key}, body=b"")
        self.assertSessionRefused(r, "POST without the cookie", api=True)
        # Nor with the cookie but not the key.
        r = request(ui, "POST", "/api/logout", {"Cookie": s.cookie, "Origin": origin,
                                                "X-CSRF-Token": csrf}, body=b"")
        self.assertSessionRefused(r, "POST without the key", api=True)
        self.assertEqual(request(ui, "GET", "/api/session", cookie).status, 200)
        # A page route is no POST target.
        r = request(ui, "POST", "/inbox", {**cookie, "Origin": origin,
                                           "X-CSRF-Token": csrf}, body=b"")
        self.assertEqual(r.status, 405)
        self.assertHeaders(r, "POST /inbox")
        # The same POST from our own page is obeyed: the session ends.
        r = request(ui, "POST", "/api/logout", {**cookie, "Origin": origin,
                                                "X-CSRF-Token": csrf}, body=b"")
        self.assertEqual(r.status, 204)
        self.assertHeaders(r, "logout")
        self.assertSessionRefused(request(ui, "GET", "/api/session", cookie),
                                  "after logout", api=True)
        self.assertSessionRefused(request(ui, "GET", "/inbox", {"Cookie": s.cookie}),
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
        key = harness.LOGIN_LOCATION.match(r.header("location")).group(1)
        api = {**cookie, "X-ISA-Key": key}
        check("GET", "/", cookie, status=303)
        for page in ("/inbox", "/documents", "/whoami", "/doc/" + MISSING):
            check("GET", page, cookie, status=200)
        check("HEAD", "/inbox", cookie, status=200)
        check("GET", "/no/such/page", cookie, status=404)
        check("GET", ASSET, status=200)
        check("GET", "/assets/no-such-file.css", status=404)
        check("GET", "/assets/../page.html", status=None)
        r = check("GET", "/api/session", api, status=200)
        self.assertEqual(r.header("content-type"), "application/json")
        check("GET", "/api/whoami", api, status=200)
        check("GET", "/api/docs", api, status=200)
        check("GET", "/api/doc/" + MISSING, api, status=404)
        check("GET", "/api/doc/not-an-id", api, status=400)
        check("GET", "/api/no-such-call", api, status=404)
        check("GET", "/api/session", status=403)
        check("GET", "/api/session", cookie, status=403)     # no key
        check("HEAD", "/login?token=x", status=405)
        check("PUT", "/inbox", cookie, body=b"", status=405)
        check("GET", "/inbox", cookie, host="evil.example", status=421)
        check("POST", "/api/logout", cookie, body=b"", status=403)
        self.assertLessEqual({200, 303, 400, 403, 404, 405, 421}, set(seen))

    def test_oversized_requests_refused(self):
        # libmicrohttpd answers these itself, before isa ui sees them, with
        # its own fixed text and without the headers above: nothing of ours
        # is in them. What matters is that they are refused.
        ui = self.fresh()
        s = login(ui)
        name, sid = s.name, s.sid
        # Past the 128 KiB libmicrohttpd may hold for a connection (an
        # upload's description alone may take 64 KiB).
        for data in (b"GET /" + b"a" * 140000 + b" HTTP/1.1\r\nHost: " + ui.host.encode()
                     + b"\r\n\r\n",
                     b"GET /inbox HTTP/1.1\r\nHost: " + ui.host.encode() + b"\r\nCookie: "
                     + f"{name}={sid}".encode() + b"\r\nX-Big: " + b"b" * 140000 + b"\r\n\r\n"):
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
        pages.drawn(b, ui.url)
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
        sa, sb = login(a), login(b)
        self.assertNotEqual(sa.sid, sb.sid)
        self.assertNotEqual(sa.key, sb.key)
        for cookie in (sb.cookie, f"{sa.name}={sb.sid}", "isa_session=" + sb.sid):
            for path in ("/inbox", "/api/session", "/api/whoami"):
                self.assertSessionRefused(request(a, "GET", path, {"Cookie": cookie,
                                                                   "X-ISA-Key": sb.key}),
                                          f"{path} with {cookie.split('=')[0]} of police-lead",
                                          api=path.startswith("/api/"))
        # Each user's own cookie is each user's.
        me = request(a, "GET", "/api/session", sa.headers()).json()
        self.assertEqual(me["user"], "council-lead")
        me = request(b, "GET", "/api/session", sb.headers()).json()
        self.assertEqual(me["user"], "police-lead")

    # -- the second secret: the key in Location's fragment ----------------------
    # Browsers send a cookie to every port of 127.0.0.1, so another local
    # user's server on another port can catch it: the key, which only
    # isa ui's own page holds (Location's fragment never leaves the browser;
    # localStorage is per port), is what makes /api/ answer.

    def test_login_location_carries_key(self):
        a, b = self.fresh(), self.fresh()
        ra = request(a, "GET", "/login?token=" + a.token)
        self.assertEqual(ra.status, 303)
        m = harness.LOGIN_LOCATION.match(ra.header("location") or "")
        self.assertIsNotNone(m, ra.header("location"))
        key = m.group(1)
        sid = ra.header("set-cookie").split(";")[0].split("=", 1)[1]
        self.assertNotIn(key, ra.header("set-cookie"))
        self.assertNotEqual(key, sid)
        sa = harness.Session(ra.header("set-cookie").split("=", 1)[0], sid, key)
        csrf = request(a, "GET", "/api/session", sa.headers()).json()["csrf"]
        self.assertNotEqual(key, csrf)
        self.assertNotIn(key.encode(), ra.body)
        # Each session its own.
        self.assertNotEqual(login(b).key, key)

    def test_head_login_spends_nothing(self):
        ui = self.fresh()
        for _ in range(2):
            r = request(ui, "HEAD", "/login?token=" + ui.token)
            self.assertEqual(r.status, 405)
            self.assertHeaders(r, "HEAD /login")
            self.assertIsNone(r.header("set-cookie"))
            self.assertNotRegex(r.header("location") or "", "k=")
        # The token is still good (once).
        login(ui)
        self.assertSessionRefused(request(ui, "GET", "/login?token=" + ui.token),
                                  "the token after HEADs and a GET")

    def api_routes(self, doc):
        """Every /api/ route, as (method, path, extra headers): for logout
        the CSRF token and Origin it needs besides the session."""
        routes = [("GET", p, {}) for p in (
            "/api/session", "/api/whoami", "/api/docs", "/api/doc/" + doc,
            f"/api/doc/{doc}/content", "/api/inbox?after=0", "/api/directory")]
        return routes + [("POST", "/api/logout", {"Origin": None, "X-CSRF-Token": None})]

    def call(self, ui, s, method, path, extra, headers):
        """One API call on ui: extra's None values filled in for session s
        (Origin, X-CSRF-Token), then headers on top."""
        h = dict(extra)
        if "Origin" in h:
            h["Origin"] = ui.origin
        if "X-CSRF-Token" in h:
            h["X-CSRF-Token"] = s.csrf
        h.update(headers)
        return request(ui, method, path, h, body=b"" if method == "POST" else None)

    def with_csrf(self, ui, s):
        s.csrf = request(ui, "GET", "/api/session", s.headers()).json()["csrf"]
        return s

    def assertOpen(self, ui, s, what):
        """s still opens /api/ on ui (nothing above ended it)."""
        self.assertEqual(request(ui, "GET", "/api/session", s.headers()).status, 200, what)

    def assertAllOpen(self, ui, s, doc):
        """With the cookie and the key, every route answers (so what was
        refused was refused for what it lacked); logout last."""
        for method, path, extra in self.api_routes(doc):
            r = self.call(ui, s, method, path, extra, s.headers())
            self.assertIn(r.status, (200, 204), f"{method} {path}: {r.body[:200]!r}")
            if path.endswith("/content"):
                self.assertEqual(r.body, self.content)

    def test_cookie_alone_opens_no_api(self):
        ui, other, others = self.fresh(), self.fresh(), self.fresh("police-lead")
        s = self.with_csrf(ui, login(ui))
        k = s.key
        flipped = k[:-1] + ("0" if k[-1] != "0" else "1")
        keys = {
            "no key": None,
            "a made-up key": secrets.token_hex(32),
            "the key, its last digit changed": flipped,
            "the key, one digit short": k[:-1],
            "the key and one more digit": k + "0",
            "an empty key": "",
            "the session id as the key": s.sid,
            "the CSRF token as the key": s.csrf,
            "another ui's key (the same user)": login(other).key,
            "another user's ui's key": login(others).key,
        }
        for what, key in keys.items():
            h = {"Cookie": s.cookie}
            if key is not None:
                h["X-ISA-Key"] = key
            for method, path, extra in self.api_routes(self.doc):
                r = self.call(ui, s, method, path, extra, h)
                self.assertSessionRefused(r, f"{method} {path} with {what}", api=True)
                self.assertIsNone(r.header("content-disposition"), path)
        # The key in a cookie of its own is no key either.
        r = request(ui, "GET", "/api/docs", {"Cookie": f"{s.cookie}; isa_key={k}"})
        self.assertSessionRefused(r, "the key as a cookie", api=True)
        self.assertOpen(ui, s, "after the refusals")
        self.assertAllOpen(ui, s, self.doc)
        # No secret of the session in isa ui's log, after all that.
        ui.stop()
        log = open(ui._stderr.name, "rb").read()
        for name, secret in (("key", s.key), ("session id", s.sid), ("CSRF token", s.csrf),
                             ("login token", ui.token)):
            self.assertFalse(secret.encode() in log, f"the {name} in isa ui's log")

    def test_key_in_query_only_for_content(self):
        ui = self.fresh()
        s = self.with_csrf(ui, login(ui))
        cookie = {"Cookie": s.cookie}
        content = f"/api/doc/{self.doc}/content"
        r = request(ui, "GET", f"{content}?k={s.key}", cookie)
        self.assertEqual(r.status, 200, r.body[:200])
        self.assertEqual(r.body, self.content)
        self.assertTrue(r.header("content-disposition").startswith("attachment"))
        for what, path, h in (
                ("a wrong key", f"{content}?k={secrets.token_hex(32)}", cookie),
                ("an empty key", f"{content}?k=", cookie),
                ("the key, one digit short", f"{content}?k={s.key[:-1]}", cookie),
                ("the key under another name", f"{content}?key={s.key}", cookie),
                ("no cookie", f"{content}?k={s.key}", {}),
                ("another ui's cookie name", f"{content}?k={s.key}",
                 {"Cookie": f"isa_session={s.sid}"})):
            r = request(ui, "GET", path, h)
            self.assertSessionRefused(r, f"/content with {what}", api=True)
            self.assertIsNone(r.header("content-disposition"), what)
        for method, path, extra in self.api_routes(self.doc):
            if path.endswith("/content"):
                continue
            q = ("&" if "?" in path else "?") + "k=" + s.key
            r = self.call(ui, s, method, path + q, extra, cookie)
            self.assertSessionRefused(r, f"{method} {path} with the key in the query",
                                      api=True)
        self.assertOpen(ui, s, "after the refusals")

    def test_other_sites_fetch_refused(self):
        """What a page elsewhere (another port of 127.0.0.1 is another
        origin of the same site) makes the browser send carries
        Sec-Fetch-Site: same-site or cross-site; refused even with the
        cookie and the key. Our own page's (same-origin) and a typed
        address's (none) are answered."""
        ui = self.fresh()
        s = self.with_csrf(ui, login(ui))
        for site in ("same-site", "cross-site", "Same-Site", "bogus", ""):
            for method, path, extra in self.api_routes(self.doc):
                r = self.call(ui, s, method, path, extra, s.headers(Sec_Fetch_Site=site))
                self.assertSessionRefused(r, f"{method} {path}, Sec-Fetch-Site {site!r}",
                                          api=True)
                self.assertIsNone(r.header("content-disposition"), path)
            r = request(ui, "GET", f"/api/doc/{self.doc}/content?k={s.key}",
                        {"Cookie": s.cookie, "Sec-Fetch-Site": site})
            self.assertSessionRefused(r, f"/content?k= with Sec-Fetch-Site {site!r}", api=True)
        self.assertOpen(ui, s, "after the refusals")
        for site in ("same-origin", "none"):
            for method, path, extra in self.api_routes(self.doc):
                if method == "POST":
                    continue
                r = self.call(ui, s, method, path, extra, s.headers(Sec_Fetch_Site=site))
                self.assertEqual(r.status, 200, f"{path}, Sec-Fetch-Site {site}")
            r = request(ui, "GET", f"/api/doc/{self.doc}/content?k={s.key}",
                        {"Cookie": s.cookie, "Sec-Fetch-Site": site})
            self.assertEqual(r.body, self.content, f"/content?k=, Sec-Fetch-Site {site}")
        r = self.call(ui, s, "POST", "/api/logout", {"Origin": None, "X-CSRF-Token": None},
                      s.headers(Sec_Fetch_Site="same-origin"))
        self.assertEqual(r.status, 204)

    def test_page_on_another_port(self):
        """The attack, in Chromium: the user, logged in, visits a page that
        another local user serves on another port. That server does get
        the cookie (browsers ignore ports), but never the key; replayed,
        the cookie opens no /api/ route. And a link there to the content
        (with the key, as if it had leaked) is refused too: Chromium says
        the request comes from another origin of the same site."""
        ui = self.fresh()
        b = self.browser
        pages.drawn(b, ui.url)
        # The key is out of the address bar (and so of history, bookmarks
        # and a shared link), and in this origin's storage.
        self.assertEqual(b.driver.current_url, ui.base("/inbox"))
        stored = b.driver.execute_script("return localStorage.getItem('isa-key');")
        href = pages.download_href(b, ui.base(f"/doc/{self.doc}"))
        link = urllib.parse.urlsplit(href)
        key = urllib.parse.parse_qs(link.query)["k"][0]
        self.assertRegex(key, "^[0-9a-f]{64}$")
        self.assertEqual(stored, key)
        self.assertEqual(f"{link.scheme}://{link.netloc}{link.path}",
                         ui.base(f"/api/doc/{self.doc}/content"))
        into = self.out / "elsewhere-downloads"
        shutil.rmtree(into, ignore_errors=True)
        into.mkdir(parents=True)
        b.driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                                 {"behavior": "allow", "downloadPath": str(into)})
        page = ('<!DOCTYPE html><html lang="en"><head><title>Elsewhere</title></head>'
                f'<body><a id="go" href="{html.escape(href)}">go</a></body></html>')
        with OtherServer(page) as evil:
            b.get(evil.url)
            got = b"\r\n\r\n".join(evil.heads)
            cookie = re.search(rf"(?im)^Cookie: .*\b(isa_{ui.port}=[^;\r\n]+)", got.decode())
            self.assertIsNotNone(cookie, "the other port's server saw no cookie: "
                                 "the test no longer shows the attack")
            self.assertNotIn(key.encode(), got)
            stolen = {"Cookie": cookie.group(1)}
            for method, path, _ in self.api_routes(self.doc):
                h = {**stolen, "Origin": ui.origin} if method == "POST" else stolen
                r = request(ui, method, path, h, body=b"" if method == "POST" else None)
                self.assertSessionRefused(r, f"the replayed cookie: {method} {path}",
                                          api=True)
            # The link on that page: Chromium follows it with the cookie (the
            # same site) and the key (in the query), and isa ui says no.
            b.driver.find_element(By.ID, "go").click()
            pages.wait(b.driver, lambda d: d.current_url == href, "the link followed")
            body = pages.wait(b.driver, lambda d: d.find_element(By.TAG_NAME, "body").text,
                              "the answer shown")
        self.assertEqual(json.loads(body)["error"]["kind"], "session", body)
        self.assertEqual(list(into.iterdir()), [])
        b.shot("security-other-port")
        # The same link on isa ui's own page downloads (so the refusal was
        # for where the link was, nothing else).
        pages.drawn(b, ui.base(f"/doc/{self.doc}"))
        b.driver.find_element(By.ID, "isa-download").click()
        pages.wait(b.driver, lambda d: [p for p in into.iterdir()
                                        if not p.name.endswith(".crdownload")],
                   "the download from isa ui's own page")
        self.assertEqual([p.read_bytes() for p in into.iterdir()], [self.content])

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
        cookie = login(ui).headers()
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


class OtherServer:
    """Another local user's web server on another loopback port: serves
    one page at / and keeps the head of every request it is sent."""

    def __init__(self, page):
        heads = self.heads = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                heads.append((self.requestline + "\r\n" + str(self.headers)).encode())
                body = page.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()


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
