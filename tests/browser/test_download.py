"""test_download.py: GET /api/doc/ID/content streams (issue 17 item 4): a
download through Chromium completes with the upload's bytes; a document
recalled mid-way, or isad stopped mid-way, ends the response short of its
Content-Length (never a whole-looking file), read slowly by http.client and
in Chromium alike (no completed file in the download directory); a missing
id and an off-list id answer identically; a refused read answers 403 with
the CLI's sentence.

isad serves 64 KiB chunks here, so a document of 8 MiB is 128 chunks
and isa ui's window (8 chunks) plus the socket buffers between it and the
reader hold well under the whole: what the reader has not taken when the
recall (or the stop) lands can only come from isad, which no longer gives
it.  To hold Chromium mid-way, its download goes through HoldingProxy,
which forwards the first bytes of the response and then waits for the test;
the proxy changes nothing but the Host header (to isa ui's own).
"""

import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import threading
import urllib.parse

from selenium.webdriver.common.by import By

import harness
import pages

CHUNK = 64 * 1024
FIRST = 512 * 1024        # read before the recall or the stop
# The reader's receive buffer: the kernel's would grow to tcp_rmem's most.
RCVBUF = 64 * 1024


def send_buffer_most():
    """The most the kernel lets isa ui's send buffer grow to (Debian: 4 MiB)."""
    try:
        with open("/proc/sys/net/ipv4/tcp_wmem", encoding="ascii") as f:
            return int(f.read().split()[2])
    except (OSError, ValueError, IndexError):
        return 4 << 20


# Past what isa ui can have sent ahead of the reader when the recall lands
# (FIRST, its send buffer, RCVBUF, its window of 8 chunks) by 2 MiB at least:
# 128 chunks on Debian.
SIZE = max(8 << 20, FIRST + send_buffer_most() + RCVBUF + 8 * CHUNK + (2 << 20))
MISSING = "AAAAAAAAAAAAAAAAAAAAAAAAAA"  # well formed, never issued


def open_content(ui, session, doc, rcvbuf=None):
    """GET /api/doc/DOC/content on ui with the session (harness.Session):
    (connection, response), the body unread; with rcvbuf, the socket's
    receive buffer is that small."""
    conn = http.client.HTTPConnection("127.0.0.1", ui.port, timeout=harness.READY_SECONDS)
    if rcvbuf is not None:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        s.settimeout(harness.READY_SECONDS)
        s.connect(("127.0.0.1", ui.port))
        conn.sock = s
    conn.request("GET", f"/api/doc/{doc}/content", headers=session.headers())
    return conn, conn.getresponse()


class HoldingProxy:
    """A one-way hold on a download: listens on a loopback port, passes
    each request to isa ui's port with the Host header made isa ui's, and
    passes the response back; on the first response to a path ending in
    /content (before its query) it stops after `hold` bytes (the held
    event is set) until release() is called, then passes the rest and
    closes as isa ui did."""

    def __init__(self, ui, hold):
        self.ui = ui
        self.hold = hold
        self.held = threading.Event()
        self._release = threading.Event()
        self._listen = socket.create_server(("127.0.0.1", 0))
        self.port = self._listen.getsockname()[1]
        self._holding = True
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def release(self):
        self._release.set()

    def close(self):
        self._release.set()
        self._listen.close()

    def _accept(self):
        while True:
            try:
                client, _ = self._listen.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client):
        up = None
        try:
            head = b""
            while b"\r\n\r\n" not in head:
                got = client.recv(65536)
                if not got:
                    return
                head += got
            head = re.sub(rb"(?im)^Host: [^\r\n]*", f"Host: {self.ui.host}".encode(), head, 1)
            held = self._holding and re.match(rb"GET \S*/content[ ?]", head) is not None
            if held:
                self._holding = False
            up = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            up.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF)
            up.connect(("127.0.0.1", self.ui.port))
            up.sendall(head)
            sent = 0
            while True:
                data = up.recv(65536)
                if not data:
                    break
                if held and sent < self.hold <= sent + len(data):
                    client.sendall(data)
                    sent += len(data)
                    self.held.set()
                    self._release.wait()
                    continue
                client.sendall(data)
                sent += len(data)
        except OSError:
            pass
        finally:
            if up is not None:
                up.close()
            client.close()


class DownloadTest(harness.BrowserTestCase):

    isad_conf = f"limits = {{ chunk = {CHUNK}; }};\n"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        dep = cls.deployment
        cls.content = os.urandom(SIZE)
        cls.doc = dep.put("board-admin", cls.content, "Large referral bundle")
        cls.info = json.loads(dep.isa("council-lead", "info", cls.doc, "--json").stdout)
        # One isa ui for the browser (logged in by it), one for http.client.
        cls.browser_ui = dep.ui("council-lead")
        pages.drawn(cls.browser, cls.browser_ui.url)
        cls.raw_ui = dep.ui("council-lead")
        cls.session = harness.http_login(cls.raw_ui)
        cls.into = cls.out / "downloads"

    def setUp(self):
        shutil.rmtree(self.into, ignore_errors=True)
        self.into.mkdir(parents=True)
        self.browser.driver.execute_cdp_cmd(
            "Browser.setDownloadBehavior",
            {"behavior": "allow", "downloadPath": str(self.into)})

    # -- helpers --

    def fresh_doc(self, title):
        """A new document of SIZE random bytes from the administrator: (id,
        content)."""
        content = os.urandom(SIZE)
        return self.deployment.put("board-admin", content, title), content

    def recall(self, doc):
        self.deployment.isa("board-admin", "recall", doc, "--reason",
                            "Sent to the wrong board")

    def downloads(self):
        """Chromium's downloads (chrome://downloads, in a tab of its own):
        a list of (state, file name, total bytes, reason text, URL).  The
        states are downloads.mojom's: 0 in progress, 2 complete."""
        d = self.browser.driver
        page = d.current_window_handle
        d.switch_to.new_window("tab")
        try:
            d.get("chrome://downloads")
            return d.execute_script(
                "const m = document.querySelector('downloads-manager');"
                "return (m && m.items_ || []).map(x =>"
                " [String(x.state), x.fileName, String(x.total), x.lastReasonText,"
                "  String(x.url && x.url.url || x.url)]);")
        finally:
            d.close()
            d.switch_to.window(page)

    def wait_download_over(self, url):
        """Waits until Chromium's download of url is no longer in progress:
        its (state, file name, total, reason text)."""
        over = pages.wait(self.browser.driver, lambda d: [
            x for x in self.downloads() if x[4] == url and x[0] != "0"],
            f"the download of {url} to end")
        self.assertEqual(len(over), 1, over)
        return over[0][:4]

    def read_cut(self, doc, content, act):
        """Reads DOC's content slowly over http.client: FIRST bytes, then
        act(), then the rest; asserts the response ends short of its
        Content-Length with the bytes so far the document's own."""
        conn, r = open_content(self.raw_ui, self.session, doc, rcvbuf=RCVBUF)
        try:
            self.assertEqual(r.status, 200)
            self.assertEqual(r.getheader("Content-Length"), str(SIZE))
            first = r.read(FIRST)
            self.assertEqual(first, content[:FIRST])
            act()
            with self.assertRaises(http.client.IncompleteRead) as cut:
                r.read()
            got = first + cut.exception.partial
            self.assertLess(len(got), SIZE, "a whole-looking file")
            self.assertEqual(got, content[:len(got)])
            print(f"  cut after {len(got)} of {SIZE} bytes", flush=True)
            return len(got)
        finally:
            conn.close()

    def browser_cut(self, doc, act):
        """Chromium downloads DOC through a HoldingProxy: held after FIRST
        bytes, act(), released; asserts the download failed and left no
        completed file."""
        # The page's own link: its query carries the session's key.
        link = urllib.parse.urlsplit(
            pages.download_href(self.browser, self.browser_ui.base(f"/doc/{doc}")))
        self.assertEqual(link.path, f"/api/doc/{doc}/content")
        proxy = HoldingProxy(self.browser_ui, FIRST)
        try:
            url = proxy.url(f"{link.path}?{link.query}")
            self.browser.get(url)
            self.assertTrue(proxy.held.wait(harness.READY_SECONDS), "the download began")
            act()
            proxy.release()
            state, name, total, reason = self.wait_download_over(url)
        finally:
            proxy.close()
        self.assertNotEqual(state, "2", f"{name} completed")
        self.assertTrue(reason.startswith("Failed"), reason)
        self.assertEqual(int(total), SIZE)
        left = sorted(p.name for p in self.into.iterdir())
        self.assertNotIn(name, left, "a completed file")
        self.assertTrue(all(n.endswith(".crdownload") for n in left), left)
        print(f"  Chromium: {reason}; left: {left}", flush=True)
        return reason

    # -- tests --

    def test_browser_download_matches(self):
        d = self.browser.driver
        pages.drawn(self.browser, self.browser_ui.base(f"/doc/{self.doc}"))
        d.find_element(By.ID, "isa-download").click()
        done = self.into / self.info["filename"]
        pages.wait(d, lambda d: done.is_file() and not list(self.into.glob("*.crdownload")),
                   f"the download of {done.name}")
        got = done.read_bytes()
        self.assertEqual(len(got), SIZE)
        self.assertEqual(hashlib.sha256(got).hexdigest(), self.info["sha256"])
        self.assertEqual(got, self.content)

    def test_recalled_midway_raw(self):
        doc, content = self.fresh_doc("Recalled while read")
        self.read_cut(doc, content, lambda: self.recall(doc))

    def test_recalled_midway_browser(self):
        doc, _ = self.fresh_doc("Recalled while downloaded")
        self.browser_cut(doc, lambda: self.recall(doc))

    def test_isad_stopped_midway(self):
        isad = self.deployment.isad
        try:
            self.read_cut(self.doc, self.content, lambda: isad.send_signal(signal.SIGSTOP))
        finally:
            isad.send_signal(signal.SIGCONT)

    def test_isad_stopped_midway_browser(self):
        isad = self.deployment.isad
        try:
            self.browser_cut(self.doc, lambda: isad.send_signal(signal.SIGSTOP))
        finally:
            isad.send_signal(signal.SIGCONT)

    def test_missing_and_off_list_identical(self):
        commander = self.deployment.ui("district-commander")
        session = harness.http_login(commander)
        replies = []
        for doc in (self.doc, MISSING):
            conn, r = open_content(commander, session, doc)
            try:
                body = r.read()
                headers = sorted((k.lower(), v) for k, v in r.getheaders()
                                 if k.lower() != "date")
                replies.append((r.status, headers, body.replace(doc.encode(), b"ID")))
            finally:
                conn.close()
        self.assertEqual(replies[0], replies[1])
        self.assertEqual(replies[1][0], 404)
        self.assertEqual(json.loads(replies[1][2])["error"]["kind"], "notfound")

    def test_refused_read_says_why(self):
        cli = self.deployment.isa("uni-contact", "get", self.doc, "-o",
                                  str(self.deployment.dir / "uni-copy"), check=False)
        self.assertEqual(cli.returncode, 4, cli.stderr)
        sentence = cli.stderr.strip().splitlines()[-1]
        self.assertTrue(sentence.startswith("isa: denied: "), sentence)
        uni = self.deployment.ui("uni-contact")
        conn, r = open_content(uni, harness.http_login(uni), self.doc)
        try:
            body = r.read()
        finally:
            conn.close()
        self.assertEqual(r.status, 403)
        self.assertIsNone(r.getheader("Content-Disposition"))
        self.assertEqual(json.loads(body)["error"], {
            "kind": "denied", "message": sentence[len("isa: "):], "exit": 4})


if __name__ == "__main__":
    harness.main()
