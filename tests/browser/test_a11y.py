"""test_a11y.py: accessibility (WCAG 2.1 AA, DESIGN §13): axe-core finds no
violation on any page of isa ui (inbox, documents, a document, whoami) nor
on any error page (not found, denied, recalled, key refused, session ended,
isad down; the API's sentence word for word where there is one), and Tab
alone reaches every link, button and field with its focus visible; sorting,
filtering, paging and signing out work by keyboard. A screenshot of each
page goes to the output directory.

The tests run in name order (unittest's); the last one stops isad.
"""

import subprocess

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import harness
import pages

MISSING = "AAAAAAAAAAAAAAAAAAAAAAAAAA"  # well formed, never issued
PAGE_SIZE = 50  # isa.js's documents per page


class AccessibilityTest(harness.BrowserTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        dep = cls.deployment
        cls.doc = dep.put("board-admin", b"profile\n", "CTLP 2026",
                          originator="ctpse",
                          extra=("--handling", "Keep within the Prevent board."))
        # One more than a page of documents, so the list has a next page.
        for i in range(PAGE_SIZE):
            dep.put("ctp-analyst", b"briefing\n", f"Partner briefing {i + 1}",
                    cls="OFFICIAL", to="all")
        cls.lead = dep.ui("council-lead")
        pages.drawn(cls.browser, cls.lead.url)

    def check(self, name, what):
        """axe-core finds nothing on the page drawn now; Tab reaches all of
        it, each with a visible focus; a screenshot as NAME.png."""
        self.browser.shot(name)
        self.assertNoViolations(what)
        names, reached, unseen = pages.tab_reach(self.browser.driver)
        self.assertTrue(names, f"{what}: nothing to act on")
        missed = [n for i, n in enumerate(names) if i not in reached]
        self.assertEqual(missed, [], f"{what}: Tab never reaches these")
        self.assertEqual(unseen, [], f"{what}: no visible focus on these")
        return names

    def test_a_inbox(self):
        pages.drawn(self.browser, self.lead.base("/inbox"))
        names = self.check("a11y-inbox", "the inbox")
        self.assertEqual(names[0], "a: Skip to main content")
        self.assertIn("a: CTLP 2026", names)
        self.assertIn("button: Sign out", names)

    def test_b_documents_by_keyboard(self):
        d = self.browser.driver
        pages.drawn(self.browser, self.lead.base("/documents"))
        names = self.check("a11y-documents", "the documents page")
        for label in ("Marking", "Title", "Originator", "Created"):
            self.assertTrue(any(n.startswith("button: " + label) for n in names), label)
        count = d.find_element(By.ID, "isa-doc-count")
        self.assertEqual(count.text, f"Showing 1 to {PAGE_SIZE} of {PAGE_SIZE + 1} "
                         "documents, page 1 of 2")

        # Sort by title with the keyboard: the heading says so.
        title = d.find_element(By.CSS_SELECTOR, "button[data-sort=title]")
        pages.press(d, title)
        th = title.find_element(By.XPATH, "..")
        self.assertEqual(th.get_attribute("aria-sort"), "ascending")
        first = d.find_element(By.CSS_SELECTOR, "tbody tr td:nth-child(2)").text
        self.assertEqual(first, "CTLP 2026")
        d.switch_to.active_element.send_keys(Keys.ENTER)  # again: descending
        self.assertEqual(th.get_attribute("aria-sort"), "descending")

        # The next page by keyboard, then back with the previous link.
        pages.press(d, d.find_element(By.CSS_SELECTOR, ".govuk-pagination__next a"))
        pages.wait(d, lambda d: "page 2 of 2" in count.text, "page 2")
        self.assertIn("page=2", d.current_url)
        self.check("a11y-documents-page-2", "the documents' second page")
        pages.press(d, d.find_element(By.CSS_SELECTOR, ".govuk-pagination__prev a"))
        pages.wait(d, lambda d: "page 1 of 2" in count.text, "page 1")

        # The filter, typed.
        box = d.find_element(By.ID, "isa-filter")
        pages.press(d, box, "ctlp")
        self.assertEqual(count.text, f"1 of {PAGE_SIZE + 1} documents match")
        self.assertEqual(len(d.find_elements(By.CSS_SELECTOR, "tbody tr")), 1)
        self.assertNoViolations("the filtered documents page")

    def test_c_document(self):
        pages.drawn(self.browser, self.lead.base(f"/doc/{self.doc}"))
        names = self.check("a11y-document", "a document's page")
        self.assertTrue(any(n.startswith("a: Download") for n in names), names)

    def test_d_whoami(self):
        pages.drawn(self.browser, self.lead.base("/whoami"))
        self.check("a11y-whoami", "whoami")

    def test_e_not_found(self):
        d = self.browser.driver
        pages.drawn(self.browser, self.lead.base(f"/doc/{MISSING}"))
        self.assertEqual(d.find_element(By.TAG_NAME, "h1").text, "Document not found")
        self.check("a11y-notfound", "the not-found page")
        # A path isa ui has no page for: the static page, 404.
        pages.drawn(self.browser, self.lead.base("/no/such/page"))
        self.assertEqual(d.find_element(By.TAG_NAME, "h1").text, "Page not found")
        self.check("a11y-notfound-path", "the unknown path's page")

    def test_f_denied(self):
        d = self.browser.driver
        uni = self.deployment.ui("uni-contact")
        pages.drawn(self.browser, uni.url)
        pages.drawn(self.browser, uni.base(f"/doc/{self.doc}"))
        self.assertEqual(d.find_element(By.TAG_NAME, "h1").text,
                         "You cannot open this document")
        self.check("a11y-denied", "the denied page")

    def test_g_session_ended(self):
        d = self.browser.driver
        ui = self.deployment.ui("police-lead")
        # No session: the static page isa ui sends (403).
        pages.drawn(self.browser, ui.base("/inbox"))
        self.assertEqual(d.find_element(By.TAG_NAME, "h1").text, "Your session has ended")
        self.check("a11y-expired", "the session-expired page")
        # Signed in, then signed out by keyboard: the page says so.
        pages.drawn(self.browser, ui.url)
        pages.press(d, d.find_element(By.ID, "isa-signout"))
        pages.wait(d, lambda d: d.find_elements(By.TAG_NAME, "h1") and
                   d.find_element(By.TAG_NAME, "h1").text == "Your session has ended",
                   "the signed-out page")
        self.assertIn("You have signed out.", pages.main_text(d))
        self.check("a11y-signed-out", "the signed-out page")
        pages.drawn(self.browser, ui.base("/inbox"))  # the cookie is spent
        self.assertEqual(d.find_element(By.TAG_NAME, "h1").text, "Your session has ended")

    def cli_sentence(self, user, *args):
        """What the CLI says after "isa: " when USER runs ARGS and fails."""
        r = self.deployment.isa(user, *args, check=False)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        line = r.stderr.strip().splitlines()[-1]
        self.assertTrue(line.startswith("isa: "), line)
        return line[len("isa: "):]

    def test_h_recalled(self):
        d = self.browser.driver
        dep = self.deployment
        doc = dep.put("board-admin", b"old minutes\n", "Minutes, September",
                      to="group:ppb")
        dep.isa("board-admin", "recall", doc, "--reason", "superseded by October's")
        sentence = self.cli_sentence("council-lead", "info", doc)
        pages.drawn(self.browser, self.lead.base(f"/doc/{doc}"))
        self.assertEqual(d.find_element(By.TAG_NAME, "h1").text,
                         "This document has been recalled")
        self.assertIn(sentence, pages.main_text(d).split("\n"))
        self.check("a11y-recalled", "the recalled page")

    def test_i_key_refused(self):
        # A key isad never enrolled, with a client.conf like the others'.
        d = self.browser.driver
        dep = self.deployment
        subprocess.run([dep.isa_bin, "keygen", "--out", str(dep.dir / "users" / "stranger")],
                       check=True, capture_output=True, timeout=harness.READY_SECONDS)
        conf = (dep.dir / "users" / "council-lead" / "client.conf").read_text()
        (dep.dir / "users" / "stranger" / "client.conf").write_text(conf)
        sentence = self.cli_sentence("stranger", "whoami")
        ui = dep.ui("stranger")
        pages.drawn(self.browser, ui.url)
        self.assertEqual(d.find_element(By.TAG_NAME, "h1").text,
                         "The server did not accept your key")
        self.assertIn(sentence, pages.main_text(d).split("\n"))
        self.check("a11y-key-refused", "the key-refused page")

    def test_z_isad_down(self):
        d = self.browser.driver
        pages.drawn(self.browser, self.lead.base("/inbox"))
        isad = self.deployment.isad
        isad.terminate()
        self.assertEqual(isad.wait(harness.STOP_SECONDS), 0)
        # The inbox waiting for news says the server is gone, and keeps trying.
        problem = d.find_element(By.ID, "isa-inbox-problem")
        pages.wait(d, lambda d: "isa cannot reach the server" in problem.text,
                   "the inbox to say isad is down")
        self.check("a11y-inbox-isad-down", "the inbox with isad down")
        # A page opened now is the error page.
        pages.drawn(self.browser, self.lead.base("/documents"))
        self.assertEqual(d.find_element(By.TAG_NAME, "h1").text,
                         "isa cannot reach the server")
        self.check("a11y-isad-down", "the isad-down page")


if __name__ == "__main__":
    harness.main()
