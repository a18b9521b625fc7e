"""test_launch.py: `isa ui` without --no-browser hands the browser its
one-time address without showing it to other users: xdg-open gets a page
readable by the user alone in $XDG_RUNTIME_DIR (a command line is in /proc
for everyone), that page takes the browser to the board, and it is gone once
the browser has logged in. Without $XDG_RUNTIME_DIR nothing is opened and
isa ui says to open the printed address by hand.
"""

import os
import stat
import subprocess
import tempfile
from pathlib import Path

import harness
import pages


class LaunchTest(harness.BrowserTestCase):

    def launch(self, runtime):
        """isa ui as the council lead with a stub xdg-open that records its
        arguments; (proc, URL line, the stub's record file)."""
        dep = self.deployment
        stub = Path(tempfile.mkdtemp(prefix="isa-xdg-", dir=dep.dir))
        record = stub / "argv"
        (stub / "xdg-open").write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{record}.tmp"\n'
                                       f'mv "{record}.tmp" "{record}"\n')
        (stub / "xdg-open").chmod(0o755)
        env = dict(os.environ, PATH=f"{stub}:{os.environ['PATH']}")
        env.pop("XDG_RUNTIME_DIR", None)
        if runtime is not None:
            env["XDG_RUNTIME_DIR"] = str(runtime)
        err = open(self.out / f"launch-{len(dep.uis)}.log", "wb")
        proc = subprocess.Popen([dep.isa_bin, "ui", "--config", dep.conf("council-lead")],
                                cwd=dep.dir, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=err)
        line = harness.Deployment._read_line(proc)
        m = harness.UI_URL.match(line or "")
        self.assertIsNotNone(m, line)
        ui = harness.UI(dep, "council-lead", proc, line, int(m.group(1)), m.group(2), err)
        dep.uis.append(ui)
        return ui, record

    def test_browser_gets_a_private_page(self):
        runtime = Path(tempfile.mkdtemp(prefix="isa-run-", dir=self.deployment.dir))
        runtime.chmod(0o700)
        ui, record = self.launch(runtime)
        pages.wait(self.browser.driver, lambda d: record.exists(), "xdg-open to be run")
        argv = record.read_text().splitlines()
        page = runtime / f"isa-ui-{ui.port}.html"
        self.assertEqual(argv, [str(page)])
        # The token is on no command line: not xdg-open's, not isa ui's.
        self.assertNotIn(ui.token, record.read_text())
        with open(f"/proc/{ui.proc.pid}/cmdline", "rb") as f:
            self.assertNotIn(ui.token.encode(), f.read())
        st = page.stat()
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        self.assertEqual(st.st_uid, os.getuid())
        self.assertIn(ui.url, page.read_text())
        # The page takes the browser to the board, and is then removed.
        d = self.browser.driver
        self.browser.get(page.as_uri())
        pages.wait(d, lambda d: pages.path(d) == "/inbox", "the inbox")
        pages.drawn(self.browser)
        self.assertEqual(d.find_element("tag name", "h1").text, "Inbox")
        self.assertFalse(page.exists(), "the page with the token is still there")
        self.assertEqual(ui.stop(), 0)

    def test_no_runtime_dir_opens_nothing(self):
        ui, record = self.launch(None)
        # Readiness: isa ui has said what to do (its stderr), then stops.
        log = Path(ui._stderr.name)
        pages.wait(self.browser.driver,
                   lambda d: b"open the address above" in log.read_bytes(),
                   "isa ui to say to open the address by hand")
        self.assertEqual(ui.stop(), 0)
        self.assertFalse(record.exists(), "xdg-open was run without a private page")


if __name__ == "__main__":
    harness.main()
