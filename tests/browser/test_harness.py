"""test_harness.py: the harness's own instruments can fail: isad answers the
board's users and stops cleanly, axe-core reports a violation it is shown,
the network log sees a request to elsewhere, and a screenshot is a PNG."""

import harness

# A page with one known fault (an image without alternative text) that also
# asks for something from another origin (refused at once: port 9, discard).
FAULTY = ("data:text/html,<!DOCTYPE html><html lang='en'><head><title>t</title></head>"
          "<body><main><h1>t</h1><img src='http://127.0.0.1:9/x.png'></main></body></html>")
CLEAN = ("data:text/html,<!DOCTYPE html><html lang='en'><head><title>t</title></head>"
         "<body><main><h1>t</h1><p>fine</p></main></body></html>")


class HarnessTest(harness.BrowserTestCase):

    def test_board_users_answered(self):
        for user, name, *_ in harness.BOARD:
            r = self.deployment.isa(user, "whoami")
            self.assertIn(user, r.stdout)

    def test_axe_sees_a_violation(self):
        self.browser.get(FAULTY)
        ids = [v["id"] for v in self.browser.axe()]
        self.assertIn("image-alt", ids)
        self.browser.get(CLEAN)
        self.assertNoViolations("a clean page")

    def test_network_log_sees_elsewhere(self):
        self.browser.mark()
        self.browser.get(FAULTY)
        urls = self.browser.requests()
        self.assertIn("http://127.0.0.1:9/x.png", urls)
        self.browser.mark()
        self.assertEqual(self.browser.requests(), [])

    def test_screenshot(self):
        self.browser.get(CLEAN)
        path = self.browser.shot("harness-clean")
        self.assertEqual(path.read_bytes()[:8], b"\x89PNG\r\n\x1a\n")

    def test_zz_isad_stops_cleanly(self):
        # Last (unittest runs tests in name order): the teardown's stop.
        self.deployment.stop()
        self.assertEqual(self.deployment.isad_status, 0)


if __name__ == "__main__":
    harness.main()
