"""Helpers for browser tests at phone widths: log in, and find what sticks out sideways."""

from playwright.sync_api import Page

# Everything that ends outside the viewport, ignoring what is hidden on purpose (the visually
# hidden helper and the skip link off screen). Only the outermost of nested offenders is named.
_OVERFLOW_JS = """
() => {
  const width = window.innerWidth;
  const out = [];
  const sticksOut = new Set();
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.visually-hidden, .skip-link, [hidden]')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.right > width + 1 || box.left < -1) {
      sticksOut.add(el);
      // Name only the outermost: the table, not each of its cells.
      if (sticksOut.has(el.parentElement)) continue;
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (el.className && typeof el.className === 'string'
           ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
      out.push(`${name} [${Math.round(box.left)}..${Math.round(box.right)}] `
        + JSON.stringify((el.textContent || '').trim().slice(0, 40)));
    }
  }
  // Text can run out of a box that itself fits (a long address in a paragraph).
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (!node.textContent.trim() || sticksOut.has(parent)) continue;
    if (parent.closest('.visually-hidden, .skip-link, [hidden]')) continue;
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.right > width + 1 || box.left < -1) {
      out.push(`text in ${parent.tagName.toLowerCase()} [${Math.round(box.left)}..`
        + `${Math.round(box.right)}] ` + JSON.stringify(node.textContent.trim().slice(0, 40)));
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: width,
    offenders: out,
  };
}
"""


def overflow(page: Page) -> dict:
    """The page's scroll width and the elements that do not fit the viewport's width."""
    return page.evaluate(_OVERFLOW_JS)


def sideways_problems(page: Page) -> str | None:
    """None when the page fits the viewport's width; else one line naming what sticks out."""
    found = overflow(page)
    if found["scrollWidth"] <= found["innerWidth"] and not found["offenders"]:
        return None
    shown = "; ".join(found["offenders"][:4])
    return f"{found['scrollWidth']} px wide at {found['innerWidth']} px: {shown}"


def log_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def check_both_widths(page: Page) -> None:
    """axe-clean at the desktop width and at 390 px, where nothing may stick out sideways;
    the page is left at 1280 px."""
    from tests.browser.axe import assert_accessible

    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert sideways_problems(page) is None, page.url
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})
