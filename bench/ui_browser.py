"""bench/ui_browser.py: headless Chromium for bench/ui.sh, through the
browser tests' harness (tests/browser/harness.py: Debian's chromium,
chromedriver and python3-selenium).  Run with /usr/bin/python3.

  ui_browser.py download LOGIN_URL ID DIR SIZE
      logs in, opens document ID's page and clicks its download link (the
      page's own: its query carries the session's key), downloading into
      DIR, and prints the seconds from the click to the complete file of
      SIZE bytes (no .crdownload left).
  ui_browser.py docs LOGIN_URL ROUNDS
      logs in, then loads /documents ROUNDS times; for each, prints the
      milliseconds from navigation start to the table filled (its rows in
      place and the page no longer busy) and the number of rows.
"""

import shutil
import sys
import tempfile
import time
from pathlib import Path

from selenium.webdriver.common.by import By

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "browser"))
import harness  # noqa: E402
import pages  # noqa: E402

# Runs before the page's own scripts (Chromium injects it, so the page's
# CSP does not apply): notes performance.now() (milliseconds since
# navigation start) when the documents table is filled.
FILLED = """
new MutationObserver((_, obs) => {
  const m = document.getElementById('main-content');
  const rows = document.querySelectorAll('#main-content tbody tr');
  if (m && !m.hasAttribute('aria-busy') && rows.length > 0) {
    window.isaFilled = [performance.now(), rows.length];
    obs.disconnect();
  }
}).observe(document, {subtree: true, childList: true, attributes: true});
"""


def download(browser, url, doc, into, size):
    d = browser.driver
    into = Path(into)
    d.execute_cdp_cmd("Browser.setDownloadBehavior",
                      {"behavior": "allow", "downloadPath": str(into)})
    base = url.split("/login")[0]
    pages.drawn(browser, f"{base}/doc/{doc}")
    link = d.find_element(By.ID, "isa-download")
    t0 = time.monotonic()
    link.click()

    def complete(_):
        files = list(into.iterdir())
        return (len(files) == 1 and not files[0].name.endswith(".crdownload")
                and files[0].stat().st_size == size)
    pages.wait(d, complete, "the download", seconds=3600)
    print(f"{time.monotonic() - t0:.2f}")


def docs(browser, url, rounds):
    d = browser.driver
    d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": FILLED})
    base = url.split("/login")[0]
    for _ in range(rounds):
        d.get(base + "/documents")
        ms, rows = pages.wait(d, lambda d: d.execute_script("return window.isaFilled;"),
                              "the documents table")
        print(f"{ms:.1f} {rows}")


def main():
    mode, url = sys.argv[1], sys.argv[2]
    out = Path(tempfile.mkdtemp(prefix="isa-bench-chromium-"))
    browser = harness.Browser(out)
    try:
        pages.drawn(browser, url)  # the token spent: the session cookie
        if mode == "download":
            download(browser, url, sys.argv[3], sys.argv[4], int(sys.argv[5]))
        else:
            docs(browser, url, int(sys.argv[3]))
    finally:
        browser.quit()
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
