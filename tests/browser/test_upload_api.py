"""test_upload_api.py: POST /api/upload (issue 18 item 1) through http.client
against a real `isa ui`, no browser: the file's bytes streamed to isad, its
description in X-ISA-Meta. An upload is stored as `isa put` stores it; every
marking DESIGN §5 forbids, forced through the API, is refused with exactly
the sentence and exit code `isa put` gives for the same options, and stores
nothing; a request without its size or with a bad description is 400 "bad";
CSRF and Origin are checked before any byte is taken; a connection cut
mid-body stores nothing and frees isad's transfer; a refusal is answered
after the body, not with a reset; isad answering that it cannot record
(UNAVAILABLE) is kind "unavailable", not "unreachable"; an upload whose end
went out with no answer is kind "unconfirmed" (it may be stored), not
"interrupted".
"""

import http.client
import json
import os
import re
import signal
import socket
import threading
import time
import unittest
import urllib.parse
from pathlib import Path

import harness

# One transfer per user at a time: a transfer left open would hold the
# next upload back, so an upload that goes through proves the last freed.
ISAD_CONF = "limits = { transfers_per_user = 1; };\n"
ADMIN = "board-admin"
# Longer than isa ui's bound on a silent connection (UI_IDLE_S, 15 s).
STALL_SECONDS = 18


def meta_header(meta):
    """X-ISA-Meta as the page sends it: encodeURIComponent(JSON.stringify(M))."""
    return urllib.parse.quote(json.dumps(meta, ensure_ascii=False), safe="-_.!~*'()")


class Client:
    """One user's `isa ui` and session, with the CSRF token."""

    def __init__(self, ui):
        self.ui = ui
        self.session = harness.http_login(ui)
        status, body = self.request("GET", "/api/session")
        assert status == 200, body
        self.csrf = body["csrf"]

    def headers(self, **more):
        h = self.session.headers(Origin=self.ui.origin, X_CSRF_Token=self.csrf)
        h.update(more)
        return {k: v for k, v in h.items() if v is not None}

    def request(self, method, path, body=None, headers=None, **kw):
        """(status, parsed JSON body) of one request on a fresh connection."""
        conn = http.client.HTTPConnection("127.0.0.1", self.ui.port,
                                          timeout=harness.READY_SECONDS)
        try:
            conn.request(method, path, body=body,
                         headers=headers if headers is not None else self.session.headers(), **kw)
            r = conn.getresponse()
            raw = r.read()
            return r.status, json.loads(raw) if raw else None
        finally:
            conn.close()

    def upload(self, content, meta, **more):
        """POST /api/upload of content (bytes) with meta (a dict, or a str
        sent as the header verbatim): (status, JSON)."""
        h = self.headers(**{"Content-Type": "application/octet-stream",
                            "X-ISA-Meta": meta if isinstance(meta, str) else meta_header(meta)})
        h.update(more)
        h = {k: v for k, v in h.items() if v is not None}
        return self.request("POST", "/api/upload", body=content, headers=h)


def cli_args(meta):
    """isa put's options for an X-ISA-Meta dict."""
    args = ["--title", meta["title"], "--class", meta["class"]]
    for key, opt in (("to", "--to"), ("caveats", "--caveat"), ("descriptors", "--descriptor")):
        for v in meta.get(key, []):
            args += [opt, v]
    for key in ("handling", "originator", "onward", "review_by", "destroy_after",
                "embargo_until", "derived_from", "supersedes"):
        if key in meta:
            args += ["--" + key.replace("_", "-"), meta[key]]
    return args


class UploadApiTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.out = harness.out_dir("test_upload_api")
        cls.deployment = harness.Deployment(cls.out, isad_conf=ISAD_CONF)
        # Test builds' knobs, each acting only while its file exists:
        # isad's commits fail; isa (ui) stops itself before an upload's end.
        cls.fault = cls.deployment.dir / "commit-fault"
        cls.end_stop = cls.deployment.dir / "put-end-stop"
        os.environ["ISAD_TEST_COMMIT_FAULT"] = str(cls.fault)
        os.environ["ISA_TEST_PUT_END_STOP"] = str(cls.end_stop)
        cls.deployment.start()
        # isa ui waits for isad as long as the stall below (the CLI too).
        conf = Path(cls.deployment.conf(ADMIN))
        conf.write_text(conf.read_text().replace("timeout_ms = 5000;", "timeout_ms = 60000;"))
        cls.admin = Client(cls.deployment.ui(ADMIN))
        cls.n = 0

    @classmethod
    def tearDownClass(cls):
        cls.deployment.stop()

    def ls(self, user=ADMIN):
        """`isa ls --json` of user: {id: marking}."""
        out = self.deployment.isa(user, "ls", "--json").stdout
        return {d["id"]: d["marking"] for d in map(json.loads, out.splitlines())}

    def cli_put(self, content, meta, user=ADMIN):
        """`isa put` with meta's options: the CompletedProcess."""
        self.n += 1
        path = self.deployment.dir / f"api-upload-{self.n}"
        path.write_bytes(content)
        return self.deployment.isa(user, "put", str(path), *cli_args(meta), check=False)

    def assertRefusedAsCli(self, client, meta, status, kind, user=ADMIN):
        """The API refuses meta with the sentence and exit code isa put gives
        (its first line on stderr, after "isa: "), and nothing is stored."""
        before = self.ls(user)
        got_status, got = client.upload(b"refused content\n" * 64, meta)
        cli = self.cli_put(b"refused content\n" * 64, meta, user)
        self.assertNotEqual(cli.returncode, 0, cli.stdout)
        line = cli.stderr.splitlines()[0]
        self.assertTrue(line.startswith("isa: "), line)
        self.assertEqual((got_status, got["error"]["kind"]), (status, kind), got)
        self.assertEqual(got["error"]["message"], line[len("isa: "):])
        self.assertEqual(got["error"]["exit"], cli.returncode)
        self.assertEqual(self.ls(user), before)
        return got["error"]["message"]

    def test_upload_stored_as_put_stores_it(self):
        content = bytes(range(256)) * 4099 + b"tail"
        meta = {"title": "Café briefing – ü", "class": "OFFICIAL-SENSITIVE",
                "to": ["group:ppb", "user:police-lead"], "descriptors": ["PERSONAL"],
                "handling": "Board members only", "originator": "ctpse",
                "onward": "approval", "review_by": "2027-01-31", "filename": "dir/brief.pdf"}
        status, got = self.admin.upload(content, meta)
        self.assertEqual(status, 200, got)
        self.assertEqual(set(got), {"id", "marking", "size"})
        self.assertEqual(got["size"], len(content))
        self.assertEqual(got["marking"], "OFFICIAL-SENSITIVE PERSONAL RECIPIENTS ONLY")
        self.assertEqual(self.ls().get(got["id"]), got["marking"])
        info = json.loads(self.deployment.isa(ADMIN, "info", got["id"], "--json").stdout)
        for key, want in (("title", meta["title"]), ("originator", "ctpse"),
                          ("handling", meta["handling"]), ("review_by", "2027-01-31"),
                          ("filename", "brief.pdf"), ("size", len(content))):
            self.assertEqual(info[key], want, key)
        back = self.deployment.dir / "api-back"
        self.deployment.isa(ADMIN, "get", got["id"], "-o", str(back), "--force")
        self.assertEqual(back.read_bytes(), content)
        # An empty file too.
        status, got = self.admin.upload(b"", {"title": "empty", "class": "OFFICIAL",
                                              "to": ["agency:hcc"]})
        self.assertEqual((status, got["size"]), (200, 0), got)

    def test_invalid_markings_refused_as_the_cli(self):
        base = {"title": "marking", "to": ["group:ppb"]}
        cases = [
            # FOR PUBLIC RELEASE only on OFFICIAL...
            dict(base, **{"class": "OFFICIAL-SENSITIVE", "onward": "open"}),
            # ...and with no caveat.
            dict(base, **{"class": "OFFICIAL", "onward": "open", "caveats": ["PERSONAL-DATA"]}),
            # UK-EYES-ONLY only on SECRET.
            dict(base, **{"class": "OFFICIAL-SENSITIVE", "caveats": ["UK-EYES-ONLY"]}),
            # SECRET needs handling text.
            dict(base, **{"class": "SECRET"}),
            # Never TOP SECRET.
            dict(base, **{"class": "TOP SECRET", "handling": "x"}),
            # Words isad does not know.
            dict(base, **{"class": "OFFICIAL", "caveats": ["NOFORN"]}),
            dict(base, **{"class": "OFFICIAL", "onward": "anyone"}),
        ]
        said = set()
        for meta in cases:
            with self.subTest(meta=meta):
                said.add(self.assertRefusedAsCli(self.admin, meta, 400, "bad"))
        self.assertEqual(len(said), len(cases), said)   # each its own sentence

    def test_rule_6_refusals_as_the_cli(self):
        """What rule 6 refuses for who the uploader is, forced through the
        API: `all` on more than OFFICIAL, a caveat the uploader does not
        hold (6b), a class above the uploader's clearance (6b)."""
        base = {"title": "rule six", "handling": "x"}
        self.assertRefusedAsCli(self.admin, dict(
            base, **{"class": "OFFICIAL-SENSITIVE", "to": ["all"]}), 403, "denied")
        self.assertRefusedAsCli(self.admin, dict(
            base, **{"class": "OFFICIAL", "to": ["group:ppb"],
                     "caveats": ["PERSONAL-DATA"]}), 403, "denied")
        uni = Client(self.deployment.ui("uni-contact"))
        self.assertRefusedAsCli(uni, dict(
            base, **{"class": "OFFICIAL-SENSITIVE", "to": ["agency:uow"]}),
            403, "denied", user="uni-contact")

    def test_above_accreditation_refused_as_the_cli(self):
        """A deployment accredited to OFFICIAL-SENSITIVE: SECRET, with its
        handling, is above it."""
        board = {u[0]: u for u in harness.BOARD}
        (self.out / "accreditation").mkdir(exist_ok=True)
        d = harness.Deployment(self.out / "accreditation",
                               users=[board[u] for u in (ADMIN, "police-lead", "uni-contact")],
                               isad_conf='accreditation = "OFFICIAL-SENSITIVE";\n')
        try:
            d.start()
            saved, self.deployment = self.deployment, d
            try:
                msg = self.assertRefusedAsCli(
                    Client(d.ui(ADMIN)), {"title": "too high", "class": "SECRET",
                                          "handling": "x", "to": ["agency:hcc"]}, 400, "bad")
            finally:
                self.deployment = saved
            self.assertIn("accredited", msg)
        finally:
            d.stop()

    def test_description_checked_as_put_checks_options(self):
        ok = {"title": "t", "class": "OFFICIAL", "to": ["agency:hcc"]}
        before = self.ls()
        bad = [
            ("not JSON", "%7Bnot%20json", "is not a JSON object"),
            ("a list", meta_header(["title"]), "is not a JSON object"),
            ("no title", meta_header({"class": "OFFICIAL", "to": ["agency:hcc"]}),
             'has no "title"'),
            ("no to", meta_header({"title": "t", "class": "OFFICIAL", "to": []}), 'has no "to"'),
            ("unknown field", meta_header(dict(ok, caveat=["PERSONAL-DATA"])), '"caveat"'),
            ("to a string", meta_header(dict(ok, to="agency:hcc")), '"to" must be a list'),
            ("65 to", meta_header(dict(ok, to=["agency:hcc"] * 65)), "at most 64"),
            ("a number", meta_header(dict(ok, title=7)), '"title" must be a string'),
            ("duplicate key", urllib.parse.quote('{"title":"a","title":"b","class":"OFFICIAL",'
                                                 '"to":["agency:hcc"]}'), "is not a JSON object"),
        ]
        for name, header, words in bad:
            with self.subTest(name):
                status, got = self.admin.upload(b"x", header)
                self.assertEqual((status, got["error"]["kind"]), (400, "bad"), got)
                self.assertIn(words, got["error"]["message"])
        status, got = self.admin.upload(b"x", None)
        self.assertEqual((status, got["error"]["kind"]), (400, "bad"), got)
        self.assertIn("X-ISA-Meta", got["error"]["message"])
        # Dates: isa put's own sentences (it then prints its usage).
        for key in ("review_by", "destroy_after", "embargo_until"):
            meta = dict(ok, **{key: "2026-02-30" if key != "embargo_until"
                               else "2026-04-31T09:00:00Z"})
            with self.subTest(key):
                self.assertRefusedAsCli(self.admin, meta, 400, "bad")
        self.assertEqual(self.ls(), before)

    def test_size_required(self):
        """No Content-Length (a chunked body, or none at all): 400 bad,
        nothing stored; and the body must be the file's bytes."""
        meta = {"title": "chunked", "class": "OFFICIAL", "to": ["agency:hcc"]}
        before = self.ls()
        h = self.admin.headers(**{"Content-Type": "application/octet-stream",
                                  "X-ISA-Meta": meta_header(meta)})
        status, got = self.admin.request("POST", "/api/upload", body=iter([b"abc", b"def"]),
                                         headers=h, encode_chunked=True)
        self.assertEqual((status, got["error"]["kind"]), (400, "bad"), got)
        self.assertIn("Content-Length", got["error"]["message"])
        # No Content-Length and no body (http.client would send "0").
        head = (f"POST /api/upload HTTP/1.1\r\nHost: {self.admin.ui.host}\r\n"
                "Connection: close\r\n" +
                "".join(f"{k}: {v}\r\n" for k, v in h.items()) + "\r\n")
        with socket.create_connection(("127.0.0.1", self.admin.ui.port)) as s:
            s.sendall(head.encode())
            answer = b""
            while chunk := s.recv(65536):
                answer += chunk
        self.assertTrue(answer.startswith(b"HTTP/1.1 400 "), answer)
        self.assertIn(b'"kind":"bad"', answer)
        status, got = self.admin.upload(b"abc", meta, **{"Content-Type": "multipart/form-data"})
        self.assertEqual((status, got["error"]["kind"]), (400, "bad"), got)
        self.assertIn("application/octet-stream", got["error"]["message"])
        self.assertEqual(self.ls(), before)

    def test_csrf_and_origin(self):
        meta = {"title": "forged", "class": "OFFICIAL", "to": ["agency:hcc"]}
        before = self.ls()
        for name, more in (("no token", {"X-CSRF-Token": None}),
                           ("wrong token", {"X-CSRF-Token": "0" * 43}),
                           ("foreign origin", {"Origin": "http://evil.example"}),
                           ("no origin", {"Origin": None})):
            with self.subTest(name):
                status, got = self.admin.upload(b"forged\n", meta, **more)
                self.assertEqual((status, got["error"]["kind"]), (403, "csrf"), got)
        status, got = self.admin.upload(b"forged\n", meta, **{"X-ISA-Key": None})
        self.assertEqual((status, got["error"]["kind"]), (403, "session"), got)
        self.assertEqual(self.ls(), before)

    def ui_log_waits_for(self, ui, pattern):
        """Wait until ui's stderr log has a line matching pattern (its one
        line per failed upload comes once the transfer was ended)."""
        log = self.out / f"ui-{ui.user}-0.log"
        deadline = time.monotonic() + harness.READY_SECONDS
        while time.monotonic() < deadline:
            text = log.read_text(errors="replace")
            if re.search(pattern, text):
                return text
            time.sleep(0.02)    # the log has no readiness signal of its own
        self.fail(f"{log} never said {pattern!r}:\n{log.read_text(errors='replace')}")

    def test_cut_mid_body_stores_nothing(self):
        meta = {"title": "cut short", "class": "OFFICIAL", "to": ["agency:hcc"]}
        before = self.ls()
        size = 8 << 20
        head = (f"POST /api/upload HTTP/1.1\r\nHost: {self.admin.ui.host}\r\n"
                f"Content-Length: {size}\r\nContent-Type: application/octet-stream\r\n"
                f"X-ISA-Meta: {meta_header(meta)}\r\n" +
                "".join(f"{k}: {v}\r\n" for k, v in self.admin.headers().items()) + "\r\n")
        s = socket.create_connection(("127.0.0.1", self.admin.ui.port))
        s.sendall(head.encode() + b"\0" * (3 << 20))
        s.close()
        log = self.ui_log_waits_for(self.admin.ui, r"ui: an upload failed: the browser's "
                                    r"connection ended before the whole file came")
        self.assertNotIn("cut short", log)     # one line, and no title in it
        self.assertEqual(self.ls(), before)
        # isad was told (TransferEnd): its record says so...
        audit = self.deployment.isa("auditor", "audit", "--user", ADMIN, "--action", "put",
                                    "--decision", "error", "--json").stdout
        self.assertIn("abandoned", audit)
        # ...and with one transfer per user, the next upload goes at once.
        status, got = self.admin.upload(b"after the cut\n",
                                        dict(meta, title="after the cut"))
        self.assertEqual(status, 200, got)

    def test_isad_stalled_longer_than_the_idle_bound(self):
        """isad stops answering (back-pressure, or busy) for longer than isa
        ui's 15 s bound on a silent connection, while the browser, held
        back, sends nothing: the upload goes on when isad does, not cut
        off by the bound."""
        meta = {"title": "stalled", "class": "OFFICIAL", "to": ["agency:hcc"]}
        isad = self.deployment.isad.pid
        resume = threading.Timer(STALL_SECONDS, os.kill, (isad, signal.SIGCONT))

        def body():
            yield b"\2" * (24 << 20)
            os.kill(isad, signal.SIGSTOP)
            resume.start()
            for _ in range(24):
                yield b"\3" * (1 << 20)
        try:
            status, got = self.admin.upload(body(), meta, **{"Content-Length": str(48 << 20)})
        finally:
            resume.cancel()
            os.kill(isad, signal.SIGCONT)
        self.assertEqual((status, got.get("size")), (200, 48 << 20), got)

    def test_isad_restarted_mid_body(self):
        """isad stopped and started again mid-upload (issue 20): 503, kind
        "interrupted", the sentence `isa put` prints for it (exit 5), nothing
        stored; the same upload again is stored."""
        meta = {"title": "restarted", "class": "OFFICIAL", "to": ["agency:hcc"]}
        before = self.ls()

        def body():
            # Sent only once isa ui has taken most of it, so isad took the
            # begin and holds the upload when it goes.
            yield b"\4" * (24 << 20)
            self.deployment.restart_isad()
            for _ in range(24):
                yield b"\5" * (1 << 20)
        status, got = self.admin.upload(body(), meta, **{"Content-Length": str(48 << 20)})
        self.assertEqual((status, got["error"]["kind"], got["error"]["exit"]),
                         (503, "interrupted", 5), got)
        self.assertTrue(got["error"]["message"].startswith(
            "the upload was interrupted and nothing was stored: "), got)
        self.assertEqual(self.ls(), before)
        status, got = self.admin.upload(b"\4" * (1 << 20), meta)
        self.assertEqual(status, 200, got)

    def test_isad_cannot_record(self):
        """isad answers UNAVAILABLE (its commits fail, as on a full disk):
        503, kind "unavailable" (isad answered: not "unreachable"), isad's
        sentence and exit code as `isa put` prints them; nothing stored."""
        if not harness.test_build(self.deployment.isad_bin, "ISAD_TEST_COMMIT_FAULT"):
            self.skipTest("only a test build of isad reads ISAD_TEST_COMMIT_FAULT")
        meta = {"title": "unrecorded", "class": "OFFICIAL", "to": ["agency:hcc"]}
        before = self.ls()
        self.fault.write_text("")
        try:
            status, got = self.admin.upload(b"\6" * 4096, meta)
            cli = self.cli_put(b"\6" * 4096, meta)
        finally:
            self.fault.unlink()
        self.assertEqual((status, got["error"]["kind"], got["error"]["exit"]),
                         (503, "unavailable", 5), got)
        self.assertTrue(got["error"]["message"].startswith(
            "unavailable: isad could not record this"), got)
        self.assertEqual((cli.returncode, cli.stderr.splitlines()[0]),
                         (5, "isa: " + got["error"]["message"]))
        self.assertEqual(self.ls(), before)

    def test_end_sent_no_answer(self):
        """The upload's end went out and isad (stopped) never answered:
        503, kind "unconfirmed", exit 5, isa put's sentence ("may or may
        not be stored") without its terminal command; not "interrupted",
        which says nothing was stored."""
        if not harness.test_build(self.deployment.isa_bin, "ISA_TEST_PUT_END_STOP"):
            self.skipTest("only a test build of isa reads ISA_TEST_PUT_END_STOP")
        # Its own isa ui (it stops itself), waiting 5 s for isad.
        ui = self.deployment.ui("police-lead")
        client = Client(ui)
        meta = {"title": "unconfirmed", "class": "OFFICIAL", "to": ["agency:police"]}
        got = {}
        self.end_stop.write_text("")
        sender = threading.Thread(target=lambda: got.update(
            r=client.upload(b"\7" * (3 << 20), meta)))
        sender.start()
        try:
            # isa ui stops itself once every chunk is acknowledged, before
            # it sends the end: then isad is stopped, and isa ui let go.
            _, st = os.waitpid(ui.proc.pid, os.WUNTRACED)
            self.assertTrue(os.WIFSTOPPED(st), "isa ui ended before the upload's end")
            self.end_stop.unlink()
            os.kill(self.deployment.isad.pid, signal.SIGSTOP)
            try:
                os.kill(ui.proc.pid, signal.SIGCONT)
                sender.join(harness.READY_SECONDS)
            finally:
                os.kill(self.deployment.isad.pid, signal.SIGCONT)
        finally:
            if self.end_stop.exists():
                self.end_stop.unlink()
                os.kill(ui.proc.pid, signal.SIGCONT)
            sender.join(harness.READY_SECONDS)
        status, body = got["r"]
        self.assertEqual((status, body["error"]["kind"], body["error"]["exit"]),
                         (503, "unconfirmed", 5), body)
        self.assertTrue(body["error"]["message"].startswith(
            "isad did not confirm the upload, so it may or may not be stored: "), body)
        self.assertNotIn("isa ls", body["error"]["message"])

    def test_refusal_answered_after_the_body(self):
        """A refusal at PutBegin: the whole body is read (and dropped), then
        the answer; the connection is not reset under the sender."""
        meta = {"title": "refused", "class": "TOP SECRET", "handling": "x",
                "to": ["agency:hcc"]}
        before = self.ls()
        conn = http.client.HTTPConnection("127.0.0.1", self.admin.ui.port,
                                          timeout=harness.READY_SECONDS)
        try:
            h = self.admin.headers(**{"Content-Type": "application/octet-stream",
                                      "X-ISA-Meta": meta_header(meta)})
            conn.request("POST", "/api/upload", body=b"\1" * (16 << 20), headers=h)
            r = conn.getresponse()
            got = json.loads(r.read())
        finally:
            conn.close()
        self.assertEqual((r.status, got["error"]["kind"]), (400, "bad"), got)
        self.assertIn("accredited", got["error"]["message"])
        self.assertEqual(self.ls(), before)


if __name__ == "__main__":
    harness.main()
