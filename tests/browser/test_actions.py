"""test_actions.py: share, decide and recall in a browser (issue 18 items 2,
3 and 5), each user in their own `isa ui`, isad's state checked with the CLI.

A share granted at once by the originator's approver, and the Chair's
oversight notice of it without the title (she may not read the document);
a share by a reader under `approval` that becomes a request (by keyboard
alone), the target's "not found" before the approval and access after;
approve and refuse on /requests, the requester's inbox showing each
outcome; a refusal by isad (a stale row, a police lead who may not decide)
shown word for word as the CLI says it; a recall with its confirmation
naming the document, and another reader's open page saying recalled at
their next action (download, share, reload); CSRF (no token, a wrong one,
a foreign Origin) on share, approve, refuse and recall refused 403 with
nothing changed; a missing reason refused with a sentence; axe-core on the
share form, the recall confirmation and the requests page; screenshots.

The tests run in name order (unittest's), each taking the story on a step.
"""

import http.client
import json
import secrets

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

import harness
import pages

CTLP = "CTLP 2026 (actions)"
NOTE = "Analyst working note"
RECALL = "Briefing to recall"
RECALL2 = "Briefing recalled while open"
GUARDED = "CSRF guarded note"


def post(ui, session, path, body, token=None, origin=None, raw=None):
    """POST body (an object, as JSON; raw: bytes as they are) with the
    session (cookie and key), X-CSRF-Token token and Origin origin (each
    left out when None): (status, parsed JSON answer)."""
    headers = session.headers(Content_Type="application/json")
    if token is not None:
        headers["X-CSRF-Token"] = token
    if origin is not None:
        headers["Origin"] = origin
    data = raw if raw is not None else json.dumps(body).encode()
    conn = http.client.HTTPConnection("127.0.0.1", ui.port, timeout=harness.READY_SECONDS)
    try:
        conn.request("POST", path, body=data, headers=headers)
        r = conn.getresponse()
        return r.status, json.loads(r.read())
    finally:
        conn.close()


def get(ui, session, path, key=True):
    """GET path (with the key header unless key is False): (status, body)."""
    headers = session.headers() if key else {"Cookie": session.cookie}
    conn = http.client.HTTPConnection("127.0.0.1", ui.port, timeout=harness.READY_SECONDS)
    try:
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def csrf_of(ui, session):
    status, body = get(ui, session, "/api/session")
    assert status == 200, body
    return json.loads(body)["csrf"]


class ActionsTest(harness.BrowserTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        dep = cls.deployment
        # The demo's CTLP: ingested by the administrator for ctpse, to the board.
        cls.ctlp = dep.put("board-admin", b"CTLP body\n", CTLP, originator="ctpse")
        # The analyst's own note, for ctpse alone: the Chair may not read it.
        cls.note = dep.put("ctp-analyst", b"working note\n", NOTE, to="agency:ctpse")
        cls.recall_doc = dep.put("ctp-analyst", b"to recall\n", RECALL, cls="OFFICIAL")
        cls.recall_doc2 = dep.put("ctp-analyst", b"to recall too\n", RECALL2,
                                  cls="OFFICIAL")
        cls.guarded = dep.put("board-admin", b"guarded\n", GUARDED, originator="ctpse")
        # The browser's users, each logged in once; and two for raw HTTP.
        cls.b = {}
        for user in ("ctp-analyst", "police-lead", "board-chair", "council-lead",
                     "board-admin"):
            ui = dep.ui(user)
            pages.drawn(cls.browser, ui.url)
            cls.b[user] = ui
        cls.api = {u: dep.ui(u) for u in ("police-lead", "ctp-analyst")}
        cls.sess = {u: harness.http_login(ui) for u, ui in cls.api.items()}
        cls.req = {}

    # -- helpers -------------------------------------------------------------

    def open(self, user, path):
        pages.drawn(self.browser, self.b[user].base(path))
        return self.browser.driver

    def cli_sentence(self, user, *args):
        """What `isa ARGS` says after "isa: " when USER runs it and fails."""
        r = self.deployment.isa(user, *args, check=False)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        line = r.stderr.strip().splitlines()[-1]
        self.assertTrue(line.startswith("isa: "), line)
        return line[len("isa: "):]

    def readable(self, user, doc):
        """Whether `isa info DOC` answers USER (else: not found, exit 3)."""
        r = self.deployment.isa(user, "info", doc, check=False)
        self.assertIn(r.returncode, (0, 3), r.stderr)
        return r.returncode == 0

    def requests(self, user):
        """`isa requests --all --json` for USER: {id: request}."""
        out = self.deployment.isa(user, "requests", "--all", "--json").stdout
        return {q["id"]: q for q in map(json.loads, out.splitlines())}

    def state(self, doc):
        """The document's state as its author's `isa info` says it
        (recalled: "gone: ..." on stderr)."""
        r = self.deployment.isa("ctp-analyst", "info", doc, "--json", check=False)
        if r.returncode == 0:
            return json.loads(r.stdout)["state"]
        self.assertIn("was recalled", r.stderr)
        return "recalled"

    def share_form(self, d):
        """The share form, once its target list is in: (select, reason, button)."""
        pages.wait(d, lambda d: d.find_elements(By.ID, "isa-share-to"),
                   "the share form")
        return (d.find_element(By.ID, "isa-share-to"),
                d.find_element(By.CSS_SELECTOR, "#isa-share-form textarea"),
                d.find_element(By.ID, "isa-share-submit"))

    def result(self, d, slot):
        """The text of slot (an id) once something is in it."""
        pages.wait(d, lambda d: d.find_element(By.ID, slot).text.strip(),
                   f"an answer in #{slot}")
        return d.find_element(By.ID, slot).text

    def inbox_row(self, d, kind, doc):
        """The inbox row of kind about doc (waits for it)."""
        def find(d):
            for row in d.find_elements(By.CSS_SELECTOR, f"tr[data-kind={kind}]"):
                if doc in row.text or row.find_elements(
                        By.CSS_SELECTOR, f"a[href='/doc/{doc}']"):
                    return row
            return None
        return pages.wait(d, find, f"a {kind} entry about {doc} in the inbox")

    def focused_is(self, d, element):
        return d.switch_to.active_element == element

    def tab_to(self, d, element):
        """Moves the focus to element with Tab alone (fails if it never
        gets there)."""
        d.execute_script("if (document.activeElement) document.activeElement.blur();")
        keys = ActionChains(d)
        for _ in range(150):
            keys.send_keys(Keys.TAB).perform()
            if self.focused_is(d, element):
                return
        self.fail(f"Tab never reached {element.tag_name}")

    # -- share -----------------------------------------------------------------

    def test_a_share_granted_by_the_originators_approver(self):
        note = self.note
        self.assertFalse(self.readable("police-lead", note))
        d = self.open("ctp-analyst", f"/doc/{note}")
        to, reason, button = self.share_form(d)
        # Who may be chosen: the directory, with names and agencies; `all`
        # only on OFFICIAL (this is OFFICIAL-SENSITIVE).
        options = {o.get_attribute("value"): o.text for o in Select(to).options}
        self.assertEqual(options["user:police-lead"],
                         "Police Prevent Lead, Hampshire Constabulary (user:police-lead)")
        self.assertIn("agency:police", options)
        self.assertIn("group:ppb", options)
        self.assertNotIn("all", options)
        self.assertNotIn("user:ctp-analyst", options)  # not oneself
        self.assertIn("You may grant this yourself", d.find_element(
            By.ID, "isa-share-to-hint").text)
        self.assertNoViolations("the share form")
        self.browser.shot("share-form")

        # Nothing chosen, no reason: the form says both, nothing is sent.
        button.click()
        summary = d.find_element(By.CSS_SELECTOR, "#isa-share-result .govuk-error-summary")
        self.assertTrue(self.focused_is(d, summary))
        self.assertIn("Choose who to share with", summary.text)
        self.assertIn("Enter why they need it: a share needs a reason", summary.text)
        self.assertEqual(d.find_element(By.ID, "isa-share-to-error")
                         .get_attribute("textContent"), "Error: Choose who to share with")
        self.assertNoViolations("the share form with its errors")
        self.browser.shot("share-form-errors")
        self.assertFalse(self.readable("police-lead", note))

        Select(to).select_by_value("user:police-lead")
        reason.send_keys("Needed for the Channel panel on Thursday")
        button.click()
        said = self.result(d, "isa-share-result")
        self.assertIn("Police Prevent Lead (user:police-lead) may now read this; the "
                      "Chair and the administrator are notified.", said)
        self.browser.shot("share-granted")
        self.assertTrue(self.readable("police-lead", note))

    def test_b_chair_notice_without_the_title(self):
        note = self.note
        self.assertFalse(self.readable("board-chair", note))
        out = self.deployment.isa("board-chair", "inbox", "--json").stdout
        notices = [e for e in map(json.loads, out.splitlines())
                   if e["kind"] == "notice" and e["doc"] == note]
        self.assertEqual(len(notices), 1, out)
        self.assertNotIn("title", notices[0])  # isad sends none: she may not read it

        d = self.open("board-chair", "/inbox")
        row = self.inbox_row(d, "notice", note)
        pages.wait(d, lambda d: "Police Prevent Lead" in row.text, "the names")
        text = row.text
        self.assertIn("Oversight notice", text)
        self.assertIn(note, text)
        self.assertIn(notices[0]["marking"], text)
        # Granted at once by the originator's approver: she asked and
        # approved, said once.
        self.assertIn("shared with Police Prevent Lead (user:police-lead) by CT "
                      "Policing Analyst (ctp-analyst), who may grant it.", text)
        self.assertNotIn("at the request of", text)
        self.assertIn("Originator: Counter Terrorism Policing South East (agency:ctpse)",
                      text)
        self.assertNotIn(NOTE, d.find_element(By.ID, "main-content").text)
        self.assertNoViolations("the Chair's inbox with a notice")
        self.assertEqual(row.find_elements(By.CSS_SELECTOR, "a[href^='/doc/']"), [],
                         "a link to a document she may not read")
        self.browser.shot("chair-notice")

    def test_c_share_becomes_a_request_by_keyboard(self):
        ctlp = self.ctlp
        self.assertFalse(self.readable("district-commander", ctlp))
        d = self.open("police-lead", f"/doc/{ctlp}")
        to, reason, button = self.share_form(d)
        self.assertIn("Your share becomes a request", d.find_element(
            By.ID, "isa-share-to-hint").text)
        self.assertEqual(d.find_elements(By.ID, "isa-recall-form"), [],
                         "recall offered to a reader")
        self.assertEqual(d.find_elements(By.LINK_TEXT, "Make a sanitised version"), [])
        # Tab to the list, arrow to the commander, Tab to the reason, type,
        # Tab to the button and press Enter: no mouse.
        self.tab_to(d, to)
        keys = ActionChains(d)
        for _ in range(len(Select(to).options)):
            if to.get_attribute("value") == "user:district-commander":
                break
            keys.send_keys(Keys.DOWN).perform()
        self.assertEqual(to.get_attribute("value"), "user:district-commander")
        keys.send_keys(Keys.TAB).perform()
        self.assertTrue(self.focused_is(d, reason))
        keys.send_keys("Operational briefing for the district").perform()
        keys.send_keys(Keys.TAB).perform()
        self.assertTrue(self.focused_is(d, button))
        keys.send_keys(Keys.ENTER).perform()
        said = self.result(d, "isa-share-result")
        self.assertIn("Request filed", said)
        self.assertIn("The originator decides whether District Commander "
                      "(user:district-commander) may read this; you will hear in "
                      "your inbox.", said)
        req = d.find_element(By.ID, "isa-share-request").text
        self.assertRegex(req, r"^[A-Z2-7]{26}$")
        self.assertTrue(self.focused_is(d, d.find_element(
            By.CSS_SELECTOR, "#isa-share-result .govuk-notification-banner")))
        self.assertNoViolations("the share form with its answer")
        self.browser.shot("share-request")
        ActionsTest.req["commander"] = req
        q = self.requests("police-lead")[req]
        self.assertEqual((q["state"], q["target"], q["doc"]),
                         ("pending", "user:district-commander", ctlp))
        # Not before the approval.
        self.assertFalse(self.readable("district-commander", ctlp))

    # -- decide ----------------------------------------------------------------

    def test_d_approve_on_the_requests_page(self):
        req = self.req.get("commander") or self.skipTest("no request from test_c")
        d = self.open("ctp-analyst", "/inbox")
        row = self.inbox_row(d, "request", self.ctlp)
        self.assertIn("Request awaiting your decision", row.text)
        pages.wait(d, lambda d: "Police Prevent Lead (police-lead) asks to share this "
                   "with District Commander (user:district-commander)" in row.text,
                   "the request's names")
        row.find_element(By.LINK_TEXT, "Decide on your requests page").click()
        pages.wait(d, lambda d: pages.path(d) == "/requests", "the requests page")
        pages.drawn(self.browser)
        self.assertEqual(d.title, "Requests \u2013 isa: information sharing")
        tr = d.find_element(By.ID, f"isa-req-{req}")
        self.assertIn("Operational briefing for the district", tr.text)
        self.assertIn(CTLP, tr.text)  # she may read it: its title, with its id
        self.assertIn(self.ctlp, tr.text)
        self.assertIn("Police Prevent Lead (police-lead)", tr.text)
        self.assertIn("District Commander (user:district-commander)", tr.text)
        self.assertIn("Pending", tr.text)
        self.assertEqual(pages.banners(d)[0][0], "OFFICIAL-SENSITIVE RECIPIENTS ONLY")
        self.assertNoViolations("the requests page")
        self.browser.shot("requests")

        tr.find_element(By.CSS_SELECTOR, "button[data-action=approve]").click()
        pages.wait(d, lambda d: "Approved:" in d.find_element(
            By.ID, f"isa-req-{req}").text, "the row to show the approval")
        tr = d.find_element(By.ID, f"isa-req-{req}")
        self.assertIn("Approved", tr.text)
        self.assertIn("by CT Policing Analyst (ctp-analyst)", tr.text)
        self.assertEqual(tr.find_elements(By.TAG_NAME, "button"), [])
        self.assertTrue(self.focused_is(d, tr.find_element(By.CSS_SELECTOR,
                                                           "[role=status]")))
        self.assertNoViolations("the requests page after an approval")
        self.browser.shot("requests-approved")
        self.assertEqual(self.requests("ctp-analyst")[req]["state"], "approved")
        self.assertTrue(self.readable("district-commander", self.ctlp))

        d = self.open("police-lead", "/inbox")
        row = self.inbox_row(d, "decided", self.ctlp)
        pages.wait(d, lambda d: "by CT Policing Analyst" in row.text, "the names")
        self.assertIn("Your request decided", row.text)
        self.assertIn("Your request to share this with District Commander "
                      "(user:district-commander) was approved by CT Policing Analyst "
                      "(ctp-analyst).", row.text)
        self.assertTrue(row.find_elements(By.CSS_SELECTOR, ".govuk-tag--green"))
        self.assertIn(CTLP, row.text)  # she may read it: its title
        self.browser.shot("inbox-approved")

    def test_e_refuse_with_a_reason(self):
        out = self.deployment.isa("police-lead", "share", self.ctlp, "--to",
                                  "agency:police", "--reason", "the whole force").stdout
        req = out.strip().splitlines()[-1]
        d = self.open("ctp-analyst", "/requests")
        tr = d.find_element(By.ID, f"isa-req-{req}")
        # By keyboard alone: Refuse opens the reason, which takes the focus;
        # an empty one is said; then type, Tab to the button, Enter.
        keys = ActionChains(d)
        pages.press(d, tr.find_element(By.CSS_SELECTOR, "button[data-action=refuse-open]"))
        reason = tr.find_element(By.TAG_NAME, "textarea")
        self.assertTrue(self.focused_is(d, reason))
        self.assertFalse(tr.find_element(By.CSS_SELECTOR, "button[data-action=approve]")
                         .is_displayed(), "Approve beside the refusal's reason")
        self.assertEqual(tr.find_elements(By.CSS_SELECTOR, ".govuk-error-message"), [])
        submit = tr.find_element(By.CSS_SELECTOR, "button[data-action=refuse]")
        keys.send_keys(Keys.TAB).perform()
        self.assertTrue(self.focused_is(d, submit))
        keys.send_keys(Keys.ENTER).perform()
        summary = tr.find_element(By.CSS_SELECTOR, ".govuk-error-summary")
        self.assertTrue(self.focused_is(d, summary))
        self.assertIn("Enter why you refuse it: a refusal needs a reason", summary.text)
        self.assertNoViolations("the refusal form with its error")
        self.browser.shot("refuse-error")
        self.assertEqual(self.requests("ctp-analyst")[req]["state"], "pending")

        self.tab_to(d, reason)
        keys.send_keys("Too wide: name the officers who need it").perform()
        keys.send_keys(Keys.TAB, Keys.ENTER).perform()
        pages.wait(d, lambda d: "Refused:" in d.find_element(
            By.ID, f"isa-req-{req}").text, "the row to show the refusal")
        tr = d.find_element(By.ID, f"isa-req-{req}")
        self.assertIn("Reason: Too wide: name the officers who need it", tr.text)
        # The decided table: four columns, nothing else in a row.
        for row in d.find_elements(By.CSS_SELECTOR, "#isa-requests-decided tbody tr"):
            self.assertEqual(len(row.find_elements(By.TAG_NAME, "td")), 4, row.text)
            self.assertNotIn("null", row.text)
        q = self.requests("ctp-analyst")[req]
        self.assertEqual((q["state"], q["decision_reason"]),
                         ("refused", "Too wide: name the officers who need it"))

        d = self.open("police-lead", "/inbox")
        pages.wait(d, lambda d: [r for r in d.find_elements(
            By.CSS_SELECTOR, "tr[data-kind=decided]") if "was refused by" in r.text],
            "the refusal in the requester's inbox")
        row = [r for r in d.find_elements(By.CSS_SELECTOR, "tr[data-kind=decided]")
               if "was refused by" in r.text][0]
        self.assertIn("Hampshire Constabulary (agency:police) was refused by", row.text)
        self.assertTrue(row.find_elements(By.CSS_SELECTOR, ".govuk-tag--red"))
        self.browser.shot("inbox-refused")

    def test_f_isads_refusal_word_for_word(self):
        dep = self.deployment
        out = dep.isa("police-lead", "share", self.ctlp, "--to", "agency:hcc",
                      "--reason", "for the council's panel").stdout
        req = out.strip().splitlines()[-1]
        # The requester sees her request, and no button to decide it.
        d = self.open("police-lead", "/requests")
        tr = d.find_element(By.ID, f"isa-req-{req}")
        self.assertIn("Pending", tr.text)
        self.assertEqual(tr.find_elements(By.TAG_NAME, "button"), [])
        # The administrator sees it too (DESIGN §5) but only relays: no
        # button either (she ingested the CTLP for ctpse: not its author).
        d = self.open("board-admin", "/requests")
        tr = d.find_element(By.ID, f"isa-req-{req}")
        self.assertIn("Pending", tr.text)
        self.assertEqual(tr.find_elements(By.TAG_NAME, "button"), [])
        self.assertTrue(self.cli_sentence("board-admin", "approve", req)
                        .startswith("denied: "))
        # Forced through the API, isad says no, as the CLI says it.
        sentence = self.cli_sentence("police-lead", "approve", req)
        self.assertTrue(sentence.startswith("denied: "), sentence)
        status, body = post(self.api["police-lead"], self.sess["police-lead"],
                            f"/api/request/{req}/approve", {},
                            csrf_of(self.api["police-lead"], self.sess["police-lead"]),
                            self.api["police-lead"].origin)
        self.assertEqual(status, 403, body)
        self.assertEqual(body["error"]["kind"], "denied")
        self.assertEqual(body["error"]["message"], sentence)

        # A stale row: decided meanwhile (by the CLI); the page's Approve
        # then shows isad's sentence, word for word.
        d = self.open("ctp-analyst", "/requests")
        tr = d.find_element(By.ID, f"isa-req-{req}")
        dep.isa("ctp-analyst", "refuse", req, "--reason", "decided elsewhere")
        tr.find_element(By.CSS_SELECTOR, "button[data-action=approve]").click()
        summary = pages.wait(d, lambda d: tr.find_elements(
            By.CSS_SELECTOR, ".govuk-error-summary"), "the refusal")[0]
        sentence = self.cli_sentence("ctp-analyst", "approve", req)
        self.assertIn(sentence, summary.text.split("\n"))
        self.assertTrue(self.focused_is(d, summary))
        self.assertEqual(self.requests("ctp-analyst")[req]["state"], "refused")
        self.browser.shot("requests-refused-by-isad")

    # -- recall ----------------------------------------------------------------

    def test_g_recall_confirmed_and_the_open_reader_cut_off(self):
        doc = self.recall_doc
        d = self.browser.driver
        # The council lead has the document open, in a tab of her own.
        reader = d.current_window_handle
        self.open("council-lead", f"/doc/{doc}")
        href = d.find_element(By.ID, "isa-download").get_attribute("href")

        d.switch_to.new_window("tab")
        try:
            self.open("ctp-analyst", f"/doc/{doc}")
            links = {a.text: a.get_attribute("href") for a in d.find_elements(
                By.CSS_SELECTOR, "section a.govuk-link")}
            self.assertEqual(links["Make a sanitised version"],
                             self.b["ctp-analyst"].base(f"/upload?derived-from={doc}"))
            self.assertEqual(links["Upload a new version"],
                             self.b["ctp-analyst"].base(f"/upload?supersedes={doc}"))
            submit = d.find_element(By.ID, "isa-recall-submit")
            submit.click()
            summary = d.find_element(By.CSS_SELECTOR,
                                     "#isa-recall-result .govuk-error-summary")
            self.assertIn("a recall needs a reason", summary.text)
            reason = d.find_element(By.CSS_SELECTOR, "#isa-recall-form textarea")
            reason.send_keys("Sent to the wrong board")
            submit.click()
            question = d.find_element(By.ID, "isa-recall-question")
            self.assertEqual(question.text, f"Recall \u201c{RECALL}\u201d ({doc})?")
            self.assertTrue(self.focused_is(d, question))
            self.assertEqual(self.state(doc), "active")  # asked, not yet done
            self.assertNoViolations("the recall confirmation")
            self.browser.shot("recall-confirm")
            # "No" goes back, and nothing happened.
            d.find_element(By.ID, "isa-recall-cancel").click()
            self.assertTrue(self.focused_is(d, reason))
            self.assertEqual(self.state(doc), "active")
            submit.click()
            # Confirmed by keyboard: the question has the focus; Tab, Enter.
            self.assertTrue(self.focused_is(d, d.find_element(By.ID, "isa-recall-question")))
            ActionChains(d).send_keys(Keys.TAB).perform()
            self.assertTrue(self.focused_is(d, d.find_element(By.ID, "isa-recall-confirm")))
            ActionChains(d).send_keys(Keys.ENTER).perform()
            pages.wait(d, lambda d: d.find_elements(By.ID, "isa-recalled"),
                       "the page to say recalled")
            self.assertEqual(d.find_element(By.TAG_NAME, "h1").text, "Document recalled")
            self.assertIn(f"\u201c{RECALL}\u201d ({doc})", pages.main_text(d))
            self.assertEqual(d.title, "Document recalled \u2013 isa: information sharing")
            self.browser.shot("recalled")
            self.assertEqual(self.state(doc), "recalled")
        finally:
            d.close()
            d.switch_to.window(reader)

        # Her next action, the download, says recalled (part 1's page).
        sentence = self.cli_sentence("council-lead", "info", doc)
        self.assertTrue(sentence.startswith("gone: "), sentence)
        d.find_element(By.ID, "isa-download").click()
        pages.wait(d, lambda d: d.find_element(By.TAG_NAME, "h1").text ==
                   "This document has been recalled", "the recalled page")
        self.assertIn(sentence, pages.main_text(d).split("\n"))
        self.browser.shot("reader-recalled")
        # The link itself answers recalled too (its key in the query).
        ui = self.deployment.ui("council-lead")
        s = harness.http_login(ui)
        status, body = get(ui, s, f"/api/doc/{doc}/content?k={s.key}", key=False)
        self.assertEqual(status, 410, body)
        self.assertEqual(json.loads(body)["error"]["kind"], "recalled")
        self.assertEqual(json.loads(body)["error"]["message"], sentence)
        self.assertRegex(href, r"/api/doc/%s/content\?k=[0-9a-f]{64}$" % doc)
        # And the page again: recalled.
        self.open("council-lead", f"/doc/{doc}")
        self.assertEqual(d.find_element(By.TAG_NAME, "h1").text,
                         "This document has been recalled")

    def test_h_share_on_an_open_page_after_a_recall(self):
        doc = self.recall_doc2
        d = self.open("council-lead", f"/doc/{doc}")
        to, reason, button = self.share_form(d)
        # OFFICIAL: `all` may be chosen.
        self.assertIn("all", [o.get_attribute("value") for o in Select(to).options])
        self.deployment.isa("ctp-analyst", "recall", doc, "--reason", "withdrawn")
        Select(to).select_by_value("user:police-lead")
        reason.send_keys("for the panel")
        button.click()
        pages.wait(d, lambda d: d.find_element(By.TAG_NAME, "h1").text ==
                   "This document has been recalled", "the recalled page")
        self.assertIn(self.cli_sentence("council-lead", "share", doc, "--to",
                                        "user:police-lead", "--reason", "x"),
                      pages.main_text(d).split("\n"))

    # -- CSRF and bodies -------------------------------------------------------

    def attempts(self, user, path, body):
        """POST path as USER without the CSRF token, with a wrong one, and
        from a foreign Origin: each 403, kind csrf."""
        ui, s = self.api[user], self.sess[user]
        token = csrf_of(ui, s)
        for t, o, what in ((None, ui.origin, "no token"),
                           (secrets.token_hex(32), ui.origin, "a wrong token"),
                           (token, "http://evil.example", "a foreign Origin"),
                           (token, f"http://127.0.0.1:{ui.port + 1}", "another port")):
            status, answer = post(ui, s, path, body, t, o)
            self.assertEqual(status, 403, f"{path} with {what}: {answer}")
            self.assertEqual(answer["error"]["kind"], "csrf", f"{path} with {what}")
        return ui, s, token

    def test_i_csrf_refused_and_nothing_changes(self):
        dep, doc = self.deployment, self.guarded
        before = self.requests("police-lead")
        # share
        ui, s, token = self.attempts("police-lead", f"/api/doc/{doc}/share",
                                     {"to": "user:district-commander", "reason": "x"})
        self.assertEqual(self.requests("police-lead"), before)
        self.assertFalse(self.readable("district-commander", doc))
        # approve and refuse
        req = dep.isa("police-lead", "share", doc, "--to", "user:district-commander",
                      "--reason", "csrf test").stdout.strip().splitlines()[-1]
        self.attempts("ctp-analyst", f"/api/request/{req}/approve", {})
        self.attempts("ctp-analyst", f"/api/request/{req}/refuse", {"reason": "no"})
        self.assertEqual(self.requests("ctp-analyst")[req]["state"], "pending")
        self.assertFalse(self.readable("district-commander", doc))
        # recall
        aui, asess, atoken = self.attempts("ctp-analyst", f"/api/doc/{doc}/recall",
                                           {"reason": "x"})
        self.assertEqual(self.state(doc), "active")
        # The same requests with the token and Origin are obeyed (so the
        # refusals above were the CSRF check's).
        status, body = post(ui, s, f"/api/doc/{doc}/share",
                            {"to": "agency:police", "reason": "x"}, token, ui.origin)
        self.assertEqual(status, 200, body)
        self.assertEqual((body["doc"], body["to"], body["granted"]),
                         (doc, "agency:police", False))
        self.assertIn(body["request"], self.requests("police-lead"))
        status, body = post(aui, asess, f"/api/request/{req}/refuse",
                            {"reason": "no"}, atoken, aui.origin)
        self.assertEqual(status, 200, body)
        self.assertEqual((body["id"], body["state"], body["decided_by"]),
                         (req, "refused", "ctp-analyst"))
        status, body = post(aui, asess, f"/api/doc/{doc}/recall", {"reason": "x"},
                            atoken, aui.origin)
        self.assertEqual((status, body), (200, {"doc": doc, "recalled": True}))
        self.assertEqual(self.state(doc), "recalled")

    def test_j_bodies_without_what_the_cli_requires(self):
        ui, s = self.api["police-lead"], self.sess["police-lead"]
        aui, asess = self.api["ctp-analyst"], self.sess["ctp-analyst"]
        token, atoken = csrf_of(ui, s), csrf_of(aui, asess)
        doc = self.ctlp
        before = self.requests("ctp-analyst")
        cases = [
            (ui, s, token, f"/api/doc/{doc}/share", {"to": "agency:hcc"},
             'a share needs a reason ("reason": TEXT)'),
            (ui, s, token, f"/api/doc/{doc}/share", {"to": "agency:hcc", "reason": ""},
             'a share needs a reason ("reason": TEXT)'),
            (ui, s, token, f"/api/doc/{doc}/share", {"to": "agency:hcc", "reason": 7},
             'a share needs a reason ("reason": TEXT)'),
            (ui, s, token, f"/api/doc/{doc}/share", {"reason": "why"},
             'a share needs someone to share with ("to": PRINCIPAL)'),
            (ui, s, token, f"/api/doc/{doc}/share", ["agency:hcc", "why"],
             "a share needs its details as one JSON object"),
            (aui, asess, atoken, f"/api/doc/{doc}/recall", {},
             'a recall needs a reason ("reason": TEXT)'),
            (aui, asess, atoken, f"/api/request/{'A' * 26}/refuse", {"reason": None},
             'a refusal needs a reason ("reason": TEXT)'),
            (aui, asess, atoken, f"/api/request/{'A' * 26}/approve", "yes",
             "an approval needs its details as one JSON object"),
        ]
        for u, ss, t, path, body, sentence in cases:
            status, answer = post(u, ss, path, body, t, u.origin)
            self.assertEqual(status, 400, f"{path} {body}: {answer}")
            self.assertEqual(answer["error"], {"kind": "bad", "message": sentence,
                                               "exit": 2}, f"{path} {body}")
        status, answer = post(ui, s, f"/api/doc/{doc}/share", None, token, ui.origin,
                              raw=b'{"to": "agency:hcc", "reason": "a", "reason": "b"}')
        self.assertEqual(status, 400, answer)
        self.assertEqual(self.requests("ctp-analyst"), before)
        self.assertEqual(self.state(doc), "active")
        # ?all= is 0 or 1.
        status, body = get(ui, s, "/api/requests?all=2")
        self.assertEqual(status, 400, body)
        status, body = get(ui, s, "/api/requests?all=1")
        self.assertEqual(status, 200, body)
        got = json.loads(body)
        self.assertEqual(got["requests"], list(self.requests("police-lead").values()))

    # -- keyboard ---------------------------------------------------------------

    def test_k_keyboard_reaches_everything(self):
        for user, path in (("ctp-analyst", "/requests"),
                           ("council-lead", f"/doc/{self.ctlp}")):
            d = self.open(user, path)
            if path.startswith("/doc/"):
                self.share_form(d)
            names, reached, unseen = pages.tab_reach(d)
            self.assertEqual(len(reached), len(names),
                             f"{path}: Tab missed {set(range(len(names))) - reached}")
            self.assertEqual(unseen, [], f"{path}: no visible focus")

    # -- last: isad gone ---------------------------------------------------------

    def test_z_isad_down_said_in_the_form(self):
        d = self.open("police-lead", f"/doc/{self.ctlp}")
        to, reason, button = self.share_form(d)
        ui, s = self.api["police-lead"], self.sess["police-lead"]
        token = csrf_of(ui, s)  # /api/session asks isad who we are
        isad = self.deployment.isad
        isad.terminate()
        self.assertEqual(isad.wait(harness.STOP_SECONDS), 0)
        sentence = self.cli_sentence("police-lead", "share", self.ctlp, "--to",
                                     "agency:hcc", "--reason", "x")
        # Through the API: the CLI's sentence, kind unreachable.
        status, body = post(ui, s, f"/api/doc/{self.ctlp}/share",
                            {"to": "agency:hcc", "reason": "x"}, token, ui.origin)
        self.assertEqual(status, 502, body)
        self.assertEqual(body["error"]["kind"], "unreachable")
        self.assertEqual(body["error"]["message"], sentence)
        # In the page: said in the form, which stays for another try.
        Select(to).select_by_value("agency:hcc")
        reason.send_keys("for the council's panel")
        button.click()
        summary = pages.wait(d, lambda d: d.find_elements(
            By.CSS_SELECTOR, "#isa-share-result .govuk-error-summary"), "the failure")[0]
        self.assertIn("The share was not made", summary.text)
        self.assertIn(sentence, summary.text.split("\n"))
        self.assertTrue(self.focused_is(d, summary))
        self.assertTrue(button.is_enabled())
        self.assertEqual(reason.get_attribute("value"), "for the council's panel")
        self.browser.shot("share-isad-down")


if __name__ == "__main__":
    harness.main()
