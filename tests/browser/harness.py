"""harness.py: the browser tests' common ground.

A throw-away deployment like tests/demo/demo.sh (isad on a free loopback port,
the board's users with keys from `isa keygen`, their client.conf files),
`isa ui --no-browser` per user, headless Chromium driven by Selenium with its
network log on, axe-core injected for accessibility scans, screenshots into
the test's output directory, and a teardown that stops every process it
started, on any exit.

Run by ctest through tests/browser/run.sh, with Debian's /usr/bin/python3
(python3-selenium). Each test file ends with `harness.main()`, which exits
77 (ctest: skipped) with a reason when chromium, chromedriver or selenium
is missing.

Environment: ISA_BIN, ISAD_BIN (the binaries under test: ctest passes the
sanitizer build's), ISA_BROWSER_OUT (where screenshots and logs go; default
build/check/browser-shots/TEST beside the sources), ISA_BROWSER_HEADED=1
(a visible Chromium window rather than a headless one: `make demo-browser`
on a display).
"""

import atexit
import base64
import ctypes
import http.client
import json
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE_DIR = HERE.parent.parent
AXE_JS = HERE / "vendor" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

# How long a process may take to become ready, or to stop, before the test
# fails: generous, for the sanitizer build on two shared cores. A deadline
# for a failure, never a delay on success: every wait ends as soon as its
# condition holds.
READY_SECONDS = 60
STOP_SECONDS = 30

# `isa ui`'s one line on stdout: its URL with the one-time token (at least
# 32 URL-safe characters: 43 of base64url or 64 of hex both carry 256 bits).
UI_URL = re.compile(r"^http://127\.0\.0\.1:([0-9]{1,5})/login\?token=([A-Za-z0-9_-]{32,128})$")

# GET /login?token=T's Location: the landing page (start.html, which moves
# on to the inbox from isa ui's own origin), with the session's second
# secret (the key every /api/ request carries) in the fragment, which the
# browser keeps to itself (isa.js moves it into localStorage).
LOGIN_LOCATION = re.compile(r"^/assets/start\.html#k=([0-9a-f]{64})$")

# The board of tests/demo/demo.sh: (id, name, agency, clearance, extra).
BOARD = [
    ("board-admin", "Board Administrator", "hcc", "SC", 'roles = [ "admin" ];'),
    ("board-chair", "Chair of the Prevent Partnership Board", "hcc", "SC",
     'roles = [ "chair" ];'),
    ("police-lead", "Police Prevent Lead", "police", "SC", ""),
    ("district-commander", "District Commander", "police", "SC", ""),
    ("ctp-analyst", "CT Policing Analyst", "ctpse", "SC", 'roles = [ "approver" ];'),
    ("council-lead", "Council Prevent Lead", "hcc", "BPSS",
     'attributes = [ "safeguarding" ];'),
    ("uni-contact", "University Prevent Contact", "uow", "NONE", ""),
    ("auditor", "Board Auditor", "hcc", "SC", 'roles = [ "auditor" ];'),
]
AGENCIES = [
    ("hcc", "Hampshire County Council"),
    ("ctpse", "Counter Terrorism Policing South East"),
    ("police", "Hampshire Constabulary"),
    ("uow", "University of Winchester"),
]
GROUPS = '( { id = "ppb"; members = [ "agency:hcc", "agency:ctpse", ' \
    '"user:police-lead", "user:uni-contact" ]; } )'


def missing_prerequisite():
    """The reason the browser tests cannot run here, or None."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            return f"{path} is not installed (Debian: chromium, chromium-driver)"
    try:
        import selenium  # noqa: F401  (only whether it imports)
    except ImportError:
        return "python3-selenium is not installed (Debian's, for /usr/bin/python3)"
    if not AXE_JS.is_file():
        return f"{AXE_JS} is missing (vendored: tests/browser/vendor/build.sh)"
    return None


def _binary(var, name):
    """The binary under test named by $var, else the check build's."""
    path = os.environ.get(var) or str(SOURCE_DIR / "build" / "check" / name)
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"{path} is not an executable (set {var})")
    return os.path.realpath(path)


def out_dir(test_name):
    """The test's output directory (screenshots, logs), made if need be."""
    base = os.environ.get("ISA_BROWSER_OUT")
    path = Path(base) if base else SOURCE_DIR / "build" / "check" / "browser-shots" / test_name
    path.mkdir(parents=True, exist_ok=True)
    return path


_libc = ctypes.CDLL(None, use_errno=True)
_PR_SET_PDEATHSIG = 1


def _die_with_parent():
    """In a child before exec: SIGKILL when the test process dies, however
    it dies (a ctest timeout kills the test, not what it started)."""
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _stop(proc, seconds=STOP_SECONDS):
    """SIGTERM proc, wait for it, SIGKILL it if it will not stop; its exit
    status (None when it had to be killed)."""
    if proc.poll() is not None:
        return proc.returncode
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return None


class _LineWatch:
    """Copies a child's stream to a log file line by line, and lets a test
    wait (without polling) for the first line matching a pattern."""

    def __init__(self, stream, log_path):
        self._stream = stream
        self._log = open(log_path, "w", encoding="utf-8", errors="replace")
        self._lines = []
        self._cond = threading.Condition()
        self._eof = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        for raw in self._stream:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self._log.write(line + "\n")
            self._log.flush()
            with self._cond:
                self._lines.append(line)
                self._cond.notify_all()
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    def wait_for(self, pattern, seconds=READY_SECONDS):
        """The first match of pattern (a compiled regex) in any line so far
        or to come; None when the stream ends or the deadline passes."""
        deadline = time.monotonic() + seconds
        seen = 0
        with self._cond:
            while True:
                for line in self._lines[seen:]:
                    m = pattern.search(line)
                    if m:
                        return m
                seen = len(self._lines)
                left = deadline - time.monotonic()
                if self._eof or left <= 0:
                    return None
                self._cond.wait(left)

    def text(self):
        with self._cond:
            return "\n".join(self._lines)

    def close(self):
        self._thread.join(timeout=STOP_SECONDS)
        self._stream.close()
        self._log.close()


class UI:
    """One `isa ui --no-browser` for one user: its URL line's parts."""

    def __init__(self, deployment, user, proc, url, port, token, stderr):
        self.deployment = deployment
        self.user = user
        self.proc = proc
        self.url = url
        self.port = port
        self.token = token
        self.host = f"127.0.0.1:{port}"
        self.origin = f"http://127.0.0.1:{port}"
        self._stderr = stderr
        self.exit_status = None

    def base(self, path="/"):
        """http://127.0.0.1:PORT + path."""
        return self.origin + path

    def stop(self):
        """SIGTERM it and wait: its exit status (0 for a clean stop; None if
        it had to be killed)."""
        if self.proc is not None:
            self.exit_status = _stop(self.proc)
            self.proc.stdout.close()
            self._stderr.close()
            self.proc = None
        return self.exit_status


class Session:
    """A session opened over plain HTTP (no browser): its cookie and key."""

    def __init__(self, name, sid, key):
        self.name = name        # the cookie's name (isa_PORT)
        self.sid = sid          # its value
        self.key = key          # the 64 hex digits of Location's #k=
        self.cookie = f"{name}={sid}"

    def headers(self, **more):
        """What every /api/ request of this session carries: the cookie and
        X-ISA-Key (and more headers, given as keyword arguments with _ for -)."""
        h = {"Cookie": self.cookie, "X-ISA-Key": self.key}
        h.update({k.replace("_", "-"): v for k, v in more.items()})
        return h


def http_login(ui):
    """Spends ui's one-time token over http.client, as the browser would:
    the Session (fails unless the answer is 303 with the cookie and a
    Location carrying the key)."""
    conn = http.client.HTTPConnection("127.0.0.1", ui.port, timeout=READY_SECONDS)
    try:
        conn.request("GET", "/login?token=" + ui.token)
        r = conn.getresponse()
        r.read()
        cookie = re.match(r"([A-Za-z0-9_]+)=([^;]+);", r.getheader("Set-Cookie") or "")
        where = LOGIN_LOCATION.match(r.getheader("Location") or "")
        if r.status != 303 or cookie is None or where is None:
            raise AssertionError(f"login: {r.status}, Set-Cookie "
                                 f"{r.getheader('Set-Cookie')!r}, Location "
                                 f"{r.getheader('Location')!r}")
        return Session(cookie.group(1), cookie.group(2), where.group(1))
    finally:
        conn.close()


def test_build(binary, knob):
    """Whether binary is a test build that reads $KNOB (cmake
    -DISA_SANITIZE=ON): only those carry the knob's name."""
    return knob.encode() in Path(binary).read_bytes()


class Deployment:
    """A throw-away isad with the board's users, like tests/demo/demo.sh."""

    def __init__(self, out, users=BOARD, isad_conf=""):
        self.out = Path(out)
        self.users = users
        self.isad_conf = isad_conf  # more isad.conf lines (e.g. limits)
        self.isa_bin = _binary("ISA_BIN", "isa")
        self.isad_bin = _binary("ISAD_BIN", "isad")
        self.dir = Path(tempfile.mkdtemp(prefix="isa-browser-"))
        self.isad = None
        self._isad_log = None
        self.endpoint = None
        self.uis = []

    def start(self):
        """init, keys, policy, isad serving and answering `isa whoami`."""
        d = self.dir
        (d / "isad.conf").write_text(
            'listen   = "tcp://127.0.0.1:*";\n'
            'data_dir = "data";\n'
            'policy   = "policy.conf";\n'
            'origin   = "browser.test.example.org/isa";\n' + self.isad_conf)
        init = self._run([self.isad_bin, "init", "--config", "isad.conf"])
        server_key = init.stdout.strip().splitlines()[-1]
        keys = {}
        for user in self.users:
            uid = user[0]
            kg = self._run([self.isa_bin, "keygen", "--out", f"users/{uid}"])
            keys[uid] = kg.stdout.strip().splitlines()[-1]
        (d / "policy.conf").write_text(self._policy(keys))
        self._run([self.isad_bin, "check", "--config", "isad.conf"])

        self._serve()
        for user in self.users:
            uid = user[0]
            (d / "users" / uid / "client.conf").write_text(
                f'server = "{self.endpoint}";\n'
                f'server_key = "{server_key}";\n'
                'key_file = "user.key";\n'
                'timeout_ms = 5000;\n')
        # Ready when a user is answered, not when a timer says so.
        self.isa(self.users[0][0], "whoami")
        return self

    def _serve(self, log="isad.log"):
        """Start isad; once it says it serves, its endpoint."""
        self.isad = subprocess.Popen(
            [self.isad_bin, "--config", "isad.conf"], cwd=self.dir,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, preexec_fn=_die_with_parent)
        self._isad_log = _LineWatch(self.isad.stderr, self.out / log)
        m = self._isad_log.wait_for(re.compile(r"serving on (tcp://[^;]+);"))
        if m is None:
            raise RuntimeError("isad did not start serving:\n" + self._isad_log.text())
        self.endpoint = m.group(1)

    def restart_isad(self):
        """SIGTERM isad and start it again on the same endpoint (what the
        clients have); returns once it serves again."""
        _stop(self.isad)
        self._isad_log.close()
        conf = self.dir / "isad.conf"
        conf.write_text(conf.read_text().replace('"tcp://127.0.0.1:*"',
                                                 f'"{self.endpoint}"'))
        self._serve("isad-restarted.log")

    def _policy(self, keys):
        agencies = ",\n  ".join(f'{{ id = "{a}"; name = "{n}"; }}' for a, n in AGENCIES)
        users = ",\n  ".join(
            f'{{ id = "{u}"; name = "{n}"; agency = "{a}"; clearance = "{c}"; '
            f'{extra} key = "{keys[u]}"; }}'
            for u, n, a, c, extra in self.users)
        return ('caveats  = ( { name = "PERSONAL-DATA"; requires = "safeguarding"; },\n'
                '             { name = "UK-EYES-ONLY"; requires = "uk-national"; } );\n'
                f"agencies = ( {agencies} );\n"
                f"users = (\n  {users}\n);\n"
                f"groups = {GROUPS};\n")

    def _run(self, argv, check=True, stdin=None):
        r = subprocess.run(argv, cwd=self.dir, input=stdin, capture_output=True,
                           preexec_fn=_die_with_parent, timeout=READY_SECONDS)
        r.stdout = r.stdout.decode("utf-8", "replace")
        r.stderr = r.stderr.decode("utf-8", "replace")
        if check and r.returncode != 0:
            raise RuntimeError(f"{' '.join(map(str, argv))}: exit {r.returncode}\n"
                               f"{r.stdout}{r.stderr}")
        return r

    def conf(self, user):
        """users/USER/client.conf's path."""
        return str(self.dir / "users" / user / "client.conf")

    def isa(self, user, *args, check=True):
        """`isa ARGS --config users/USER/client.conf`, its CompletedProcess
        (text stdout, stderr); a non-zero exit raises unless check=False."""
        return self._run([self.isa_bin, *args, "--config", self.conf(user)], check=check)

    def put(self, user, content, title, cls="OFFICIAL-SENSITIVE", to="group:ppb",
            originator=None, extra=()):
        """USER uploads content (bytes) with the CLI; the new document's id."""
        path = self.dir / f"upload-{len(list(self.dir.glob('upload-*')))}"
        path.write_bytes(content)
        args = ["put", str(path), "--title", title, "--class", cls, "--to", to]
        if originator:
            args += ["--originator", originator]
        r = self.isa(user, *args, *extra)
        return r.stdout.strip().splitlines()[-1]

    def ui(self, user, *extra):
        """Starts `isa ui --no-browser --config users/USER/client.conf EXTRA`
        and reads its URL line; a UI (stopped by stop())."""
        n = len(self.uis)
        err = open(self.out / f"ui-{user}-{n}.log", "wb")
        proc = subprocess.Popen(
            [self.isa_bin, "ui", "--no-browser", "--config", self.conf(user), *extra],
            cwd=self.dir, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=err, preexec_fn=_die_with_parent)
        line = self._read_line(proc)
        m = UI_URL.match(line or "")
        if m is None:
            _stop(proc)
            proc.stdout.close()
            err.close()
            raise RuntimeError(f"isa ui for {user} printed {line!r}, not its URL; "
                               f"see {err.name}")
        ui = UI(self, user, proc, line, int(m.group(1)), m.group(2), err)
        self.uis.append(ui)
        return ui

    @staticmethod
    def _read_line(proc):
        """proc's first stdout line, or None at EOF or the deadline."""
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + READY_SECONDS
        buf = b""
        fd = proc.stdout.fileno()
        try:
            while b"\n" not in buf:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    return None
                chunk = os.read(fd, 4096)
                if not chunk:
                    return None
                buf += chunk
        finally:
            sel.close()
        return buf.split(b"\n", 1)[0].decode("utf-8", "replace")

    def stop(self):
        """Stops every ui and isad; removes the deployment. Idempotent."""
        for ui in self.uis:
            ui.stop()
        if self.isad is not None:
            self.isad_status = _stop(self.isad)
            self._isad_log.close()
            self.isad = None
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None


class Browser:
    """Headless Chromium through chromedriver, with its network and console
    logs kept, so that a test can list every URL the page fetched."""

    def __init__(self, out):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.out = Path(out)
        self._profile = tempfile.mkdtemp(prefix="isa-chromium-")
        opts = webdriver.ChromeOptions()
        opts.binary_location = CHROMIUM
        if os.environ.get("ISA_BROWSER_HEADED") != "1":
            opts.add_argument("--headless=new")
        else:
            opts.add_argument("--ozone-platform-hint=auto")  # X11 or Wayland
        for arg in ("--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1280,1024",
                    f"--user-data-dir={self._profile}"):
            opts.add_argument(arg)
        opts.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
        self.driver = webdriver.Chrome(
            service=Service(CHROMEDRIVER, log_path=str(self.out / "chromedriver.log")),
            options=opts)
        self.driver.set_script_timeout(READY_SECONDS)
        self._requests = []
        self._console = []
        # Chromium's own start-up page fetches chrome:// resources: not ours.
        self.driver.get("about:blank")
        self.mark()

    def _drain(self):
        for entry in self.driver.get_log("performance"):
            msg = json.loads(entry["message"])["message"]
            if msg.get("method") == "Network.requestWillBeSent":
                self._requests.append(msg["params"]["request"]["url"])
        self._console.extend(self.driver.get_log("browser"))

    def mark(self):
        """Forget the requests and console messages seen so far."""
        self._drain()
        self._requests = []
        self._console = []

    def requests(self):
        """Every URL the browser asked for since mark(), in order."""
        self._drain()
        return list(self._requests)

    def console(self):
        """The console messages since mark() (dicts: level, message),
        Content-Security-Policy refusals among them."""
        self._drain()
        return list(self._console)

    def get(self, url):
        self.driver.get(url)

    def axe(self, options=None):
        """axe-core's violations on the current page (a list of dicts: id,
        impact, help, nodes...), empty when it finds none."""
        self.driver.execute_script(AXE_JS.read_text(encoding="utf-8"))
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, arguments[0] || {})"
            ".then(r => done({violations: r.violations}), e => done({error: String(e)}));",
            options)
        if "error" in result:
            raise RuntimeError("axe-core failed: " + result["error"])
        return result["violations"]

    def shot(self, name):
        """A full-page PNG of the current page: OUT/NAME.png; its path."""
        data = self.driver.execute_cdp_cmd(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        path = self.out / f"{name}.png"
        path.write_bytes(base64.b64decode(data["data"]))
        return path

    def quit(self):
        if self.driver is not None:
            self.driver.quit()
            self.driver = None
        shutil.rmtree(self._profile, ignore_errors=True)


def describe_violations(violations):
    """axe-core's violations as lines a person can act on."""
    lines = []
    for v in violations:
        targets = ", ".join(" ".join(n.get("target", [])) for n in v.get("nodes", [])[:5])
        lines.append(f"{v['id']} ({v.get('impact')}): {v.get('help')}: {targets}")
    return "\n".join(lines)


class BrowserTestCase(unittest.TestCase):
    """A test class with one deployment (started in setUpClass) and one
    browser, both stopped in tearDownClass and, failing that, at exit."""

    deployment = None
    browser = None
    isad_conf = ""  # more isad.conf lines for the class's deployment

    @classmethod
    def setUpClass(cls):
        name = Path(sys.modules[cls.__module__].__file__).stem
        cls.out = out_dir(name)
        cls.deployment = Deployment(cls.out, isad_conf=cls.isad_conf)
        atexit.register(cls.deployment.stop)
        cls.deployment.start()
        cls.browser = Browser(cls.out)
        atexit.register(cls.browser.quit)

    @classmethod
    def tearDownClass(cls):
        if cls.browser is not None:
            cls.browser.quit()
        if cls.deployment is not None:
            cls.deployment.stop()

    def assertNoViolations(self, page_name):
        """axe-core finds nothing on the current page (named in the message)."""
        v = self.browser.axe()
        self.assertEqual(v, [], f"axe-core on {page_name}:\n{describe_violations(v)}")


def main():
    """Runs the calling test file's tests: exit 0, 1, or 77 (skipped, with
    the reason) when the browser or selenium is missing."""
    reason = missing_prerequisite()
    if reason:
        print(f"SKIP: {reason}")
        sys.exit(77)
    # A ctest timeout's SIGTERM runs the atexit teardown too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    prog = unittest.main(module="__main__", exit=False, verbosity=2)
    sys.exit(0 if prog.result.wasSuccessful() else 1)
