"""pages.py: what the browser tests read from isa ui's pages: when a page is
drawn, its marking banners, its text with an id taken out, and how far the
Tab key reaches (with a visible focus on everything it reaches), and a
document's download link.

Every wait here ends as soon as its condition holds; the deadline
(harness.READY_SECONDS) is for a failure only.
"""

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

import harness


def wait(driver, condition, what, seconds=harness.READY_SECONDS):
    """condition(driver)'s first true value; fails naming what it waited for.
    An element the page replaced while condition read it is read again."""
    return WebDriverWait(driver, seconds, poll_frequency=0.1,
                         ignored_exceptions=(StaleElementReferenceException,)).until(
        condition, f"timed out waiting for {what}")


def drawn(browser, url=None):
    """Opens url (when given) and waits until the page is drawn: its main
    region is no longer busy (page.html starts busy; isa.js clears it when
    the page, or its error, is in place; the static pages are never busy).
    The login's landing page (start.html, which moves on at once to the
    inbox) is never the page drawn."""
    if url is not None:
        browser.get(url)
    wait(browser.driver, lambda d: d.execute_script(
        "const m = document.getElementById('main-content');"
        "return location.pathname !== '/assets/start.html' &&"
        " document.readyState === 'complete' && m !== null &&"
        " !m.hasAttribute('aria-busy');"), f"{url or 'the page'} to be drawn")


def path(driver):
    return driver.execute_script("return location.pathname;")


def main_text(driver):
    return driver.find_element(By.ID, "main-content").text


def banners(driver):
    """The marking banners, top and bottom: a list of (text, aria-label,
    class) for each one present."""
    return driver.execute_script(
        "return ['isa-banner-top', 'isa-banner-bottom'].map(id => {"
        "  const slot = document.getElementById(id);"
        "  const r = slot && slot.querySelector('[role=region]');"
        "  return r ? [r.textContent, r.getAttribute('aria-label'), r.className]"
        "           : null;"
        "}).filter(x => x !== null);")


def summary(driver):
    """The page's summary list: {key: value} as shown."""
    return driver.execute_script(
        "const out = {};"
        "document.querySelectorAll('.govuk-summary-list__row').forEach(r => {"
        "  out[r.querySelector('dt').innerText.trim()] ="
        "    r.querySelector('dd').innerText.trim(); });"
        "return out;")


def before(driver, first, second):
    """Whether element first comes before element second in the page."""
    return driver.execute_script(
        "return !!(arguments[0].compareDocumentPosition(arguments[1]) &"
        " Node.DOCUMENT_POSITION_FOLLOWING);", first, second)


def snapshot(driver, *ids):
    """What a reader gets from the page, each of ids replaced by ID: the
    title, the text, and the markup of the body (banners, header, main)."""
    title, text, html = driver.execute_script(
        "return [document.title, document.body.innerText,"
        " document.body.outerHTML];")
    out = []
    for s in (title, text, html):
        for i in ids:
            s = s.replace(i, "ID")
        out.append(s)
    return out


# Everything a keyboard user can act on: links, buttons, form fields and
# anything else in the Tab order, when it is shown.
_ACTIONS = """
window.isaActions = Array.from(document.querySelectorAll(
    'a[href], button, input, select, textarea, [tabindex]'))
  .filter(e => e.tabIndex >= 0 && !e.disabled && !e.closest('[hidden]') &&
               e.getClientRects().length > 0 &&
               getComputedStyle(e).visibility !== 'hidden');
if (document.activeElement) document.activeElement.blur();
return window.isaActions.map(e => e.tagName.toLowerCase() + ': ' +
  (e.textContent.trim() || e.getAttribute('aria-label') || e.id || e.name));
"""

# The focused element's index among isaActions, and whether its focus can
# be seen: an outline that is drawn, or a box shadow (GOV.UK's focus state).
_FOCUSED = """
const e = document.activeElement, s = getComputedStyle(e);
const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 &&
  !/rgba\\(.*, 0\\)$|transparent/.test(s.outlineColor);
return [window.isaActions.indexOf(e), outline || s.boxShadow !== 'none'];
"""


def tab_reach(driver, max_steps=150):
    """Tabs through the page from its start: (the actions' names, the set
    of indexes Tab reached, the names reached without a visible focus)."""
    names = driver.execute_script(_ACTIONS)
    reached, unseen = set(), []
    keys = ActionChains(driver)
    for _ in range(max_steps):
        keys.send_keys(Keys.TAB).perform()
        i, visible = driver.execute_script(_FOCUSED)
        if i >= 0:
            if i in reached:
                break  # round the page once: done
            reached.add(i)
            if not visible:
                unseen.append(names[i])
        if len(reached) == len(names):
            break
    return names, reached, unseen


def press(driver, element, key=Keys.ENTER):
    """Moves the focus to element by Tab alone and presses key on it;
    fails if Tab never gets there."""
    driver.execute_script("if (document.activeElement) document.activeElement.blur();")
    keys = ActionChains(driver)
    for _ in range(150):
        keys.send_keys(Keys.TAB).perform()
        if driver.switch_to.active_element == element:
            keys.send_keys(key).perform()
            return
    raise AssertionError(f"Tab never reached {element.text or element.tag_name}")


def download_href(browser, url):
    """Opens a document's page (url) and waits for it to be drawn: its
    download link's href, as the page built it (with the session's key in
    the query: a link cannot send a header)."""
    drawn(browser, url)
    return browser.driver.find_element(By.ID, "isa-download").get_attribute("href")
