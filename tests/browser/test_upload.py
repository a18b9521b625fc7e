"""test_upload.py: the /upload page (issue 18 item 1) in Chromium against a
real isad and isa ui: an upload through the page lands in `isa ls --json`
with exactly the marking the check step showed; every invalid combination
of DESIGN §5 cannot be submitted (the page disables or undoes it, and its
error summary stops what is left; nothing reaches isa ui); isad's refusal
comes back word for word with the form kept; the administrator names
another agency and is then not offered the onward rule; derived-from and
supersedes come from the query; Cancel stores nothing; axe-core finds
nothing on the form, its errors, the check step and the done panel; the
keyboard alone fills and sends it. isad unable to record (UNAVAILABLE) is
told as "try again later"; an upload whose end isad never answered says it
may be stored and to look in the documents first, with no terminal command.
A screenshot of each step goes to the output directory.

The deployment is the demo's board with one more caveat, UK-EYES-ONLY
(uk-national, listed first: the line sorts caveats by name), held by the
CT analyst with safeguarding, so that every rule has someone who could
otherwise choose it.
"""

import atexit
import json
import os
import re
import signal
import sys
from pathlib import Path

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

import harness
import pages

# Out of name order on purpose: a marking line sorts caveats by name.
CAVEATS = ('caveats  = ( { name = "UK-EYES-ONLY"; requires = "uk-national"; },\n'
           '             { name = "PERSONAL-DATA"; requires = "safeguarding"; } );\n')
USERS = [u if u[0] != "ctp-analyst" else
         (u[0], u[1], u[2], u[3],
          'roles = [ "approver" ]; attributes = [ "uk-national", "safeguarding" ];')
         for u in harness.BOARD]


class UploadDeployment(harness.Deployment):
    """The demo's board, with UK-EYES-ONLY beside PERSONAL-DATA."""

    def _policy(self, keys):
        text = super()._policy(keys)
        at = text.index("agencies = ")
        assert text.startswith("caveats"), text[:40]
        return CAVEATS + text[at:]


class UploadTest(harness.BrowserTestCase):

    @classmethod
    def setUpClass(cls):
        name = Path(sys.modules[cls.__module__].__file__).stem
        cls.out = harness.out_dir(name)
        cls.deployment = UploadDeployment(cls.out, users=USERS)
        atexit.register(cls.deployment.stop)
        # Test builds' knobs, each acting only while its file exists:
        # isad's commits fail; isa (ui) stops itself before an upload's end.
        cls.fault = cls.deployment.dir / "commit-fault"
        cls.end_stop = cls.deployment.dir / "put-end-stop"
        os.environ["ISAD_TEST_COMMIT_FAULT"] = str(cls.fault)
        os.environ["ISA_TEST_PUT_END_STOP"] = str(cls.end_stop)
        cls.deployment.start()
        cls.browser = harness.Browser(cls.out)
        atexit.register(cls.browser.quit)
        cls.uis = {}
        cls.files = cls.deployment.dir / "to-upload"
        cls.files.mkdir()

    # ---- helpers ----

    def as_user(self, user, path="/upload"):
        """Opens path in user's own isa ui (started and logged in once)."""
        if user not in self.uis:
            self.uis[user] = self.deployment.ui(user)
            pages.drawn(self.browser, self.uis[user].url)
        pages.drawn(self.browser, self.uis[user].base(path))
        return self.browser.driver

    def ids(self, user):
        """The ids `isa ls --json` gives user: {id: marking}."""
        out = self.deployment.isa(user, "ls", "--json").stdout
        return {d["id"]: d["marking"] for d in map(json.loads, out.splitlines())}

    def file(self, name, content):
        path = self.files / name
        path.write_bytes(content)
        return str(path)

    def el(self, css):
        return self.browser.driver.find_element(By.CSS_SELECTOR, css)

    def choose(self, name, value):
        """Clicks the label of the radio or checkbox name=value, as a reader
        would; its input."""
        box = self.el(f"input[name={name}][value='{value}']")
        self.el(f"label[for={box.get_attribute('id')}]").click()
        return box

    def add_to(self, principal):
        Select(self.el("#isa-to-choose")).select_by_value(principal)
        self.el("#isa-to-add").click()

    def fill(self, path, title, cls, to=(), descriptors=(), caveats=(), onward=None,
             handling=None):
        d = self.browser.driver
        self.el("#isa-file").send_keys(path)
        self.el("#isa-title").send_keys(title)
        if cls:
            self.choose("class", cls)
        for x in descriptors:
            self.choose("descriptor", x)
        for x in caveats:
            self.choose("caveat", x)
        if onward:
            self.choose("onward", onward)
        if handling:
            self.el("#isa-handling").send_keys(handling)
        for p in to:
            self.add_to(p)
        return d

    def continue_(self):
        self.el("#isa-continue").click()

    def summary_problems(self):
        """The error summary's items, once it is shown and focused."""
        d = self.browser.driver
        pages.wait(d, lambda d: d.switch_to.active_element.get_attribute("id")
                   == "isa-error-summary", "the error summary to take focus")
        return [a.text for a in d.find_elements(By.CSS_SELECTOR,
                                                "#isa-error-summary li a")]

    def check_step(self):
        """Waits for the check step; its marking line."""
        d = self.browser.driver
        pages.wait(d, lambda d: d.find_element(By.ID, "isa-check").is_displayed(),
                   "the check step")
        return self.el("#isa-check-marking").text

    def upload_and_wait(self):
        """Upload on the check step; the done panel's id."""
        d = self.browser.driver
        self.el("#isa-upload").click()
        pages.wait(d, lambda d: d.find_element(By.ID, "isa-done").is_displayed(),
                   "the done panel")
        return self.el("#isa-done-id").text

    def assert_nothing_sent(self, user, before):
        """isa ui was never asked to upload since the mark, and isad holds
        no document user did not have before."""
        sent = [u for u in self.browser.requests() if "/api/upload" in u]
        self.assertEqual(sent, [])
        self.assertEqual(self.ids(user), before)

    # ---- the tests, in name order ----

    def test_a_upload_as_previewed(self):
        user = "council-lead"
        d = self.as_user(user)
        self.assertEqual(d.title, "Upload a document \u2013 isa: information sharing")
        self.browser.shot("upload-1-form")
        self.assertNoViolations("the upload form")
        # The classifications are the deployment's; BPSS cannot choose SECRET.
        classes = d.find_elements(By.CSS_SELECTOR, "input[name=class]")
        self.assertEqual([c.get_attribute("value") for c in classes],
                         ["OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET"])
        self.assertEqual([c.is_enabled() for c in classes], [True, True, False])
        self.assertIn("Your clearance (BPSS) is below it",
                      self.el("#isa-class-2-hint").text)
        # Each caveat names its attribute and whether the reader holds it.
        self.assertEqual(self.el("#isa-caveat-0-hint").text,
                         "Readers need the attribute safeguarding. You hold it.")
        self.assertIn("You do not hold it", self.el("#isa-caveat-1-hint").text)
        self.assertFalse(self.el("#isa-caveat-1").is_enabled())
        # Only an administrator chooses the originator.
        self.assertEqual(d.find_elements(By.ID, "isa-originator"), [])

        before = self.ids(user)
        path = self.file("panel-notes.txt", b"Panel notes for the board.\n")
        self.fill(path, "Panel notes \u00e9t\u00e9", "OFFICIAL-SENSITIVE",
                  to=("agency:hcc", "group:ppb"), descriptors=("LOCSEN", "PERSONAL"),
                  caveats=("PERSONAL-DATA",), onward="within-agency",
                  handling="Not for the minutes.")
        self.el("#isa-review-by-day").send_keys("31")
        self.el("#isa-review-by-month").send_keys("3")
        self.el("#isa-review-by-year").send_keys("2031")
        self.continue_()
        line = self.check_step()
        self.assertEqual(line, "OFFICIAL-SENSITIVE PERSONAL LOCSEN PERSONAL-DATA "
                         "RECIPIENT AGENCY USE ONLY")
        banner = self.el("#isa-check .isa-banner")
        self.assertEqual(banner.text, line)
        self.assertIn("isa-marking--official-sensitive", banner.get_attribute("class"))
        rows = pages.summary(d)
        self.assertEqual(rows["Title"], "Panel notes \u00e9t\u00e9")
        self.assertEqual(rows["Handling instructions"], "Not for the minutes.")
        self.assertEqual(rows["Distribution list"],
                         "Hampshire County Council (agency:hcc)\ngroup:ppb")
        self.assertEqual(rows["Review by"], "31 March 2031")
        self.assertEqual(d.title, "Check your answers \u2013 isa: information sharing")
        self.browser.shot("upload-2-check")
        self.assertNoViolations("the check step")

        # Change goes back with everything kept; Continue comes back.
        self.el("#isa-change").click()
        self.assertTrue(self.el("#isa-upload-form").is_displayed())
        self.assertEqual(self.el("#isa-title").get_attribute("value"),
                         "Panel notes \u00e9t\u00e9")
        self.continue_()
        self.assertEqual(self.check_step(), line)

        doc = self.upload_and_wait()
        self.assertRegex(doc, r"^[A-Z2-7]{26}$")
        self.assertEqual(d.title, "Uploaded \u2013 isa: information sharing")
        self.assertEqual(self.el("#isa-done .isa-banner").text, line)
        self.browser.shot("upload-3-done")
        self.assertNoViolations("the done panel")
        after = self.ids(user)
        self.assertEqual(set(after) - set(before), {doc})
        self.assertEqual(after[doc], line)  # exactly what the page previewed
        info = json.loads(self.deployment.isa(user, "info", doc, "--json").stdout)
        self.assertEqual(info["title"], "Panel notes \u00e9t\u00e9")
        self.assertEqual(info["to"], ["agency:hcc", "group:ppb"])
        self.assertEqual(info["review_by"], "2031-03-31")
        self.assertEqual(info["filename"], "panel-notes.txt")
        got = self.deployment.isa(user, "get", doc, "-o",
                                  str(self.files / "panel-notes.back"))
        self.assertEqual(got.stderr.splitlines()[0], line)  # as `isa get` prints it
        self.assertEqual((self.files / "panel-notes.back").read_bytes(),
                         b"Panel notes for the board.\n")
        # The panel's link goes to the document's page.
        self.el("#isa-done a[href='/doc/%s']" % doc).click()
        pages.wait(d, lambda d: pages.path(d) == f"/doc/{doc}", "the document's page")

    def test_b_invalid_combinations_cannot_be_sent(self):
        user = "ctp-analyst"  # SC, uk-national and safeguarding: may choose all
        d = self.as_user(user)
        before = self.ids(user)
        self.browser.mark()
        open_ = self.el("#isa-onward-open")
        ukeo = self.el("input[name=caveat][value=UK-EYES-ONLY]")
        pd = self.el("input[name=caveat][value=PERSONAL-DATA]")
        all_ = self.el("#isa-to-choose option[value=all]")

        # FOR PUBLIC RELEASE only on OFFICIAL: another class disables it.
        self.choose("class", "OFFICIAL-SENSITIVE")
        self.assertFalse(open_.is_enabled())
        self.el("label[for=isa-onward-open]").click()
        self.assertFalse(open_.is_selected())
        # ... and one chosen on OFFICIAL is undone, and said, by a class above.
        self.choose("class", "OFFICIAL")
        self.assertTrue(open_.is_enabled())
        self.choose("onward", "open")
        self.choose("class", "SECRET")
        self.assertFalse(open_.is_selected())
        self.assertTrue(self.el("#isa-onward-approval").is_selected())
        pages.wait(d, lambda d: "FOR PUBLIC RELEASE (onward rule open) is only for "
                   "OFFICIAL material" in d.find_element(By.ID, "isa-upload-notice").text,
                   "the change to be said")

        # FOR PUBLIC RELEASE only without caveats: a caveat undoes it.
        self.choose("class", "OFFICIAL")
        self.choose("onward", "open")
        self.choose("caveat", "PERSONAL-DATA")
        self.assertFalse(open_.is_selected())
        self.assertFalse(open_.is_enabled())
        self.choose("caveat", "PERSONAL-DATA")  # off again
        self.assertTrue(open_.is_enabled())

        # UK-EYES-ONLY only on SECRET.
        self.assertFalse(ukeo.is_enabled())
        self.el(f"label[for={ukeo.get_attribute('id')}]").click()
        self.assertFalse(ukeo.is_selected())
        self.choose("class", "SECRET")
        self.assertTrue(ukeo.is_enabled())
        self.choose("caveat", "UK-EYES-ONLY")
        self.choose("class", "OFFICIAL-SENSITIVE")
        self.assertFalse(ukeo.is_selected())
        self.assertFalse(ukeo.is_enabled())
        self.assertTrue(pd.is_enabled())

        # `all` only for OFFICIAL: not offered above it, and taken off.
        self.assertFalse(all_.is_enabled())
        self.choose("class", "OFFICIAL")
        self.assertTrue(all_.is_enabled())
        self.add_to("all")
        self.assertEqual(self.el("#isa-to-list").text.split("\n")[0],
                         "Everyone enrolled (all)")
        self.choose("class", "OFFICIAL-SENSITIVE")
        self.assertEqual(d.find_elements(By.CSS_SELECTOR, "#isa-to-list li"), [])
        self.browser.shot("upload-invalid-disabled")

        # What is left is stopped at Continue, each problem named: nothing
        # chosen at all ...
        self.continue_()
        self.assertEqual(self.summary_problems(), [
            "Choose the file to upload", "Enter a title",
            "Choose at least one recipient for the distribution list"])
        self.assertEqual(d.title, "Error: Upload a document \u2013 isa: information sharing")
        # ... SECRET without handling instructions, an embargo without its
        # time, a date that is not one ...
        path = self.file("invalid.txt", b"never stored\n")
        self.fill(path, "Never stored", "SECRET", to=("agency:ctpse",))
        self.el("#isa-embargo-day").send_keys("1")
        self.el("#isa-embargo-month").send_keys("4")
        self.el("#isa-embargo-year").send_keys("2031")
        self.el("#isa-destroy-after-day").send_keys("31")
        self.el("#isa-destroy-after-month").send_keys("2")
        self.el("#isa-destroy-after-year").send_keys("2031")
        self.continue_()
        self.assertEqual(self.summary_problems(), [
            "SECRET material needs handling instructions",
            "Destroy after must be a real date, for example 31 3 2027",
            "An embargo needs its time: enter the hour and minute (UTC)"])
        self.assertIn("SECRET material needs handling instructions",
                      self.el("#isa-handling-error").text)
        self.assertIn("isa-handling-error",
                      self.el("#isa-handling").get_attribute("aria-describedby"))
        self.browser.shot("upload-invalid-summary")
        self.assertNoViolations("the form with its errors")
        # A summary link takes the focus to its field.
        self.el("#isa-error-summary li a").click()
        self.assertEqual(d.switch_to.active_element.get_attribute("id"), "isa-handling")

        # A state forced past the disabling (a control enabled by hand, as
        # a modified page could) is still stopped by the check at Continue.
        for el in ("#isa-embargo-day", "#isa-embargo-month", "#isa-embargo-year",
                   "#isa-destroy-after-day", "#isa-destroy-after-month",
                   "#isa-destroy-after-year"):
            self.el(el).clear()
        self.el("#isa-handling").send_keys("Keep locked.")
        d.execute_script("const o = document.getElementById('isa-onward-open');"
                         "o.disabled = false; o.checked = true;")
        d.execute_script("const o = document.querySelector("
                         "'input[name=caveat][value=UK-EYES-ONLY]');"
                         "o.disabled = false; o.checked = true;")
        self.choose("class", "OFFICIAL-SENSITIVE")  # undoes both
        d.execute_script("for (const v of ['open']) {"
                         " const o = document.getElementById('isa-onward-' + v);"
                         " o.disabled = false; o.checked = true; }"
                         "const u = document.querySelector("
                         "'input[name=caveat][value=UK-EYES-ONLY]');"
                         "u.disabled = false; u.checked = true;")
        self.continue_()
        self.assertEqual(self.summary_problems(), [
            "The UK-EYES-ONLY caveat is only for SECRET material",
            "FOR PUBLIC RELEASE (onward rule open) is only for OFFICIAL material"])
        self.assert_nothing_sent(user, before)

    def test_c_refusal_word_for_word(self):
        # Rule 6(d): a named user who cannot hold the marking (the police
        # lead lacks safeguarding, which PERSONAL-DATA needs).
        user = "council-lead"
        path = self.file("refused.txt", b"personal data\n")
        cli = self.deployment.isa(user, "put", path, "--title", "Refused",
                                  "--class", "OFFICIAL-SENSITIVE", "--caveat",
                                  "PERSONAL-DATA", "--to", "user:police-lead", check=False)
        self.assertEqual(cli.returncode, 4, cli.stderr)
        sentence = cli.stderr.strip().splitlines()[-1]
        self.assertTrue(sentence.startswith("isa: "), sentence)
        sentence = sentence[len("isa: "):]

        d = self.as_user(user)
        before = self.ids(user)
        self.fill(path, "Refused", "OFFICIAL-SENSITIVE", to=("user:police-lead",),
                  caveats=("PERSONAL-DATA",))
        self.continue_()
        self.check_step()
        self.el("#isa-upload").click()
        pages.wait(d, lambda d: d.switch_to.active_element.get_attribute("id")
                   == "isa-error-summary", "the refusal")
        self.assertEqual(self.el("#isa-refusal").text, sentence)  # word for word
        self.assertTrue(self.el("#isa-upload-form").is_displayed())
        self.assertEqual(self.el("#isa-title").get_attribute("value"), "Refused")
        self.assertTrue(self.el("input[name=caveat][value=PERSONAL-DATA]").is_selected())
        self.assertEqual(self.el("#isa-to-list").text.split("\n")[0],
                         "Police Prevent Lead, Hampshire Constabulary (user:police-lead)")
        self.browser.shot("upload-refused")
        self.assertNoViolations("the refusal")
        self.assertEqual(self.ids(user), before)

    def test_d_admin_names_originator(self):
        user = "board-admin"
        d = self.as_user(user)
        orig = Select(self.el("#isa-originator"))
        self.assertEqual(orig.first_selected_option.get_attribute("value"), "hcc")
        self.assertTrue(self.el("#isa-onward").is_displayed())
        orig.select_by_value("ctpse")
        self.assertFalse(self.el("#isa-onward").is_displayed())
        self.assertTrue(self.el("#isa-onward-fixed").is_displayed())
        orig.select_by_value("hcc")  # their own agency: the choice is back
        self.assertTrue(self.el("#isa-onward").is_displayed())
        self.choose("onward", "within-agency")
        orig.select_by_value("ctpse")  # and undone again
        path = self.file("ctlp.txt", b"CTLP\n")
        self.fill(path, "CTLP for the unit", "OFFICIAL-SENSITIVE", to=("group:ppb",))
        self.continue_()
        self.assertEqual(self.check_step(), "OFFICIAL-SENSITIVE RECIPIENTS ONLY")
        self.assertEqual(pages.summary(d)["Originator"],
                         "Counter Terrorism Policing South East (ctpse)")
        doc = self.upload_and_wait()
        info = json.loads(self.deployment.isa(user, "info", doc, "--json").stdout)
        self.assertEqual(info["originator"], "ctpse")
        self.assertEqual(info["onward"], "approval")
        self.assertEqual(info["ingested_by"], "board-admin")

    def test_e_derived_from_the_query(self):
        parent = self.deployment.put("ctp-analyst", b"the full assessment\n",
                                     "Full assessment", cls="SECRET", to="agency:ctpse",
                                     extra=("--handling", "Keep locked."))
        d = self.as_user("ctp-analyst", f"/upload?derived-from={parent}")
        self.assertEqual(self.el("h1").text, "Make a sanitised version")
        pages.wait(d, lambda d: "Full assessment" in
                   d.find_element(By.ID, "isa-link-derived_from").text, "the parent's title")
        self.assertIn(parent, self.el("#isa-link-derived_from").text)
        self.assertIn("SECRET", self.el("#isa-link-derived_from").text)
        # The page shows the parent: its marking on the banners, top and
        # bottom; and rule 8: only a class below the parent's is offered.
        pages.wait(d, lambda d: d.find_element(By.ID, "isa-banner-top").text
                   .startswith("SECRET"), "the parent's banner")
        self.assertTrue(self.el("#isa-banner-bottom").text.startswith("SECRET"))
        offered = {e.get_attribute("value"): e.is_enabled()
                   for e in d.find_elements(By.CSS_SELECTOR, "input[name=class]")}
        self.assertEqual(offered, {"OFFICIAL": True, "OFFICIAL-SENSITIVE": True,
                                   "SECRET": False}, offered)
        self.assertIn("lower than its parent (SECRET)",
                      self.el("#isa-class-2-hint").text)
        self.browser.shot("upload-derived")
        self.assertNoViolations("the derived-from form")
        path = self.file("briefing.txt", b"the briefing\n")
        self.fill(path, "Briefing", "OFFICIAL", to=("all",), onward="open")
        self.continue_()
        self.assertEqual(self.check_step(), "OFFICIAL FOR PUBLIC RELEASE")
        self.assertEqual(pages.summary(d)["Derived from"], f"Full assessment ({parent})")
        doc = self.upload_and_wait()
        self.assertEqual(self.ids("ctp-analyst")[doc], "OFFICIAL FOR PUBLIC RELEASE")
        info = json.loads(self.deployment.isa("ctp-analyst", "info", doc, "--json").stdout)
        self.assertEqual(info["derived_from"], parent)

        # The link can be taken off: the upload is then a document of its own.
        self.as_user("ctp-analyst", f"/upload?derived-from={parent}")
        self.el("#isa-remove-derived_from").click()
        self.assertEqual(self.browser.driver.find_elements(
            By.ID, "isa-link-derived_from"), [])
        self.assertEqual(self.el("h1").text, "Upload a document")

        # A new version: the old one named, its title offered again.
        d = self.as_user("ctp-analyst", f"/upload?supersedes={doc}")
        self.assertEqual(self.el("h1").text, "Upload a new version")
        pages.wait(d, lambda d: d.find_element(By.ID, "isa-title").get_attribute("value")
                   == "Briefing", "the old version's title")
        self.assertIn(doc, self.el("#isa-link-supersedes").text)

    def test_f_cancel_stores_nothing(self):
        user = "ctp-analyst"
        d = self.as_user(user)
        before = self.ids(user)
        path = self.file("big.bin", bytes(range(256)) * 8192)  # 2 MiB
        self.fill(path, "Cancelled", "OFFICIAL", to=("agency:ctpse",))
        self.continue_()
        self.check_step()
        # Slow the browser's uploads so that Cancel comes mid-body, with
        # no timing guess: the bar has moved, and the body is not all sent.
        d.execute_cdp_cmd("Network.enable", {})
        d.execute_cdp_cmd("Network.emulateNetworkConditions", {
            "offline": False, "latency": 0, "downloadThroughput": -1,
            "uploadThroughput": 64 * 1024})
        try:
            self.el("#isa-upload").click()
            bar = self.el("#isa-progress")
            pages.wait(d, lambda d: 0 < float(bar.get_attribute("value")) < 100,
                       "the upload to be under way")
            self.browser.shot("upload-progress")
            self.assertEqual(self.el("label[for=isa-progress]").text,
                             "Sending big.bin, 2.0 MiB (2,097,152 bytes)")
            self.el("#isa-cancel").click()
            pages.wait(d, lambda d: d.find_elements(By.ID, "isa-cancelled"),
                       "the cancellation to be said")
        finally:
            d.execute_cdp_cmd("Network.emulateNetworkConditions", {
                "offline": False, "latency": 0, "downloadThroughput": -1,
                "uploadThroughput": -1})
        self.assertEqual(self.el("#isa-cancelled").text,
                         "You cancelled the upload: nothing was stored.")
        self.assertTrue(self.el("#isa-check").is_displayed())
        self.assertEqual(self.ids(user), before)

    def test_g_keyboard_alone(self):
        user = "council-lead"
        d = self.as_user(user)
        names, reached, unseen = pages.tab_reach(d, max_steps=200)
        # A group of radios is one Tab stop (the arrows move within it).
        groups = d.execute_script("return window.isaActions.map("
                                  "e => e.type === 'radio' ? e.name : null);")
        stops = {groups[i] for i in reached if groups[i]}
        missed = [n for i, n in enumerate(names)
                  if i not in reached and not (groups[i] and groups[i] in stops)]
        self.assertEqual(missed, [], "Tab never reaches these")
        self.assertEqual(unseen, [], "no visible focus on these")

        before = self.ids(user)
        keys = ActionChains(d)
        path = self.file("by-keyboard.txt", b"typed\n")
        # A file is chosen in the system's dialog, which Enter opens; the
        # driver stands in for that dialog.
        self.tab_to(self.el("#isa-file"))
        self.el("#isa-file").send_keys(path)
        self.tab_to(self.el("#isa-title"))
        keys.send_keys("Typed note").perform()
        self.tab_to(self.el("#isa-class-0"))  # OFFICIAL
        ActionChains(d).send_keys(Keys.SPACE).perform()
        select = self.el("#isa-to-choose")
        values = [o.get_attribute("value") for o in
                  select.find_elements(By.TAG_NAME, "option")]
        self.tab_to(select)
        ActionChains(d).send_keys(*[Keys.ARROW_DOWN] * values.index("agency:hcc")).perform()
        self.tab_to(self.el("#isa-to-add"))
        ActionChains(d).send_keys(Keys.ENTER).perform()
        self.assertEqual(self.el("#isa-to-list").text.split("\n")[0],
                         "Hampshire County Council (agency:hcc)")
        self.tab_to(self.el("#isa-continue"))
        ActionChains(d).send_keys(Keys.ENTER).perform()
        self.assertEqual(self.check_step(), "OFFICIAL RECIPIENTS ONLY")
        self.tab_to(self.el("#isa-upload"))
        ActionChains(d).send_keys(Keys.ENTER).perform()
        pages.wait(d, lambda d: d.find_element(By.ID, "isa-done").is_displayed(),
                   "the done panel")
        doc = self.el("#isa-done-id").text
        self.assertEqual(set(self.ids(user)) - set(before), {doc})

    def test_h_secret_with_caveats_in_name_order(self):
        user = "ctp-analyst"
        d = self.as_user(user)
        before = self.ids(user)
        path = self.file("secret.txt", b"secret\n")
        self.fill(path, "Secret assessment", "SECRET", to=("user:ctp-analyst",),
                  descriptors=("COMMERCIAL",),
                  caveats=("UK-EYES-ONLY", "PERSONAL-DATA"), handling="Keep locked.")
        self.continue_()
        line = self.check_step()
        self.assertEqual(line, "SECRET COMMERCIAL PERSONAL-DATA UK-EYES-ONLY "
                         "RECIPIENTS ONLY")
        self.assertIn("isa-marking--secret",
                      self.el("#isa-check .isa-banner").get_attribute("class"))
        doc = self.upload_and_wait()
        self.assertEqual(self.ids(user)[doc], line)
        self.assertEqual(set(self.ids(user)) - set(before), {doc})

    def test_i_server_could_not_record_or_confirm(self):
        dep = self.deployment
        if not (harness.test_build(dep.isad_bin, "ISAD_TEST_COMMIT_FAULT") and
                harness.test_build(dep.isa_bin, "ISA_TEST_PUT_END_STOP")):
            self.skipTest("only test builds read ISAD_TEST_COMMIT_FAULT and "
                          "ISA_TEST_PUT_END_STOP")
        user = "district-commander"
        d = self.as_user(user)
        before = self.ids(user)
        path = self.file("unrecorded.txt", b"unrecorded\n" * 1000)

        # isad answers that it cannot record it (its commits fail): its
        # sentence, and "try again later", not "change what it names".
        self.fill(path, "Unrecorded", "OFFICIAL", to=("agency:police",))
        self.continue_()
        self.check_step()
        self.fault.write_text("")
        try:
            self.el("#isa-upload").click()
            pages.wait(d, lambda d: d.switch_to.active_element.get_attribute("id")
                       == "isa-error-summary", "the refusal")
        finally:
            self.fault.unlink()
        self.assertTrue(self.el("#isa-refusal").text.startswith(
            "unavailable: isad could not record this"), self.el("#isa-refusal").text)
        self.assertEqual(self.el("#isa-refusal-advice").text,
                         "Nothing was stored. Try again later. If it keeps "
                         "happening, tell the board administrator.")
        self.assertEqual(self.el(".govuk-error-summary__title").text,
                         "The document was not uploaded")
        self.assertEqual(self.ids(user), before)

        # Sent again, its end goes out and isad (stopped) never answers.
        self.continue_()
        self.check_step()
        ui = self.uis[user]
        self.end_stop.write_text("")
        try:
            self.el("#isa-upload").click()
            # isa ui stops itself once every chunk is acknowledged, before
            # it sends the end: then isad is stopped, and isa ui let go.
            _, st = os.waitpid(ui.proc.pid, os.WUNTRACED)
            self.assertTrue(os.WIFSTOPPED(st), "isa ui ended before the upload's end")
            self.end_stop.unlink()
            os.kill(dep.isad.pid, signal.SIGSTOP)
            try:
                os.kill(ui.proc.pid, signal.SIGCONT)
                pages.wait(d, lambda d: d.switch_to.active_element.get_attribute("id")
                           == "isa-error-summary", "the failure")
            finally:
                os.kill(dep.isad.pid, signal.SIGCONT)
        finally:
            if self.end_stop.exists():
                self.end_stop.unlink()
                os.kill(ui.proc.pid, signal.SIGCONT)
        self.assertEqual(self.el(".govuk-error-summary__title").text,
                         "The upload was not confirmed")
        self.assertTrue(self.el("#isa-refusal").text.startswith(
            "isad did not confirm the upload, so it may or may not be stored: "),
            self.el("#isa-refusal").text)
        self.assertEqual(self.el("#isa-refusal-advice").text,
                         "It may or may not have been stored. Look for it in "
                         "your documents before you send it again, or it may "
                         "be stored twice.")
        self.assertEqual(self.el("#isa-refusal-advice a").get_attribute("href"),
                         ui.base("/documents"))
        self.assertNotIn("isa ls", self.el("#isa-error-summary").text)
        self.browser.shot("upload-unconfirmed")
        self.assertNoViolations("an upload not confirmed")

    def tab_to(self, element):
        """Tab (forward from where the focus is) until element has it."""
        d = self.browser.driver
        keys = ActionChains(d)
        for _ in range(200):
            if d.switch_to.active_element == element:
                return
            keys.send_keys(Keys.TAB).perform()
        raise AssertionError(f"Tab never reached {element.get_attribute('id')}")


if __name__ == "__main__":
    harness.main()
