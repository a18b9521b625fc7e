"""test_board.py: the board's whole story of `make demo` (tests/demo/demo.sh),
told through the browser alone (issue 18): each user runs their own
`isa ui`, and each has their own tab in one Chromium (a tab per user, so a
reader's page stays open while another user acts; the session cookies are
per port and the session keys per origin, so the tabs never mix).

 1. The administrator ingests the CTLP on the upload page: for ctpse as
    originator, OFFICIAL-SENSITIVE, to group:ppb, with handling text.
 2. The council lead finds it in the inbox and reads it: banners top and
    bottom, handling before the download; 3. the download is the upload.
 4. The university contact (no clearance) is refused with the CLI's words.
 5. The police lead asks to share it with the district commander: a request.
 6. To the district commander it does not exist (like a missing id).
 7. The CT analyst approves on the requests page; 8. the commander reads.
 9. The Chair's inbox has the onward-share notice; the police lead's inbox
    has the decision.
10. The CT analyst makes the sanitised OFFICIAL briefing from the CTLP's
    page, to all; 11. the university contact reads it and sees its lineage
    (on the CTLP's list, so they may know it exists), a registrar off the
    CTLP's list reads it without.
12. The CT analyst recalls the CTLP; the council lead, with it open, is cut
    off at the next action.
13. The auditor queries who accessed the CTLP; 14. the CSV download parses
    to the table's rows; 15. the export, downloaded, verifies in the page
    with the public key and the kept checkpoint; 16. an edited export is
    refused, naming the first bad record.

Every step leaves a screenshot (NN-name.png in the output directory).
With ISA_BROWSER_PAUSE=SECONDS each step also waits that long after its
screenshot, so that a person watching a visible Chromium
(ISA_BROWSER_HEADED=1, `make demo-browser`) can follow it.

The tests run in name order, each taking the story one step on; a step
whose earlier step failed is skipped, naming what it lacked. The CLI is
used only as an oracle that changes nothing: `isa audit verify` (offline)
for the words the page must say.
"""

import atexit
import csv
import hashlib
import io
import json
import os
import re
import shutil
import time

from selenium.webdriver.common.by import By

import forms
import harness
import pages

CTLP = b"Counter Terrorism Local Profile 2026 (browser story)\n" + bytes(range(256))
CTLP_TITLE = "CTLP 2026"
HANDLING = "Keep within the Prevent board: do not forward by email."
BRIEF = b"Prevent briefing: sanitised summary (browser story)\n"
BRIEF_TITLE = "CTLP 2026: partner briefing"
SHARE_REASON = "district tasking"
RECALL_REASON = "withdrawn for correction by the CT unit"
MISSING = "AAAAAAAAAAAAAAAAAAAAAAAAAA"  # well formed, never issued
PAUSE = float(os.environ.get("ISA_BROWSER_PAUSE") or 0)

# The audit page's words (i18-audit).
AUDIT_DOC_LABEL = "Document ID"
AUDIT_SEARCH = "Search"
AUDIT_CSV = "CSV"
AUDIT_CHECKPOINT = "Download the current checkpoint"
AUDIT_EXPORT = "Download the whole export"
AUDIT_VERIFY_EXPORT = "The export"
AUDIT_VERIFY_KEY = "The audit log\u2019s public key"
AUDIT_VERIFY_CHECKPOINT = "A checkpoint you kept (optional)"
AUDIT_VERIFY = "Verify"

# The demo's board, and a university registrar who is not in the board's
# group: on no list of the CTLP, so the briefing's lineage is not theirs.
REGISTRAR = ("uni-registrar", "University Registrar", "uow", "NONE", "")
USERS = harness.BOARD + [REGISTRAR]


class BoardStory(harness.BrowserTestCase):

    @classmethod
    def setUpClass(cls):
        # BrowserTestCase's, with the registrar on the board.
        cls.out = harness.out_dir("test_board")
        cls.deployment = harness.Deployment(cls.out, users=USERS)
        atexit.register(cls.deployment.stop)
        cls.deployment.start()
        cls.browser = harness.Browser(cls.out)
        atexit.register(cls.browser.quit)
        cls.uis = {}        # user -> UI
        cls.tabs = {}       # user -> Chromium window handle
        cls.facts = {}      # what the story has made: doc, request, brief...
        cls.shots = []
        # This run's screenshots and downloads only.
        for old in cls.out.glob("[0-9][0-9]-*.png"):
            old.unlink()
        cls.downloads = cls.out / "downloads"
        shutil.rmtree(cls.downloads, ignore_errors=True)
        cls.downloads.mkdir()

    @classmethod
    def tearDownClass(cls):
        print(f"\nscreenshots of each step: {cls.out}/")
        super().tearDownClass()

    # ---- the users' tabs ----

    @property
    def d(self):
        return self.browser.driver

    def as_user(self, user):
        """Switches to USER's own tab, starting their `isa ui` and signing in
        there with its one-time address the first time; their UI."""
        if user not in self.uis:
            ui = self.deployment.ui(user)
            if self.tabs:
                self.d.switch_to.new_window("tab")
            self.tabs[user] = self.d.current_window_handle
            self.uis[user] = ui
            pages.drawn(self.browser, ui.url)
            self.assertEqual(pages.path(self.d), "/inbox")
        else:
            self.d.switch_to.window(self.tabs[user])
        return self.uis[user]

    def open(self, user, path):
        """USER's tab on the page at path, drawn; their UI."""
        ui = self.as_user(user)
        pages.drawn(self.browser, ui.base(path))
        return ui

    def step(self, name, axe=False, doc=None, part=None):
        """The step's screenshot (NN-name.png, in story order), with, when
        axe, axe-core finding nothing on the page; then the pause a person
        watching needs, when one is asked for. With doc, also a picture for
        the guides (docs-img/DOC.png): the element part, else what the
        window shows."""
        if axe:
            self.assertNoViolations(name)
        n = len(self.shots) + 1
        self.shots.append(self.browser.shot(f"{n:02d}-{name}"))
        if doc is not None:
            pics = self.out / "docs-img"
            pics.mkdir(exist_ok=True)
            if part is not None:
                self.d.execute_script("arguments[0].scrollIntoView();", part)
                png = part.screenshot_as_png
            else:
                self.d.execute_script("window.scrollTo(0, 0);")
                png = self.d.get_screenshot_as_png()
            (pics / f"{doc}.png").write_bytes(png)
        if PAUSE > 0:
            time.sleep(PAUSE)  # for a person watching, not for readiness

    def need(self, *facts):
        """The facts the step needs, or skips naming the step that failed."""
        missing = [f for f in facts if f not in self.facts]
        if missing:
            self.skipTest(f"an earlier step did not make {', '.join(missing)}")
        return [self.facts[f] for f in facts]

    # ---- the story ----

    def upload_page(self, shot, path, title, cls, to, handling=None, originator=None):
        """Fills the upload page (drawn) for path, as a person does (the form's
        screenshot named shot), up to its check step: the marking it says the
        document will carry."""
        d = self.d
        forms.field(d, "File").send_keys(str(path))
        forms.fill(d, "Title", title)
        forms.choose(d, cls)
        if handling is not None:
            forms.fill(d, "Handling instructions", handling)
        if originator is not None:
            forms.select(d, "Originator agency", originator)
            # Rule 6(e): uploading for another agency, the onward rule is
            # not the administrator's to choose.
            self.assertFalse(forms.field(d, "Recipients only (RECIPIENTS ONLY)")
                             .is_displayed())
        for p in to:
            forms.select(d, "Recipient", p)
            forms.press(d, "Add to the list")
        self.step(shot, axe=True)
        forms.press(d, "Continue")
        pages.wait(d, lambda d: d.find_elements(
            By.XPATH, "//h1[normalize-space()='Check your answers before uploading']"),
            "the check step")
        return pages.summary(d)["Marking"]

    def upload_confirm(self):
        """Uploads from the check step; the new document's id, as the page
        says it."""
        d = self.d
        forms.press(d, "Upload")
        pages.wait(d, lambda d: [h for h in d.find_elements(
            By.XPATH, "//h1[normalize-space()='Uploaded']") if h.is_displayed()],
            "the upload to finish")
        m = re.search(r"Document ID\s+([A-Z2-7]{26})\b", pages.main_text(d))
        self.assertIsNotNone(m, pages.main_text(d))
        return m.group(1)

    def test_01_admin_ingests(self):
        d = self.d
        self.open("board-admin", "/upload")
        path = self.deployment.dir / "ctlp-2026.txt"
        path.write_bytes(CTLP)
        preview = self.upload_page("board-admin-upload-form", path, CTLP_TITLE,
                                   "OFFICIAL-SENSITIVE", ["group:ppb"],
                                   handling=HANDLING,
                                   originator="Counter Terrorism Policing South East")
        # The marking as `isa get` will print it, before anything is sent.
        self.assertEqual(preview, "OFFICIAL-SENSITIVE RECIPIENTS ONLY")
        rows = pages.summary(d)
        self.assertEqual(rows["Originator"], "Counter Terrorism Policing South East (ctpse)")
        self.assertEqual(rows["Handling instructions"], HANDLING)
        self.step("board-admin-upload-check", axe=True, doc="board-upload")
        self.facts["doc"] = self.upload_confirm()
        self.facts["preview"] = preview
        self.step("board-admin-uploaded", axe=True)

    def test_02_lead_inbox_and_read(self):
        doc, = self.need("doc")
        d = self.d
        self.open("council-lead", "/inbox")
        pages.wait(d, lambda d: d.find_elements(By.LINK_TEXT, CTLP_TITLE),
                   "the CTLP in the council lead's inbox")
        row = d.find_element(By.LINK_TEXT, CTLP_TITLE).find_element(By.XPATH, "ancestor::tr")
        self.assertIn("OFFICIAL-SENSITIVE", row.text)
        self.assertEqual(pages.banners(d)[0][0].split(" ")[0], "OFFICIAL-SENSITIVE")
        self.step("council-lead-inbox", axe=True, doc="board-inbox")

        d.find_element(By.LINK_TEXT, CTLP_TITLE).click()
        pages.wait(d, lambda d: pages.path(d) == f"/doc/{doc}", "the CTLP's page")
        pages.drawn(self.browser)
        self.assertEqual(forms.heading(d), CTLP_TITLE)
        marking = pages.summary(d)["Marking"]
        self.assertEqual(marking, self.facts.get("preview", marking))  # as previewed
        self.assertTrue(marking.startswith("OFFICIAL-SENSITIVE"), marking)
        self.facts["marking"] = marking
        self.assertEqual([b[0] for b in pages.banners(d)], [marking, marking])
        handling = d.find_element(By.ID, "isa-handling")
        download = forms.button(d, "Download ", prefix=True)
        self.assertEqual(handling.text, HANDLING)
        self.assertTrue(pages.before(d, handling, download),
                        "the download is offered before the handling text")
        rows = pages.summary(d)
        self.assertEqual(rows["Originator"], "Counter Terrorism Policing South East (ctpse)")
        self.assertEqual(rows["Uploaded by"], "Board Administrator (board-admin)")
        self.step("council-lead-reads", axe=True, doc="board-document")

    def test_03_lead_download_matches(self):
        doc, = self.need("doc")
        d = self.d
        self.as_user("council-lead")
        into = self.downloads / "ctlp"
        into.mkdir()
        forms.allow_downloads(d, into)
        forms.button(d, "Download ", prefix=True).click()
        got = forms.downloaded(d, into, "the CTLP's download").read_bytes()
        self.assertEqual(got, CTLP)
        self.assertEqual(hashlib.sha256(got).hexdigest(),
                         hashlib.sha256(CTLP).hexdigest())

    def test_04_contact_refused(self):
        doc, = self.need("doc")
        d = self.d
        self.open("uni-contact", f"/doc/{doc}")
        lines = forms.error_summary(d)
        self.assertIsNotNone(lines, "no refusal on the university contact's page")
        self.assertEqual(forms.heading(d), "You cannot open this document")
        # The CLI's sentence, word for word (`isa get` exits 4 with it).
        self.assertIn(f"denied: document {doc} is OFFICIAL-SENSITIVE, which needs "
                      "BPSS; your clearance is NONE", lines)
        self.assertEqual(pages.banners(d), [])
        self.assertEqual(d.find_elements(By.ID, "isa-download"), [])
        self.step("uni-contact-refused", axe=True)

    def test_05_police_lead_asks_to_share(self):
        doc, = self.need("doc")
        d = self.d
        self.open("police-lead", f"/doc/{doc}")
        # The target by name, from the board's directory; a reason.
        self.assertIn("Police Prevent Lead", d.find_element(By.ID, "isa-user").text)
        forms.select(d, "Share with", "District Commander")
        forms.fill(d, "Why do they need it?", SHARE_REASON)
        self.step("police-lead-share-form", axe=True)
        forms.press(d, "Share")
        forms.text_appears(d, "Request filed", "the page to say the share became a request")
        said = pages.main_text(d)
        request = said.split("Request ID: ", 1)[1].split()[0]
        self.assertRegex(request, r"^[A-Z2-7]{26}$")
        self.assertIn("District Commander", said)
        self.facts["request"] = request
        self.step("police-lead-share-request", axe=True, doc="board-share",
                  part=forms.section(d, "Share"))

    def test_06_commander_not_found(self):
        doc, = self.need("doc")
        d = self.d
        self.open("district-commander", f"/doc/{doc}")
        off_list = pages.snapshot(d, doc)
        self.step("district-commander-not-found")
        pages.drawn(self.browser, self.uis["district-commander"].base(f"/doc/{MISSING}"))
        missing = pages.snapshot(d, MISSING)
        self.assertEqual(off_list, missing)  # title, words and markup alike
        self.assertEqual(forms.heading(d), "Document not found")
        self.assertIn("not found: no document ID", missing[1])

    def test_07_analyst_approves(self):
        doc, request = self.need("doc", "request")
        d = self.d
        self.open("ctp-analyst", "/requests")
        row = self.row_with([doc, "District Commander", SHARE_REASON],
                            "the police lead's request on the requests page")
        self.assertIn("Police Prevent Lead", row)
        self.assertIn("Pending", row)
        self.step("ct-analyst-requests", axe=True, doc="board-requests")
        forms.press(d, f"Approve request {request}")
        decided = self.row_with([doc, "Approved"], "the request shown approved")
        self.assertIn("CT Policing Analyst", decided)  # who decided
        self.assertFalse(forms.has_button(d, f"Approve request {request}"))
        self.facts["approved"] = request
        self.step("ct-analyst-approved", axe=True)

    def test_08_commander_reads(self):
        doc, _ = self.need("doc", "approved")
        d = self.d
        self.open("district-commander", f"/doc/{doc}")
        self.assertEqual(forms.heading(d), CTLP_TITLE)
        self.assertEqual(d.find_element(By.ID, "isa-handling").text, HANDLING)
        self.step("district-commander-reads")

    def row_with(self, words, what):
        """Waits for the table row (of the inbox, the requests...) whose
        text has every one of words; its text."""
        def found(d):
            for tr in d.find_elements(By.CSS_SELECTOR, "main tbody tr"):
                if all(w in tr.text for w in words):
                    return tr.text
            return None
        return pages.wait(self.d, found, what)

    def test_09_chair_notice_and_outcome(self):
        doc, request, _ = self.need("doc", "request", "approved")
        self.open("board-chair", "/inbox")
        # The fields DESIGN 5 gives an onward-share notice: the id, marking,
        # originator, requester, target, approver; the title only because
        # the Chair may read the CTLP.
        notice = self.row_with(["district-commander"], "the onward-share notice "
                               "in the Chair's inbox")
        for words in (self.facts["marking"], "ctpse", "police-lead",
                      "district-commander", "ctp-analyst", CTLP_TITLE):
            self.assertIn(words, notice)
        self.assertTrue(self.d.find_elements(
            By.XPATH, f"//main//tbody/tr[contains(., 'district-commander')]"
            f"//a[substring(@href, string-length(@href) - {len(doc) + 4})"
            f" = '/doc/{doc}']"), "the notice does not name the document")
        self.step("chair-notice", axe=True, doc="board-notice")

        self.open("police-lead", "/inbox")
        decided = self.row_with(["district-commander", "approved"],
                                "the decision in the police lead's inbox")
        self.assertIn("ctp-analyst", decided)  # who decided
        self.step("police-lead-decision", axe=True)

    def test_10_analyst_derives_briefing(self):
        doc, = self.need("doc")
        d = self.d
        self.open("ctp-analyst", f"/doc/{doc}")
        d.find_element(By.LINK_TEXT, "Make a sanitised version").click()
        pages.wait(d, lambda d: pages.path(d) == "/upload", "the upload page")
        pages.drawn(self.browser)
        path = self.deployment.dir / "briefing.txt"
        path.write_bytes(BRIEF)
        # The link to the CTLP comes from its page.
        pages.wait(d, lambda d: CTLP_TITLE in pages.summary(d).get("Derived from", ""),
                   "the upload page to name the CTLP it derives from")
        self.assertIn(doc, pages.summary(d)["Derived from"])
        preview = self.upload_page("ct-analyst-briefing-form", path, BRIEF_TITLE,
                                   "OFFICIAL", ["Everyone enrolled"])
        self.assertEqual(preview, "OFFICIAL RECIPIENTS ONLY")
        self.assertEqual(pages.summary(d)["Derived from"], f"{CTLP_TITLE} ({doc})")
        self.step("ct-analyst-briefing-check", axe=True)
        self.facts["brief"] = self.upload_confirm()
        self.step("ct-analyst-briefing-uploaded")

    def test_11_briefing_lineage(self):
        doc, brief = self.need("doc", "brief")
        d = self.d
        # On the CTLP's list (the board's group): the parent is named, and
        # its page still refuses them (they are not cleared for it).
        self.open("uni-contact", f"/doc/{brief}")
        self.assertEqual(forms.heading(d), BRIEF_TITLE)
        rows = pages.summary(d)
        self.assertEqual(rows["Classification"], "OFFICIAL")
        self.assertEqual([b[0] for b in pages.banners(d)], [rows["Marking"]] * 2)
        self.assertEqual(rows.get("Derived from"), doc)
        self.step("uni-contact-reads-briefing")
        d.find_element(By.LINK_TEXT, doc).click()
        pages.wait(d, lambda d: pages.path(d) == f"/doc/{doc}", "the parent's page")
        pages.drawn(self.browser)
        self.assertEqual(forms.heading(d), "You cannot open this document")

        # Off the CTLP's every list: the briefing, without its parent.
        self.open(REGISTRAR[0], f"/doc/{brief}")
        self.assertEqual(forms.heading(d), BRIEF_TITLE)
        rows = pages.summary(d)
        self.assertNotIn("Derived from", rows)
        self.assertNotIn(doc, pages.snapshot(d)[2])
        self.step("registrar-reads-briefing")

    def test_12_recall_cuts_reader_off(self):
        doc, = self.need("doc")
        d = self.d
        self.open("council-lead", f"/doc/{doc}")  # the reader, with it open
        self.open("ctp-analyst", f"/doc/{doc}")
        forms.fill(d, "Why are you recalling it?", RECALL_REASON)
        forms.press(d, "Recall this document")
        # The confirmation names the document.
        forms.text_appears(d, f"Recall \u201c{CTLP_TITLE}\u201d ({doc})?",
                           "the confirmation naming the CTLP")
        self.step("ct-analyst-recall-confirm", axe=True, doc="board-recall",
                  part=forms.section(d, "Recall"))
        forms.press(d, "Yes, recall it")
        pages.wait(d, lambda d: forms.heading(d) == "Document recalled",
                   "the recall to be confirmed")
        self.facts["recalled"] = doc
        self.step("ct-analyst-recalled")

        # The council lead's next action on the page they had open.
        self.as_user("council-lead")
        self.assertEqual(forms.heading(d), CTLP_TITLE)  # still as it was
        into = self.downloads / "after-recall"
        into.mkdir()
        forms.allow_downloads(d, into)
        forms.button(d, "Download ", prefix=True).click()
        pages.wait(d, lambda d: forms.heading(d) == "This document has been recalled",
                   "the reader to be told it was recalled")
        self.assertIn(f"gone: document {doc} was recalled",  # word for word
                      pages.main_text(d).split("\n"))
        self.assertEqual(list(into.iterdir()), [])  # nothing was saved
        self.step("council-lead-cut-off", axe=True, doc="board-recalled")

    # ---- the auditor ----

    def cli_verify(self, export, checkpoint=None):
        """What `isa audit verify` says of export (offline: no request to
        isad, so no record in the story's log): the line after "isa: " when
        it fails, else its one line."""
        args = [self.deployment.isa_bin, "audit", "verify", str(export),
                "--key", str(self.deployment.dir / "data" / "audit.pub.pem")]
        if checkpoint is not None:
            args += ["--since", str(checkpoint)]
        r = self.deployment._run(args, check=False)
        line = (r.stdout if r.returncode == 0 else r.stderr).strip().splitlines()[-1]
        return line[len("isa: "):] if line.startswith("isa: ") else line

    def audit_table(self):
        """The audit page's table: a list of {header: cell} rows, with the
        record's sequence number (seq) and the actor's id (actor: the cell
        says "Name (id)")."""
        rows = self.d.execute_script(
            "const t = document.querySelector('main table');"
            "if (!t) return [];"
            "const heads = Array.from(t.querySelectorAll('thead th'))"
            "  .map(th => th.innerText.trim());"
            "return Array.from(t.querySelectorAll('tbody tr')).map(tr => {"
            "  const o = {seq: tr.getAttribute('data-seq')};"
            "  Array.from(tr.children).forEach((c, i) => o[heads[i]] = c.innerText.trim());"
            "  return o; });")
        for r in rows:
            m = re.search(r"\(([^()]+)\)$", r["Actor"])
            r["actor"] = m.group(1) if m else r["Actor"]
        return rows

    def test_13_auditor_query(self):
        doc, = self.need("doc")
        d = self.d
        self.open("auditor", "/audit")
        forms.fill(d, AUDIT_DOC_LABEL, doc)
        self.step("auditor-filters")
        forms.press(d, AUDIT_SEARCH)
        rows = pages.wait(d, lambda d: self.audit_table(), "the audit records of the CTLP")
        seen = {(r["actor"], r["Action"], r["Decision"]) for r in rows}
        # Opening a page is `info`; a download is `get` (isad records the
        # approval under its request, not the document).
        for who, what, decision in (
                ("board-admin", "put", "permit"),
                ("council-lead", "info", "permit"),
                ("council-lead", "get", "permit"),
                ("uni-contact", "info", "deny"),
                ("police-lead", "share", "permit"),
                ("district-commander", "info", "not_found"),
                ("district-commander", "info", "permit"),
                ("ctp-analyst", "recall", "permit"),
                ("council-lead", "info", "gone")):  # cut off
            self.assertIn((who, what, decision), seen)
        self.assertTrue(all(r["Document"] == doc for r in rows), rows)
        self.facts["audit-rows"] = rows
        self.step("auditor-query", axe=True, doc="audit-query",
                  part=forms.section(d, "Records"))

    def test_14_audit_csv(self):
        doc, rows = self.need("doc", "audit-rows")
        d = self.d
        self.as_user("auditor")
        into = self.downloads / "csv"
        into.mkdir()
        forms.allow_downloads(d, into)
        d.find_element(By.PARTIAL_LINK_TEXT, AUDIT_CSV).click()
        got = forms.downloaded(d, into, "the CSV download").read_text(encoding="utf-8")
        records = list(csv.DictReader(io.StringIO(got)))
        # Every record the filter matches, the table's (its first page) among them.
        self.assertTrue(all(r["doc"] == doc for r in records), got)
        self.assertEqual([(r["seq"], r["actor"], r["action"], r["decision"])
                          for r in records][:len(rows)],
                         [(r["seq"], r["actor"], r["Action"], r["Decision"]) for r in rows])

    def test_15_export_verified(self):
        self.need("audit-rows")
        d = self.d
        self.as_user("auditor")
        into = self.downloads / "checkpoint"
        into.mkdir()
        forms.allow_downloads(d, into)
        d.find_element(By.PARTIAL_LINK_TEXT, AUDIT_CHECKPOINT).click()
        kept = forms.downloaded(d, into, "the checkpoint download")
        into = self.downloads / "export"
        into.mkdir()
        forms.allow_downloads(d, into)
        d.find_element(By.PARTIAL_LINK_TEXT, AUDIT_EXPORT).click()
        export = forms.downloaded(d, into, "the export download")
        first = json.loads(export.read_text(encoding="utf-8").splitlines()[0])
        self.assertTrue(first["format"].startswith("isa-audit-export/"), first)

        self.facts["export"] = export
        key = self.deployment.dir / "data" / "audit.pub.pem"  # handed over once
        forms.field(d, AUDIT_VERIFY_EXPORT).send_keys(str(export))
        forms.field(d, AUDIT_VERIFY_KEY).send_keys(str(key))
        forms.field(d, AUDIT_VERIFY_CHECKPOINT).send_keys(str(kept))
        forms.press(d, AUDIT_VERIFY)
        said = self.cli_verify(export, kept)
        self.assertTrue(said.startswith("verified: "), said)
        forms.text_appears(d, said, "the verdict, as isa audit verify says it",
                           line=True)
        self.step("auditor-verified", axe=True, doc="audit-verified",
                  part=forms.section(d, "Verify an export"))

    def test_16_edited_export_refused(self):
        export, = self.need("export")
        d = self.d
        self.as_user("auditor")
        # As demo.sh does: the third line's actor changed.
        lines = export.read_text(encoding="utf-8").split("\n")
        record = json.loads(lines[2])
        record["actor"] = "someone-else"
        lines[2] = json.dumps(record, separators=(",", ":"))
        edited = self.downloads / "edited.jsonl"
        edited.write_text("\n".join(lines), encoding="utf-8")
        said = self.cli_verify(edited)
        self.assertTrue(said.startswith(f"verification failed: record {record['seq']}: "),
                        said)

        d.refresh()  # the form afresh, the filters kept
        pages.drawn(self.browser)
        forms.field(d, AUDIT_VERIFY_EXPORT).send_keys(str(edited))
        forms.field(d, AUDIT_VERIFY_KEY).send_keys(
            str(self.deployment.dir / "data" / "audit.pub.pem"))
        forms.press(d, AUDIT_VERIFY)
        forms.text_appears(d, said, "the first bad record named, as isa audit verify "
                           "names it", line=True)
        self.step("auditor-edited-refused", axe=True, doc="audit-refused",
                  part=forms.section(d, "Verify an export"))

if __name__ == "__main__":
    harness.main()
