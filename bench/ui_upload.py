"""bench/ui_upload.py: one upload through isa ui's API, for bench/ui_upload.sh,
as the upload page makes it (POST /api/upload, the file's bytes streamed
from disk, X-ISA-Meta, the session's cookie, key and CSRF token), with
http.client: no browser.  Run with /usr/bin/python3.

  ui_upload.py LOGIN_URL FILE TITLE
      logs in, uploads FILE, and prints the seconds the request took and
      the answer (the id, marking and size, as `isa put --json` prints).
"""

import http.client
import json
import os
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "browser"))
import harness  # noqa: E402


class UI:
    """What harness.http_login needs of an isa ui: its port and token."""

    def __init__(self, url):
        m = harness.UI_URL.match(url)
        if m is None:
            sys.exit(f"ui_upload.py: not isa ui's URL: {url!r}")
        self.port, self.token = int(m.group(1)), m.group(2)


def main():
    url, path, title = sys.argv[1:4]
    ui = UI(url)
    session = harness.http_login(ui)
    origin = f"http://127.0.0.1:{ui.port}"
    conn = http.client.HTTPConnection("127.0.0.1", ui.port, timeout=3600, blocksize=1 << 20)
    conn.request("GET", "/api/session", headers=session.headers())
    csrf = json.loads(conn.getresponse().read())["csrf"]
    meta = {"title": title, "class": "OFFICIAL", "to": ["user:u"],
            "filename": os.path.basename(path)}
    headers = session.headers(Origin=origin, X_CSRF_Token=csrf)
    headers.update({"Content-Type": "application/octet-stream",
                    "Content-Length": str(os.path.getsize(path)),
                    "X-ISA-Meta": urllib.parse.quote(json.dumps(meta), safe="")})
    with open(path, "rb") as f:
        t0 = time.monotonic()
        conn.request("POST", "/api/upload", body=f, headers=headers)
        r = conn.getresponse()
        answer = r.read()
        secs = time.monotonic() - t0
    conn.close()
    if r.status != 200:
        sys.exit(f"ui_upload.py: {r.status} {answer.decode(errors='replace')}")
    print(f"{secs:.2f} {answer.decode()}")


if __name__ == "__main__":
    main()
