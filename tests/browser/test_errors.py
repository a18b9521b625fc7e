"""test_errors.py: the error pages a person meets besides not found, denied,
session ended and isad down (test_a11y): a key isad does not know, and a
document recalled while its reader has it open. Each says what `isa` says,
word for word, under a heading that says what to do, and axe-core finds no
violation on it. A screenshot of each goes to the output directory.
"""

import shutil

from selenium.webdriver.common.by import By

import harness
import pages


class ErrorPagesTest(harness.BrowserTestCase):

    def test_key_refused(self):
        """A key nobody enrolled: every page says isad refused it, with the
        CLI's sentence (the same one `isa whoami` prints)."""
        dep = self.deployment
        d = self.browser.driver
        dep._run([dep.isa_bin, "keygen", "--out", "users/stranger"])
        shutil.copy(dep.conf("council-lead"), dep.conf("stranger"))
        cli = dep.isa("stranger", "whoami", check=False)
        self.assertEqual(cli.returncode, 5)
        sentence = cli.stderr.strip().removeprefix("isa: ")
        ui = dep.ui("stranger")
        pages.drawn(self.browser, ui.url)
        pages.drawn(self.browser, ui.base("/whoami"))
        self.assertEqual(d.find_element(By.TAG_NAME, "h1").text,
                         "The server did not accept your key")
        self.assertIn(sentence, pages.main_text(d))
        self.browser.shot("error-key-refused")
        self.assertNoViolations("the key-refused page")

    def test_recalled_while_open(self):
        """The reader has the document's page open; the originator's side
        recalls it; the next look says recalled, in the CLI's words."""
        dep = self.deployment
        d = self.browser.driver
        doc = dep.put("board-admin", b"profile\n", "Recalled profile",
                      to="user:council-lead", originator="ctpse")
        lead = dep.ui("council-lead")
        pages.drawn(self.browser, lead.url)
        pages.drawn(self.browser, lead.base(f"/doc/{doc}"))
        self.assertEqual(d.find_element(By.TAG_NAME, "h1").text.splitlines()[-1],
                         "Recalled profile")
        dep.isa("board-admin", "recall", doc, "--reason", "superseded")
        cli = dep.isa("council-lead", "info", doc, check=False)
        self.assertEqual(cli.returncode, 3)
        sentence = cli.stderr.strip().removeprefix("isa: ")
        pages.drawn(self.browser, lead.base(f"/doc/{doc}"))
        self.assertEqual(d.find_element(By.TAG_NAME, "h1").text,
                         "This document has been recalled")
        self.assertIn(sentence, pages.main_text(d))
        self.browser.shot("error-recalled")
        self.assertNoViolations("the recalled page")


if __name__ == "__main__":
    harness.main()
