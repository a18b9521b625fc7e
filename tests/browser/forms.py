"""forms.py: driving isa ui's pages as a person does, by what they see: a
form field by its label's words, a button or link by its name, a choice
(radio, checkbox, option) by its words, the error summary's sentences, a
downloaded file; and a user's own signed-in window on the board.

Every wait ends as soon as its condition holds; the deadline
(harness.READY_SECONDS) is for a failure only.
"""

from selenium.common.exceptions import NoSuchElementException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import pages


def literal(text):
    """text as an XPath string literal (quotes of either kind allowed)."""
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    return "concat(" + ", \"'\", ".join(f"'{p}'" for p in text.split("'")) + ")"


def _shown(elements):
    return [e for e in elements if e.is_displayed()]


def label(driver, words):
    """The <label> whose words are words (spaces folded), or failing that the
    one that starts with them (a label that holds a hint); fails if none."""
    for xp in (f"//label[normalize-space()={literal(words)}]",
               f"//label[starts-with(normalize-space(), {literal(words)})]"):
        found = driver.find_elements(By.XPATH, xp)
        if found:
            return found[0]
    raise NoSuchElementException(f"no label reads {words!r}")


def field(driver, words):
    """The form control that the label reading words is for."""
    lab = label(driver, words)
    target = lab.get_attribute("for")
    if not target:
        raise AssertionError(f"the label {words!r} names no field (no for=)")
    return driver.find_element(By.ID, target)


def has_field(driver, words):
    try:
        field(driver, words)
        return True
    except NoSuchElementException:
        return False


def fill(driver, words, text):
    """Types text into the field labelled words (cleared first)."""
    f = field(driver, words)
    f.clear()
    f.send_keys(text)
    return f


def choose(driver, words):
    """Ticks the radio or checkbox labelled words (by its label, as a person
    clicks it; GOV.UK draws its own box over the input) unless ticked."""
    f = field(driver, words)
    if not f.is_selected():
        label(driver, words).click()
    pages.wait(driver, lambda d: f.is_selected(), f"{words!r} to be ticked")
    return f


def untick(driver, words):
    f = field(driver, words)
    if f.is_selected():
        label(driver, words).click()
    return f


def select(driver, words, option):
    """Picks the option whose text is option in the list labelled words (or
    whose text starts with it: an option may name the id after the name)."""
    s = Select(field(driver, words))
    for o in s.options:
        if o.text.strip() == option:
            s.select_by_visible_text(o.text)
            return
    for o in s.options:
        if o.text.strip().startswith(option):
            s.select_by_visible_text(o.text)
            return
    raise AssertionError(f"{words!r} offers no {option!r}: "
                         f"{[o.text for o in s.options]}")


def options(driver, words):
    return [o.text.strip() for o in Select(field(driver, words)).options]


def button(driver, name, scope=None, prefix=False):
    """The shown button (or a link drawn as one) whose words are name (or,
    with prefix, begin with name)."""
    root = scope if scope is not None else driver
    n = literal(name)
    words = f"starts-with(normalize-space(), {n})" if prefix else f"normalize-space()={n}"
    found = _shown(root.find_elements(
        By.XPATH, f".//button[{words}]"
        f" | .//input[(@type='submit' or @type='button') and @value={n}]"
        f" | .//a[contains(@class, 'govuk-button') and {words}]"))
    if not found:
        raise NoSuchElementException(f"no button {name!r} on the page")
    return found[0]


def has_button(driver, name, scope=None):
    try:
        button(driver, name, scope)
        return True
    except NoSuchElementException:
        return False


def press(driver, name, scope=None):
    """Clicks the button named name."""
    b = button(driver, name, scope)
    b.click()
    return b


def section(driver, words):
    """The page's section whose h2 reads words."""
    return driver.find_element(
        By.XPATH, f"//main//section[.//h2[normalize-space()={literal(words)}]]")


def heading(driver):
    """The page's h1, as shown."""
    return driver.find_element(By.CSS_SELECTOR, "main h1").text


def is_missing_page(driver):
    """Whether the page drawn is isa ui's "Page not found" (a page part 2
    has not landed yet)."""
    return heading(driver) == "Page not found"


def error_summary(driver):
    """The shown error summary's sentences (its title, then the rest), or
    None when there is none."""
    boxes = _shown(driver.find_elements(By.CSS_SELECTOR, ".govuk-error-summary"))
    if not boxes:
        return None
    return [line for line in boxes[0].text.split("\n") if line.strip()]


def wait_error_summary(driver, what):
    """Waits for an error summary; its lines."""
    return pages.wait(driver, lambda d: error_summary(d), what)


def text_appears(driver, words, what=None, line=False):
    """Waits until words are among the main region's text (with line, as a
    whole line of it: word for word, nothing added)."""
    if line:
        pages.wait(driver, lambda d: words in pages.main_text(d).split("\n"),
                   what or f"the line {words!r} on the page")
    else:
        pages.wait(driver, lambda d: words in pages.main_text(d),
                   what or f"{words!r} on the page")


def allow_downloads(driver, into):
    """Chromium saves downloads into the directory into, without asking."""
    driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": str(into)})


def downloaded(driver, into, what, name=None):
    """Waits until a download into the directory is complete: its path (the
    file named name, or the one complete file)."""
    def done(_):
        if list(into.glob("*.crdownload")):
            return None
        if name is not None:
            p = into / name
            return p if p.is_file() else None
        files = [p for p in into.iterdir() if p.is_file()]
        return files[0] if len(files) == 1 else None
    return pages.wait(driver, done, what)
