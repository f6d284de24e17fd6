"""Visit a page once, in light and in dark, and keep everything the checks need.

Loading a page, running axe twice and switching themes takes a while; each test only looks
at one part of the record, so every page is visited once per session.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

#: axe impacts that fail a page: all of them, so a page has no finding at all ("": a rule
#: axe rates no impact for).
BLOCKING = ("minor", "moderate", "serious", "critical", "")
#: For the summary at the end of the run: pages checked per theme, and for each
#: (theme, impact, rule) the number of pages that break the rule.
AXE_PAGES: Counter[str] = Counter()
AXE_SUMMARY: Counter[tuple[str, str, str]] = Counter()

IMAGES = """() => Array.from(document.images).map((img) => {
  const style = getComputedStyle(img);
  return {
    src: img.getAttribute("src"),
    current: img.currentSrc,
    loaded: img.complete && img.naturalWidth > 0,
    visible: img.offsetParent !== null && style.visibility !== "hidden",
    themed: img.classList.contains("only-light") || img.classList.contains("only-dark"),
    figure: img.classList.contains("sphx-glr-single-img"),
  };
})"""
SWITCHER = """() => {
  const nav = document.querySelector("nav.language-switcher");
  if (!nav) return null;
  return {
    visible: nav.offsetParent !== null,
    links: Array.from(nav.querySelectorAll("a[href]")).map((a) => ({
      url: a.href, hreflang: a.getAttribute("hreflang"), text: a.textContent.trim(),
    })),
    current: Array.from(nav.querySelectorAll("[aria-current=page]")).map((e) => e.lang),
  };
}"""
# Dark variants load lazily (a light page never fetches them): once shown, they may still
# wait for the reader to scroll near them. Load the shown ones now, so that every image on
# screen in the current theme can be checked.
LOAD_SHOWN_IMAGES = """() => document.querySelectorAll("img[loading=lazy]").forEach((img) => {
  if (img.offsetParent !== null) img.loading = "eager";
})"""
ALL_IMAGES_SETTLED = """() => Array.from(document.images).every(
  (img) => img.complete || img.offsetParent === null
)"""


def settle_images(page) -> None:
    """Wait until every image shown in the current theme has loaded (or failed)."""
    page.evaluate(LOAD_SHOWN_IMAGES)
    page.wait_for_function(ALL_IMAGES_SETTLED)


@dataclass
class Violation:
    rule: str
    impact: str
    help: str
    targets: list[str]

    def __str__(self) -> str:
        shown = ", ".join(self.targets[:3]) + (" ..." if len(self.targets) > 3 else "")
        return f"{self.rule} ({self.impact}, {len(self.targets)} nodes): {self.help} — {shown}"


@dataclass
class Visit:
    """What one page showed and did, in the light theme, in dark, and back in light."""

    path: str
    lang: str = ""
    external: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    themes: dict[str, str] = field(default_factory=dict)  # step -> body[data-theme]
    images: dict[str, list[dict]] = field(default_factory=dict)  # step -> images
    switcher: dict | None = None
    axe: dict[str, list[Violation]] = field(default_factory=dict)  # theme -> violations


def keep_local(context, base_url: str, external: list[str]) -> None:
    """Let only the test server answer; note and abort every request to another host."""
    host = base_url.split("/")[2]

    def route(route, request) -> None:
        if request.url.split("/")[2] == host:
            route.continue_()
        else:
            external.append(request.url)
            route.abort()

    context.route("**/*", route)


def set_theme(page, wanted: str) -> str:
    """Click Furo's theme toggle until the page shows ``wanted``; return what it shows."""
    toggle = page.locator("button.theme-toggle:visible").first
    for _ in range(3):  # the toggle cycles through auto, dark and light
        if page.evaluate("document.body.dataset.theme") == wanted:
            break
        toggle.click()
    settle_images(page)
    return page.evaluate("document.body.dataset.theme")


def run_axe(page, theme: str) -> list[Violation]:
    """Run axe-core (the copy shipped by axe-playwright-python) on the page as it is now."""
    from axe_playwright_python.base import AXE_SCRIPT

    if not page.evaluate("typeof window.axe !== 'undefined'"):  # inject once per page load
        page.evaluate(AXE_SCRIPT)
    response = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    violations = [
        Violation(v["id"], v["impact"] or "", v["help"], [str(n["target"]) for n in v["nodes"]])
        for v in response["violations"]
    ]
    AXE_PAGES[theme] += 1
    for violation in violations:
        AXE_SUMMARY[theme, violation.impact, violation.rule] += 1
    return violations


def visit(page, url: str, path: str) -> Visit:
    """Load ``url`` and record it in light, in dark, and in light again."""
    recorder = page.recorder
    recorder.reset()
    record = Visit(path)
    page.goto(url, wait_until="load")
    settle_images(page)
    record.lang = page.evaluate("document.documentElement.lang")
    record.switcher = page.evaluate(SWITCHER)
    for step, theme in (("light", "light"), ("dark", "dark"), ("back", "light")):
        record.themes[step] = set_theme(page, theme)
        record.images[step] = page.evaluate(IMAGES)
        if step != "back":
            record.axe[theme] = run_axe(page, theme)
    record.external = list(recorder.external)
    record.errors = list(recorder.errors)
    record.failed = [f for f in recorder.failed if f.split(": ", 1)[-1] not in record.external]
    return record
