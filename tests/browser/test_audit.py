"""test_audit.py: the auditor's page (issue 18 item 4) in a browser, against
the CLI: a query by document and by user shows the records `isa audit
--json` gives for the same filters; the table pages through isad's pages
(and back); the CSV download parses to `isa audit --csv`'s rows and the JSON
lines download is `isa audit --json`'s lines; the checkpoint downloaded
proves, with `isa audit verify --since`, that the log only grew; the export
downloaded through Chromium holds `isa audit export`'s records and verifies
in the page (with the CLI's sentence, and with a kept checkpoint); an export
with one record edited, a wrong key and a file that is no key are refused in
the page with the CLI's sentences; a user who is not an auditor reads isad's
refusal word for word; the verification's API refuses a POST without the
CSRF token, a form without its files, a part twice, a part of another name,
a body that is not a form, and sizes past the CLI's; axe-core finds nothing
on the page, its verdicts and its errors. A record standing for several
requests (turned away while isad could not commit) shows its count and its
target in the page's table and in `isa audit`'s.

The tests run in name order (unittest's), and share one deployment.
"""

import csv
import datetime
import http.client
import io
import json
import os
import re
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

import harness
import pages

TITLE = "CTLP 2026 (audit test)"
# The multipart boundary of the raw verification requests.
BOUNDARY = "isa-test-" + secrets.token_hex(8)


def multipart(parts):
    """A multipart/form-data body of parts [(name, filename, bytes)]."""
    out = b""
    for name, filename, data in parts:
        out += (f"--{BOUNDARY}\r\nContent-Disposition: form-data; "
                f'name="{name}"; filename="{filename}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n").encode()
        out += data + b"\r\n"
    return out + f"--{BOUNDARY}--\r\n".encode()


class AuditTest(harness.BrowserTestCase):

    @classmethod
    def setUpClass(cls):
        # A test build's isad fails every commit while this file exists.
        cls.fault_dir = Path(tempfile.mkdtemp(prefix="isa-audit-fault-"))
        cls.fault = cls.fault_dir / "fault"
        os.environ["ISAD_TEST_COMMIT_FAULT"] = str(cls.fault)
        super().setUpClass()
        dep = cls.deployment
        # Some of the board's story on the record: an upload, a read, a
        # refused read, a miss.
        cls.doc = dep.put("board-admin", b"Counter Terrorism Local Profile\n",
                          TITLE, originator="ctpse")
        dep.isa("council-lead", "get", cls.doc, "-o", str(dep.dir / "read"))
        dep.isa("uni-contact", "get", cls.doc, "-o", str(dep.dir / "no"), check=False)
        dep.isa("council-lead", "info", "AAAAAAAAAAAAAAAAAAAAAAAAAA", check=False)
        # Three listings turned away while isad cannot commit: one record
        # with count 3 once it can again (before the next request's).
        cls.outage = harness.test_build(dep.isad_bin, "ISAD_TEST_COMMIT_FAULT")
        if cls.outage:
            cls.fault.write_text("")
            try:
                for _ in range(3):
                    r = dep.isa("uni-contact", "ls", check=False)
                    assert r.returncode == 5, r.stderr
            finally:
                cls.fault.unlink()
            dep.isa("uni-contact", "ls")
        cls.key = dep.dir / "data" / "audit.pub.pem"
        cls.ui = dep.ui("auditor")
        pages.drawn(cls.browser, cls.ui.url)
        cls.raw = dep.ui("auditor")
        cls.session = harness.http_login(cls.raw)
        cls.into = cls.out / "downloads"
        cls.files = cls.out / "files"
        shutil.rmtree(cls.files, ignore_errors=True)
        cls.files.mkdir(parents=True)
        cls.kept = None          # the checkpoint downloaded in test_f
        cls.exported = None      # the export downloaded in test_g

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.fault_dir, ignore_errors=True)

    def setUp(self):
        shutil.rmtree(self.into, ignore_errors=True)
        self.into.mkdir(parents=True)
        self.browser.driver.execute_cdp_cmd(
            "Browser.setDownloadBehavior",
            {"behavior": "allow", "downloadPath": str(self.into)})

    # -- helpers --

    def cli(self, *args, check=True, user="auditor"):
        return self.deployment.isa(user, *args, check=check)

    def cli_records(self, *filters):
        """`isa audit --json FILTERS`: the records, as dicts."""
        out = self.cli("audit", "--json", *filters).stdout
        return [json.loads(line) for line in out.splitlines()]

    def verify_cli(self, export, key=None, since=None):
        """`isa audit verify EXPORT --key KEY [--since CP]` (no client.conf
        needed): the CompletedProcess."""
        argv = [self.deployment.isa_bin, "audit", "verify", str(export),
                "--key", str(key or self.key)]
        if since is not None:
            argv += ["--since", str(since)]
        return subprocess.run(argv, capture_output=True, text=True,
                              timeout=harness.READY_SECONDS)

    def open_audit(self, query=""):
        pages.drawn(self.browser, self.ui.base("/audit" + query))

    def shown_seqs(self):
        return [int(tr.get_attribute("data-seq")) for tr in
                self.browser.driver.find_elements(By.CSS_SELECTOR,
                                                  "#isa-audit-table tbody tr")]

    def download(self, link_id, pattern):
        """Clicks the link link_id and waits for its file (name matching
        pattern) to be whole in the download directory: its path."""
        d = self.browser.driver
        d.find_element(By.ID, link_id).click()
        rx = re.compile(pattern)

        def done(_):
            names = [p.name for p in self.into.iterdir()]
            if any(n.endswith(".crdownload") for n in names):
                return None
            hits = [n for n in names if rx.fullmatch(n)]
            return hits[0] if hits else None
        return self.into / pages.wait(d, done, f"the download of {pattern}")

    def verify_in_page(self, export, key, checkpoint=None):
        """Opens the page, chooses the files in its form and presses Verify
        by keyboard: the verdict element once shown."""
        d = self.browser.driver
        self.open_audit()
        if export is not None:
            d.find_element(By.ID, "isa-v-export").send_keys(str(export))
        if key is not None:
            d.find_element(By.ID, "isa-v-key").send_keys(str(key))
        if checkpoint is not None:
            d.find_element(By.ID, "isa-v-checkpoint").send_keys(str(checkpoint))
        pages.press(d, d.find_element(By.ID, "isa-verify"))
        verdict = pages.wait(d, lambda d: d.find_elements(By.ID, "isa-verdict"),
                             "the verdict")[0]
        pages.wait(d, lambda d: d.find_element(By.ID, "isa-verify").is_enabled(),
                   "the Verify button back")
        self.assertEqual(d.switch_to.active_element, verdict, "the verdict takes focus")
        return verdict

    def tab_reach(self, max_steps=200):
        """pages.tab_reach, for a page with date inputs: Tab stops on each
        of a date's parts (day, month, year), so the same element comes
        again in a row; the round ends when the first comes back."""
        d = self.browser.driver
        names = d.execute_script(pages._ACTIONS)
        reached, unseen, last = set(), [], None
        keys = ActionChains(d)
        for _ in range(max_steps):
            keys.send_keys(Keys.TAB).perform()
            i, visible = d.execute_script(pages._FOCUSED)
            if i < 0 or i == last:
                continue
            if i in reached:
                break
            last = i
            reached.add(i)
            if not visible:
                unseen.append(names[i])
        return names, reached, unseen

    def post_verify(self, body, csrf=True, ctype=None):
        """POST /api/audit/verify on the raw ui: (status, JSON reply)."""
        s = self.session
        conn = http.client.HTTPConnection("127.0.0.1", self.raw.port,
                                          timeout=harness.READY_SECONDS)
        try:
            conn.request("GET", "/api/session", headers=s.headers())
            tok = json.loads(conn.getresponse().read())["csrf"]
            h = s.headers(Origin=self.raw.origin,
                          Content_Type=ctype or f"multipart/form-data; boundary={BOUNDARY}")
            if csrf:
                h["X-CSRF-Token"] = tok
            conn.request("POST", "/api/audit/verify", body=body, headers=h)
            r = conn.getresponse()
            return r.status, json.loads(r.read() or b"null")
        finally:
            conn.close()

    def api_get(self, ui, session, path):
        conn = http.client.HTTPConnection("127.0.0.1", ui.port,
                                          timeout=harness.READY_SECONDS)
        try:
            conn.request("GET", path, headers=session.headers())
            r = conn.getresponse()
            return r.status, r.getheader("Content-Disposition"), r.read()
        finally:
            conn.close()

    def export_cli(self, name):
        path = self.files / name
        self.cli("audit", "export", "-o", str(path), "--force")
        return path

    # -- the query --

    def test_a_query_by_document(self):
        self.open_audit(f"?doc={self.doc}")
        want = self.cli_records("--doc", self.doc)
        self.assertGreaterEqual(len(want), 3)   # put, get, refused get
        self.assertEqual(self.shown_seqs(), [r["seq"] for r in want])
        rows = self.browser.driver.find_elements(By.CSS_SELECTOR,
                                                 "#isa-audit-table tbody tr")
        for tr, r in zip(rows, want):
            cells = [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
            self.assertEqual(cells[3], r["action"])
            self.assertEqual(cells[4], self.doc)
            self.assertEqual(cells[7], r["decision"])
            self.assertIn(r["actor"], cells[1])
        # The actor by name, from the Directory.
        self.assertIn("Council Prevent Lead (council-lead)", pages.main_text(self.browser.driver))
        self.assertEqual(self.browser.driver.title, "Audit \u2013 isa: information sharing")
        self.assertNoViolations("the audit page, by document")
        self.browser.shot("audit-by-document")
        # Everything on it by keyboard, with a focus that can be seen.
        names, reached, unseen = self.tab_reach()
        self.assertEqual(sorted(set(range(len(names))) - reached), [],
                         f"Tab never reaches some of {names}")
        self.assertEqual(unseen, [], "focus not visible")

    def test_b_query_by_user_with_the_form(self):
        d = self.browser.driver
        self.open_audit()
        Select(d.find_element(By.ID, "isa-f-user")).select_by_value("council-lead")
        Select(d.find_element(By.ID, "isa-f-decision")).select_by_value("permit")
        pages.press(d, d.find_element(By.ID, "isa-audit-search"))
        pages.wait(d, lambda d: "user=council-lead" in d.current_url, "the search")
        pages.drawn(self.browser)
        want = self.cli_records("--user", "council-lead", "--decision", "permit")
        self.assertGreaterEqual(len(want), 1)
        self.assertLess(len(want), len(self.cli_records("--user", "council-lead")))
        self.assertEqual(self.shown_seqs(), [r["seq"] for r in want])
        # The form shows the filters it found with.
        self.assertEqual(Select(d.find_element(By.ID, "isa-f-user"))
                         .first_selected_option.get_attribute("value"), "council-lead")

    def test_b2_query_from_a_time_of_day(self):
        """From a date and a time (UTC), as `isa audit --since TIME`: the
        page's records are the CLI's for the same instant, and a minute
        after the user's last record finds none of theirs."""
        d = self.browser.driver
        mine = self.cli_records("--user", "council-lead")
        self.assertGreaterEqual(len(mine), 1)
        first = mine[0]["time"][:16]            # YYYY-MM-DDTHH:MM
        date, hm = first.split("T")
        self.open_audit(f"?user=council-lead&since={date}&since_time={hm}")
        want = self.cli_records("--user", "council-lead", "--since", f"{first}:00Z")
        self.assertEqual(self.shown_seqs(), [r["seq"] for r in want])
        self.assertEqual(d.find_element(By.ID, "isa-f-since-time").get_attribute("value"), hm)
        last = datetime.datetime.fromisoformat(mine[-1]["time"].replace("Z", "+00:00"))
        later = (last + datetime.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
        date, hm = later.split("T")
        self.open_audit(f"?user=council-lead&since={date}&since_time={hm}")
        self.assertEqual(self.shown_seqs(), [])
        self.assertEqual(d.find_elements(By.ID, "isa-verdict-message"), [])
        self.assertEqual(d.find_element(By.ID, "isa-audit-count").text,
                         "No records match these filters.")
        self.assertEqual(self.cli_records("--user", "council-lead", "--since",
                                          f"{later}:00Z"), [])

    def test_b3_count_and_target_of_an_outage(self):
        """The requests isad turned away while it could not commit are one
        record (decision error, count 3, target the time of the first):
        the page's Count and Target show them, and `isa audit`'s table
        says "error x3" with the target."""
        if not self.outage:
            self.skipTest("only a test build of isad reads ISAD_TEST_COMMIT_FAULT")
        want = [r for r in self.cli_records("--user", "uni-contact",
                                            "--decision", "error")
                if r.get("count") == 3]
        self.assertEqual(len(want), 1, want)
        r = want[0]
        self.open_audit("?user=uni-contact&decision=error")
        tr = self.browser.driver.find_element(
            By.CSS_SELECTOR, f"#isa-audit-table tbody tr[data-seq='{r['seq']}']")
        cells = [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
        heads = [th.text for th in self.browser.driver.find_elements(
            By.CSS_SELECTOR, "#isa-audit-table thead th")]
        row = dict(zip(heads, cells))
        self.assertEqual((row["Action"], row["Target"], row["Decision"],
                          row["Count"], row["Reason"]),
                         ("ls", r["target"], "error", "3", r["reason"]), row)
        # A record for one request has an empty Count.
        self.open_audit(f"?doc={self.doc}")
        counts = [td.text for td in self.browser.driver.find_elements(
            By.CSS_SELECTOR, "#isa-audit-table tbody td:nth-child(9)")]
        self.assertTrue(counts and all(c == "" for c in counts), counts)
        text = self.cli("audit", "--user", "uni-contact", "--decision", "error").stdout
        line = next(l for l in text.splitlines() if l.startswith(f"{r['seq']} "))
        self.assertIn(f" {r['target']} error x3 ", line)
        self.assertIn(" TARGET ", text.splitlines()[0])

    def test_c_pages_through_isads_pages(self):
        d = self.browser.driver
        self.open_audit("?limit=5")
        first15 = [r["seq"] for r in self.cli_records()][:15]
        self.assertEqual(self.shown_seqs(), first15[0:5])
        self.assertEqual(d.find_elements(By.ID, "isa-audit-prev"), [])
        for n in (1, 2):
            d.find_element(By.ID, "isa-audit-next").click()
            pages.drawn(self.browser)
            self.assertEqual(self.shown_seqs(), first15[5 * n:5 * n + 5])
            count = d.find_element(By.ID, "isa-audit-count")
            self.assertIn(f"Page {n + 1}:", count.text)
            self.assertEqual(d.switch_to.active_element, count, "the new page's records")
        self.browser.shot("audit-page-3")
        for n in (1, 0):
            d.find_element(By.ID, "isa-audit-prev").click()
            pages.drawn(self.browser)
            self.assertEqual(self.shown_seqs(), first15[5 * n:5 * n + 5])
        self.assertEqual(d.find_elements(By.ID, "isa-audit-prev"), [])
        self.assertIn("limit=5", d.current_url)   # kept in the address

    def test_d_bad_date_is_the_clis_sentence(self):
        self.open_audit("?since=2026-02-30")
        r = self.cli("audit", "--since", "2026-02-30", check=False)
        self.assertEqual(r.returncode, 2)
        sentence = r.stderr.splitlines()[0][len("isa: "):]
        self.assertEqual(self.browser.driver.find_element(By.ID, "isa-verdict-message").text,
                         sentence)
        self.assertNoViolations("the audit page with a bad date")

    # -- the downloads --

    def test_e_csv_and_json_lines_downloads(self):
        self.open_audit("?user=council-lead")
        got = self.download("isa-audit-csv", r"isa-audit-\d{4}-\d{2}-\d{2}\.csv")
        want = self.cli("audit", "--csv", "--user", "council-lead").stdout
        rows = list(csv.reader(io.StringIO(got.read_text(encoding="utf-8"), newline="")))
        self.assertEqual(rows, list(csv.reader(io.StringIO(want, newline=""))))
        self.assertGreater(len(rows), 2)
        self.assertEqual(rows[0][:3], ["seq", "time", "actor"])

        got = self.download("isa-audit-jsonl", r"isa-audit-\d{4}-\d{2}-\d{2}\.jsonl")
        want = self.cli("audit", "--json", "--user", "council-lead").stdout
        self.assertEqual(got.read_text(encoding="utf-8"), want)

    def test_f_checkpoint_to_keep(self):
        self.open_audit()
        got = self.download("isa-audit-checkpoint",
                            r"isa-audit-checkpoint-\d{4}-\d{2}-\d{2}\.txt")
        note = got.read_text(encoding="utf-8")
        self.assertTrue(note.startswith("browser.test.example.org/isa\n"), note)
        size = int(note.splitlines()[1])
        AuditTest.kept = self.files / "kept-checkpoint.txt"
        shutil.copy(got, AuditTest.kept)
        later = self.export_cli("later.jsonl")
        r = self.verify_cli(later, since=AuditTest.kept)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"the log only grew since your checkpoint of {size} records", r.stdout)

    def test_g_export_downloaded_and_verified_in_the_page(self):
        self.open_audit()
        got = self.download("isa-audit-export",
                            r"isa-audit-export-\d{4}-\d{2}-\d{2}\.jsonl")
        AuditTest.exported = self.files / "export.jsonl"
        shutil.copy(got, AuditTest.exported)
        ours = got.read_bytes().splitlines(keepends=True)
        theirs = self.export_cli("cli.jsonl").read_bytes().splitlines(keepends=True)
        self.assertTrue(ours[0].startswith(b'{"format":"isa-audit-export/2","checkpoint":'))
        self.assertGreater(len(theirs), len(ours))        # the log grew since
        self.assertEqual(ours[1:], theirs[1:len(ours)])    # the same records, byte for byte
        cli = self.verify_cli(AuditTest.exported)
        self.assertEqual(cli.returncode, 0, cli.stderr)

        verdict = self.verify_in_page(AuditTest.exported, self.key)
        self.assertIn("govuk-panel--confirmation", verdict.get_attribute("class"))
        d = self.browser.driver
        self.assertEqual(d.find_element(By.ID, "isa-verdict-message").text,
                         cli.stdout.strip())
        self.assertNoViolations("the audit page, export verified")
        self.browser.shot("audit-verified")

        if AuditTest.kept is not None:
            cli = self.verify_cli(AuditTest.exported, since=AuditTest.kept)
            self.assertEqual(cli.returncode, 0, cli.stderr)
            self.verify_in_page(AuditTest.exported, self.key, AuditTest.kept)
            self.assertEqual(d.find_element(By.ID, "isa-verdict-message").text,
                             cli.stdout.strip())
            self.assertIn("the log only grew since", cli.stdout)

    def need_export(self):
        if AuditTest.exported is None:
            self.skipTest("the export download failed in test_g")
        return AuditTest.exported

    def test_h_edited_export_refused_naming_the_record(self):
        lines = self.need_export().read_text(encoding="utf-8").splitlines(keepends=True)
        # Record 3's decided field changed, its leaf left as it was.
        rec = json.loads(lines[4])
        self.assertEqual(rec["seq"], 3)
        lines[4] = lines[4].replace(f'"actor":"{rec["actor"]}"', '"actor":"someone-else"', 1)
        self.assertNotEqual(json.loads(lines[4])["actor"], rec["actor"])
        edited = self.files / "edited.jsonl"
        edited.write_text("".join(lines), encoding="utf-8")
        cli = self.verify_cli(edited)
        self.assertEqual(cli.returncode, 6)
        sentence = cli.stderr.strip()[len("isa: "):]
        self.assertTrue(sentence.startswith("verification failed: record 3"), sentence)

        verdict = self.verify_in_page(edited, self.key)
        self.assertIn("govuk-error-summary", verdict.get_attribute("class"))
        self.assertEqual(self.browser.driver.find_element(By.ID, "isa-verdict-message").text,
                         sentence)
        self.assertNoViolations("the audit page, an edited export refused")
        self.browser.shot("audit-edited-refused")

    def test_i_wrong_key_and_no_key(self):
        export = self.need_export()
        # Another deployment's audit key: `isad init` in a directory of
        # its own.
        elsewhere = self.files / "elsewhere"
        elsewhere.mkdir(exist_ok=True)
        (elsewhere / "isad.conf").write_text(
            'listen = "tcp://127.0.0.1:*";\ndata_dir = "data";\n'
            'policy = "policy.conf";\norigin = "elsewhere.example.org/isa";\n')
        subprocess.run([self.deployment.isad_bin, "init", "--config", "isad.conf"],
                       cwd=elsewhere, check=True, capture_output=True,
                       timeout=harness.READY_SECONDS)
        other = elsewhere / "data" / "audit.pub.pem"
        cli = self.verify_cli(export, key=other)
        self.assertEqual(cli.returncode, 6)
        verdict = self.verify_in_page(export, other)
        self.assertIn("govuk-error-summary", verdict.get_attribute("class"))
        self.assertEqual(self.browser.driver.find_element(By.ID, "isa-verdict-message").text,
                         cli.stderr.strip()[len("isa: "):])

        # A file that is no key: the CLI's sentence, with the file's name.
        notkey = self.files / "notes.pem"
        notkey.write_text("Minutes of the board, not a key\n", encoding="utf-8")
        cli = self.verify_cli(export, key=notkey)
        self.assertEqual(cli.stderr.strip(),
                         f"isa: {notkey}: not an Ed25519 public key in PEM")
        self.verify_in_page(export, notkey)
        self.assertEqual(self.browser.driver.find_element(By.ID, "isa-verdict-message").text,
                         "notes.pem: not an Ed25519 public key in PEM")

    def test_j_files_not_chosen(self):
        d = self.browser.driver
        verdict = self.verify_in_page(None, None)
        links = [a.text for a in verdict.find_elements(By.TAG_NAME, "a")]
        self.assertEqual(links, ["Choose the export to verify",
                                 "Choose the audit log\u2019s public key"])
        self.assertIn("govuk-form-group--error",
                      d.find_element(By.ID, "isa-v-export-group").get_attribute("class"))
        self.assertIn("Choose the export to verify",
                      d.find_element(By.ID, "isa-v-export-error").text)
        self.assertNoViolations("the audit page, files not chosen")
        self.browser.shot("audit-files-missing")

    def test_k_not_an_auditor(self):
        d = self.browser.driver
        lead = self.deployment.ui("council-lead")
        pages.drawn(self.browser, lead.url)
        self.assertFalse(d.find_element(By.ID, "isa-nav-audit").is_displayed())
        pages.drawn(self.browser, lead.base("/audit"))
        r = self.cli("audit", check=False, user="council-lead")
        self.assertEqual(r.returncode, 4)
        self.assertEqual(d.find_element(By.ID, "isa-audit-refusal").text,
                         r.stderr.strip()[len("isa: "):])
        self.assertEqual(d.find_elements(By.ID, "isa-audit-table"), [])
        self.assertNoViolations("the audit page, refused")
        self.browser.shot("audit-refused")
        # The downloads too: the refusal, not a file.
        s = harness.http_login(self.deployment.ui("council-lead"))
        ui = self.deployment.uis[-1]
        for path in ("/api/audit", "/api/audit/csv", "/api/audit/jsonl",
                     "/api/audit/checkpoint", "/api/audit/export"):
            status, disp, body = self.api_get(ui, s, path)
            self.assertEqual(status, 403, path)
            self.assertIsNone(disp, path)
            self.assertEqual(json.loads(body)["error"]["message"],
                             r.stderr.strip()[len("isa: "):], path)

    # -- the API, raw --

    def test_l_verify_api_refusals(self):
        export = self.need_export().read_bytes()
        key = self.key.read_bytes()
        good = multipart([("export", "e.jsonl", export), ("key", "audit.pub.pem", key)])

        status, r = self.post_verify(good)
        self.assertEqual(status, 200, r)
        self.assertTrue(r["verified"])
        self.assertEqual(r["records"], len(export.splitlines()) - 1)
        self.assertIsNone(r["checkpoint_records"])
        # Without the CSRF token: refused before anything is read.
        status, r = self.post_verify(good, csrf=False)
        self.assertEqual((status, r["error"]["kind"]), (403, "csrf"))

        def refused(body, sentence, ctype=None):
            status, r = self.post_verify(body, ctype=ctype)
            self.assertEqual(status, 400, r)
            self.assertEqual(r["error"]["kind"], "bad")
            self.assertEqual(r["error"]["message"], sentence)

        refused(multipart([("key", "audit.pub.pem", key)]),
                "choose the export to verify (the file isa audit export wrote)")
        refused(multipart([("export", "e.jsonl", export), ("key", "", b"")]),
                "choose the audit log's public key (audit.pub.pem, from your operator)")
        refused(multipart([("export", "e.jsonl", export), ("key", "a.pem", key),
                           ("key", "b.pem", key)]), "the form gives the key twice")
        refused(multipart([("export", "e.jsonl", export), ("key", "a.pem", key),
                           ("note", "n.txt", b"hello")]),
                'the form has a part named "note": only export, key and checkpoint '
                "are verified")
        refused(multipart([("export", "e.jsonl", export), ("key", "a.pem", b"x" * 5000)]),
                "a.pem: too large to be a key file")
        refused(multipart([("export", "e.jsonl", export), ("key", "a.pem", key),
                           ("checkpoint", "cp.txt", b"x" * (128 * 1024 + 1))]),
                "cannot read the checkpoint cp.txt: File too large")
        refused(b'{"export": "x"}', "the export, key and checkpoint come as a form "
                "(multipart/form-data)", ctype="application/json")
        # A kept checkpoint of another log: the verdict, not an error.
        status, r = self.post_verify(multipart([
            ("export", "e.jsonl", export), ("key", "a.pem", key),
            ("checkpoint", "cp.txt", b"not a checkpoint\n")]))
        self.assertEqual(status, 200)
        self.assertFalse(r["verified"])
        self.assertTrue(r["message"].startswith(
            "verification failed: the checkpoint you kept is malformed"), r["message"])

    def test_m_query_api_refusals(self):
        s = self.session
        for q in ("after=x", "after=-1", "limit=2001", "limit=1e3"):
            status, _, body = self.api_get(self.raw, s, "/api/audit?" + q)
            self.assertEqual(status, 400, q)
            self.assertEqual(json.loads(body)["error"]["kind"], "bad", q)
        r = self.cli("audit", "--until", "yesterday", check=False)
        for path in ("/api/audit", "/api/audit/csv", "/api/audit/jsonl"):
            status, disp, body = self.api_get(self.raw, s, path + "?until=yesterday")
            self.assertEqual(status, 400, path)
            self.assertIsNone(disp)
            self.assertEqual(json.loads(body)["error"]["message"],
                             r.stderr.splitlines()[0][len("isa: "):])
        # A page of the API is one of isad's: limit and the cursor.
        status, _, body = self.api_get(self.raw, s, "/api/audit?limit=2&after=1")
        page = json.loads(body)
        self.assertEqual([x["seq"] for x in page["records"]], [1, 2])
        self.assertEqual((page["next"], page["more"]), (3, True))

    def test_n_export_kept_in_an_unlinked_private_file(self):
        """While the export arrives it is in a file only isa ui holds: 0600,
        with no name (unlinked), in $TMPDIR or /tmp; a connection that goes
        mid-body leaves nothing behind."""
        tmp = os.path.realpath(os.environ.get("TMPDIR") or "/tmp")
        pid = self.raw.proc.pid
        fds = f"/proc/{pid}/fd"

        def held():
            out = []
            for fd in os.listdir(fds):
                try:
                    target = os.readlink(f"{fds}/{fd}")
                except OSError:
                    continue
                if target.startswith(tmp + "/") and target.endswith(" (deleted)"):
                    out.append(fd)
            return out

        before = set(held())
        body = multipart([("key", "audit.pub.pem", self.key.read_bytes()),
                          ("export", "e.jsonl", b"x" * (1 << 20))])
        conn = http.client.HTTPConnection("127.0.0.1", self.raw.port,
                                          timeout=harness.READY_SECONDS)
        conn.request("GET", "/api/session", headers=self.session.headers())
        tok = json.loads(conn.getresponse().read())["csrf"]
        conn.putrequest("POST", "/api/audit/verify")
        for k, v in self.session.headers(
                Origin=self.raw.origin, X_CSRF_Token=tok,
                Content_Type=f"multipart/form-data; boundary={BOUNDARY}").items():
            conn.putheader(k, v)
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders()
        conn.send(body[:len(body) // 2])
        def written(fd):
            try:
                return os.stat(f"{fds}/{fd}").st_size > 0
            except OSError:
                return False

        # The file is made when the export's part begins, and written as
        # its bytes arrive: wait for some, not only for the file.
        fresh = pages.wait(self.browser.driver,
                           lambda _: [f for f in held()
                                      if f not in before and written(f)],
                           "isa ui to write the export's file")
        self.assertEqual(len(fresh), 1, fresh)
        st = os.stat(f"{fds}/{fresh[0]}")
        self.assertEqual(st.st_mode & 0o777, 0o600)
        self.assertEqual(st.st_nlink, 0)
        self.assertGreater(st.st_size, 0)
        conn.close()     # gone mid-body: the file goes with the request
        pages.wait(self.browser.driver, lambda _: fresh[0] not in held() or
                   None, "isa ui to let the export's file go")
        self.assertEqual([n for n in os.listdir(tmp) if n.startswith("isa-ui-verify-")], [])


if __name__ == "__main__":
    harness.main()
