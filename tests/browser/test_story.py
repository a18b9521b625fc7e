"""test_story.py: the board's story, read side, in a browser (issue 17): the
administrator's upload (made with the CLI) appears in the council lead's
inbox without a reload; the lead opens it and sees the banners, top and
bottom, and the handling text before the download; the download's bytes are
the upload's; the university contact without clearance reads the CLI's
refusal sentence; an off-list user's page for the id reads exactly like a
missing id's; whoami shows the clearance and its expiry; a title that looks
like markup is shown as text, never run.

The tests run in name order (unittest's), each taking the story on a step.
"""

import atexit
import datetime
import hashlib
import json
import re
import shutil

from selenium.webdriver.common.by import By

import harness
import pages

CONTENT = b"Counter Terrorism Local Profile 2026 (browser test)\n" + bytes(range(256))
TITLE = "CTLP 2026"
HANDLING = "Keep within the Prevent board: do not forward by email."
MISSING = "AAAAAAAAAAAAAAAAAAAAAAAAAA"  # well formed, never issued
EXPIRES_IN_DAYS = 20


def board():
    """The demo's board, with the council lead's clearance running out in
    EXPIRES_IN_DAYS (so whoami has an expiry, and a warning, to show)."""
    day = (datetime.datetime.now(datetime.timezone.utc).date() +
           datetime.timedelta(days=EXPIRES_IN_DAYS))
    out = []
    for uid, name, agency, clearance, extra in harness.BOARD:
        if uid == "council-lead":
            extra += f' clearance_expires = "{day.isoformat()}";'
        out.append((uid, name, agency, clearance, extra))
    return out, day


class StoryTest(harness.BrowserTestCase):

    @classmethod
    def setUpClass(cls):
        # BrowserTestCase's, with the board above.
        users, cls.expires = board()
        cls.out = harness.out_dir("test_story")
        cls.deployment = harness.Deployment(cls.out, users=users)
        atexit.register(cls.deployment.stop)
        cls.deployment.start()
        cls.browser = harness.Browser(cls.out)
        atexit.register(cls.browser.quit)
        cls.lead = cls.deployment.ui("council-lead")
        cls.doc = None

    def need_doc(self):
        if StoryTest.doc is None:
            self.skipTest("the upload failed in test_a")
        return StoryTest.doc

    def test_a_upload_appears_without_reload(self):
        d = self.browser.driver
        pages.drawn(self.browser, self.lead.url)  # the token, then /inbox
        self.assertEqual(pages.path(d), "/inbox")
        self.assertEqual(d.find_elements(By.LINK_TEXT, TITLE), [])
        d.execute_script("window.isaStoryMarker = 'the same page';")

        StoryTest.doc = self.deployment.put(
            "board-admin", CONTENT, TITLE, originator="ctpse",
            extra=("--handling", HANDLING))

        pages.wait(d, lambda d: d.find_elements(By.LINK_TEXT, TITLE),
                   "the upload to appear in the inbox")
        self.assertEqual(d.execute_script("return window.isaStoryMarker;"),
                         "the same page", "the inbox was reloaded")
        first = d.find_element(By.CSS_SELECTOR, "tbody tr")
        self.assertIn(TITLE, first.text)
        self.assertIn(StoryTest.doc, first.text)  # the CLI's sentence
        pages.wait(d, lambda d: d.find_element(By.ID, "isa-inbox-live").text
                   == "1 new entry", "the live region to announce it")
        self.browser.shot("inbox")

    def test_b_lead_reads_with_banners_and_handling(self):
        doc = self.need_doc()
        d = self.browser.driver
        marking = self.deployment.isa("council-lead", "get", doc, "-o",
                                      str(self.deployment.dir / "lead-copy"))
        marking = marking.stderr.splitlines()[0]  # as `isa get` prints it
        self.assertTrue(marking.startswith("OFFICIAL-SENSITIVE"), marking)

        d.find_element(By.LINK_TEXT, TITLE).click()
        pages.wait(d, lambda d: pages.path(d) == f"/doc/{doc}", "the document's page")
        pages.drawn(self.browser)
        self.assertEqual(d.find_element(By.TAG_NAME, "h1").text, TITLE)
        self.assertEqual(d.title, f"{TITLE} \u2013 isa: information sharing")

        self.assertEqual(pages.banners(d), [
            [marking, "Protective marking: " + marking,
             "isa-banner isa-marking--official-sensitive"],
            [marking, "Protective marking, end of page: " + marking,
             "isa-banner isa-marking--official-sensitive"]])
        top = d.find_element(By.ID, "isa-banner-top")
        bottom = d.find_element(By.ID, "isa-banner-bottom")
        main = d.find_element(By.ID, "main-content")
        footer = d.find_element(By.TAG_NAME, "footer")
        self.assertTrue(pages.before(d, top, d.find_element(By.TAG_NAME, "header")))
        self.assertTrue(pages.before(d, footer, bottom))

        line = main.find_element(By.ID, "isa-marking")
        handling = main.find_element(By.ID, "isa-handling")
        download = main.find_element(By.ID, "isa-download")
        self.assertEqual(line.text.split("\n")[-1].replace("Marking: ", ""), marking)
        self.assertEqual(handling.text, HANDLING)
        self.assertTrue(pages.before(d, line, handling))
        self.assertTrue(pages.before(d, handling, download),
                        "the download is offered before the handling text")
        self.assertLess(handling.rect["y"], download.rect["y"])
        # The link carries the session's key (a link has no header).
        self.assertRegex(download.get_attribute("href"),
                         "^" + re.escape(self.lead.base(f"/api/doc/{doc}/content"))
                         + r"\?k=[0-9a-f]{64}$")
        rows = pages.summary(d)
        self.assertEqual(rows["Document ID"], doc)
        self.assertEqual(rows["Marking"], marking)
        self.assertEqual(rows["Handling instructions"], HANDLING)
        # Names from the directory, with the ids isad gave.
        self.assertEqual(rows["Originator"],
                         "Counter Terrorism Policing South East (ctpse)")
        self.assertEqual(rows["Uploaded by"], "Board Administrator (board-admin)")
        self.browser.shot("document")

    def test_c_download_matches(self):
        doc = self.need_doc()
        d = self.browser.driver
        info = json.loads(self.deployment.isa("council-lead", "info", doc, "--json").stdout)
        into = self.out / "downloads"
        shutil.rmtree(into, ignore_errors=True)
        into.mkdir()
        d.execute_cdp_cmd("Browser.setDownloadBehavior",
                          {"behavior": "allow", "downloadPath": str(into)})
        d.find_element(By.ID, "isa-download").click()
        done = into / info["filename"]
        pages.wait(d, lambda d: done.is_file() and not list(into.glob("*.crdownload")),
                   f"the download of {done.name}")
        got = done.read_bytes()
        self.assertEqual(hashlib.sha256(got).hexdigest(), info["sha256"])
        self.assertEqual(got, CONTENT)

    def test_d_uncleared_contact_refused(self):
        doc = self.need_doc()
        d = self.browser.driver
        cli = self.deployment.isa("uni-contact", "get", doc, "-o",
                                  str(self.deployment.dir / "uni-copy"), check=False)
        self.assertEqual(cli.returncode, 4, cli.stderr)
        sentence = cli.stderr.strip().splitlines()[-1]
        self.assertTrue(sentence.startswith("isa: denied: "), sentence)
        sentence = sentence[len("isa: "):]

        uni = self.deployment.ui("uni-contact")
        pages.drawn(self.browser, uni.url)
        pages.drawn(self.browser, uni.base(f"/doc/{doc}"))
        summary = d.find_element(By.CSS_SELECTOR, ".govuk-error-summary")
        self.assertEqual(summary.find_element(By.TAG_NAME, "h1").text,
                         "You cannot open this document")
        said = [p.text for p in summary.find_elements(By.TAG_NAME, "p")]
        self.assertIn(sentence, said)  # word for word
        self.assertEqual(pages.banners(d), [])
        self.assertEqual(d.find_elements(By.ID, "isa-download"), [])
        self.browser.shot("denied")

    def test_e_off_list_reads_like_missing(self):
        doc = self.need_doc()
        d = self.browser.driver
        commander = self.deployment.ui("district-commander")
        pages.drawn(self.browser, commander.url)

        pages.drawn(self.browser, commander.base(f"/doc/{doc}"))
        off_list = pages.snapshot(d, doc)
        self.browser.shot("off-list")
        pages.drawn(self.browser, commander.base(f"/doc/{MISSING}"))
        missing = pages.snapshot(d, MISSING)
        self.browser.shot("missing")

        self.assertEqual(off_list[0], missing[0])  # the title
        self.assertEqual(off_list[1], missing[1])  # every word on the page
        self.assertEqual(off_list[2], missing[2])  # the markup
        self.assertIn("Document not found", missing[1])
        self.assertIn("not found: no document ID", missing[1])

    def test_f_whoami_shows_clearance(self):
        d = self.browser.driver
        pages.drawn(self.browser, self.lead.base("/whoami"))
        rows = pages.summary(d)
        when = f"{self.expires.day} {self.expires:%B %Y}"
        self.assertEqual(rows["Name"], "Council Prevent Lead")
        self.assertEqual(rows["User ID"], "council-lead")
        self.assertEqual(rows["Agency"], "Hampshire County Council (hcc)")
        self.assertEqual(rows["Clearance"], "BPSS")
        self.assertEqual(rows["Effective clearance"], "BPSS")
        self.assertEqual(rows["Clearance expires"], when)
        self.assertEqual(rows["Attributes"], "safeguarding")
        warning = d.find_element(By.ID, "isa-warning").text
        self.assertIn(f"clearance expires on {when}", warning)
        self.assertEqual(pages.banners(d), [])  # no documents on it
        user = d.find_element(By.ID, "isa-user").text
        self.assertEqual(user, "Signed in as Council Prevent Lead, Hampshire County Council")
        self.browser.shot("whoami")

    def test_g_title_is_only_text(self):
        # A title that would be markup, were it ever parsed as HTML.
        d = self.browser.driver
        title = '<img src="/x" onerror="window.isaRan=1"><b>Board</b> & "minutes"'
        doc = self.deployment.put("board-admin", b"minutes\n", title)
        pages.drawn(self.browser, self.lead.base("/documents"))
        links = [a for a in d.find_elements(By.CSS_SELECTOR, "tbody a")
                 if a.get_attribute("href").endswith(f"/doc/{doc}")]
        self.assertEqual([a.text for a in links], [title])
        self.assertEqual(d.find_elements(By.CSS_SELECTOR, "main img, main b"), [])
        pages.drawn(self.browser, self.lead.base(f"/doc/{doc}"))
        self.assertEqual(d.find_element(By.TAG_NAME, "h1").text, title)
        self.assertEqual(d.title, f"{title} \u2013 isa: information sharing")
        self.assertEqual(d.find_elements(By.CSS_SELECTOR, "main img, main b"), [])
        self.assertIsNone(d.execute_script("return window.isaRan;"))


if __name__ == "__main__":
    harness.main()
