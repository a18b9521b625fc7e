"""test_api_directory.py: isa ui's /api/directory and /api/docs carry what
`isa directory --json` and `isa info --json` say (issue 17 item 5, issue
18): the same directory for every user, grouped by kind, in isad's order
(by id), with the markings the policy and deployment allow;
each document's classification, originator and created as info gives them.

Plain HTTP through http.client with the session's cookie and key: no
browser.
"""

import http.client
import json
import re
import unittest

import harness


def get_json(ui, session, path):
    """GET path with the session (cookie and key): (status, parsed JSON body)."""
    conn = http.client.HTTPConnection("127.0.0.1", ui.port, timeout=harness.READY_SECONDS)
    try:
        conn.request("GET", path, headers=session.headers())
        r = conn.getresponse()
        return r.status, json.loads(r.read())
    finally:
        conn.close()


class DirectoryApiTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.deployment = harness.Deployment(harness.out_dir("test_api_directory"))
        cls.deployment.start()
        cls.uis = {u: cls.deployment.ui(u) for u in ("council-lead", "uni-contact")}
        cls.sessions = {u: harness.http_login(ui) for u, ui in cls.uis.items()}

    @classmethod
    def tearDownClass(cls):
        cls.deployment.stop()

    def cli_directory(self, user):
        """`isa directory --json` regrouped as /api/directory's one object
        (descriptors there are plain names)."""
        out = {"agencies": [], "groups": [], "users": [], "classifications": [],
               "descriptors": [], "caveats": []}
        plural = {"agency": "agencies", "group": "groups", "user": "users",
                  "classification": "classifications", "descriptor": "descriptors",
                  "caveat": "caveats"}
        for line in self.deployment.isa(user, "directory", "--json").stdout.splitlines():
            entry = json.loads(line)
            kind = entry.pop("kind")
            out[plural[kind]].append(entry["name"] if kind == "descriptor" else entry)
        return out

    def test_directory_as_the_cli_says(self):
        want = self.cli_directory("council-lead")
        self.assertEqual(want["agencies"], [{"id": a, "name": n} for a, n in sorted(harness.AGENCIES)])
        self.assertEqual(want["groups"], [{"id": "ppb"}])
        self.assertEqual(want["users"], [{"id": u, "name": n, "agency": a}
                                         for u, n, a, _, _ in sorted(harness.BOARD)])
        # the markings: policy.conf's caveats in byte order of their names
        # (only UK-EYES-ONLY needs SECRET), the default minimum clearances
        # and accreditation (SECRET)
        policy = (self.deployment.dir / "policy.conf").read_text()
        caveats = sorted(re.findall(r'name = "([^"]+)"; requires = "([^"]+)"', policy))
        self.assertIn(("PERSONAL-DATA", "safeguarding"), caveats)
        self.assertEqual(want["caveats"], [
            {"name": n, "requires": r, "minimum_classification":
             "SECRET" if n == "UK-EYES-ONLY" else "OFFICIAL"} for n, r in caveats])
        self.assertEqual(want["descriptors"], ["PERSONAL", "COMMERCIAL", "LOCSEN"])
        self.assertEqual(want["classifications"], [
            {"name": "OFFICIAL", "minimum_clearance": "NONE"},
            {"name": "OFFICIAL-SENSITIVE", "minimum_clearance": "BPSS"},
            {"name": "SECRET", "minimum_clearance": "SC"}])
        for user, ui in self.uis.items():
            status, got = get_json(ui, self.sessions[user], "/api/directory")
            self.assertEqual(status, 200, got)
            self.assertEqual(got, want, user)

    def test_docs_carry_info_fields(self):
        doc = self.deployment.put("board-admin", b"directory api\n", "Directory API note",
                                  cls="OFFICIAL", to="agency:hcc", originator="ctpse")
        info = json.loads(self.deployment.isa("council-lead", "info", doc, "--json").stdout)
        status, got = get_json(self.uis["council-lead"], self.sessions["council-lead"], "/api/docs")
        self.assertEqual(status, 200, got)
        mine = [d for d in got["docs"] if d["id"] == doc]
        self.assertEqual(len(mine), 1, got)
        for key in ("marking", "title", "classification", "originator", "created"):
            self.assertEqual(mine[0][key], info[key], key)
        self.assertEqual(mine[0]["originator"], "ctpse")


if __name__ == "__main__":
    harness.main()
