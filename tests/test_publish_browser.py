"""The published site in a real browser: headless Chromium (Debian's ``chromium``) driven by
Playwright. CI installs chromium (``.ci/run``); without it these tests FAIL, never skip.

Screenshots are kept in ``test-artefacts/publish/`` (gitignored) for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_publish import NOW, library_reports, make_library

from ilacs_cli.library import Library
from ilacs_cli.publish import publish

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTEFACTS = Path(__file__).resolve().parent.parent / "test-artefacts" / "publish"

#: pages with documents, one predecessor, one without documents, and the index
PAGES = [
    "index.html",
    "la/salford.html",
    "la/trafford.html",
    "la/westmorland-and-furness.html",
    "la/cumbria.html",
    "la/evil-script.html",
    "la/cumberland.html",
]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
            "(apt-get install -y chromium; .ci/run installs it)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("browser")
    lib = make_library(tmp / "lib.sqlite3", library_reports())
    with Library(lib) as opened:
        publish(opened, tmp / "site", now=NOW)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return tmp / "site"


class Page:
    """A page with its console errors, uncaught exceptions and dialogs recorded."""

    def __init__(self, browser, width: int = 1200, height: int = 900) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

        def dialog(d) -> None:  # type: ignore[no-untyped-def]
            self.dialogs.append(d.message)
            d.dismiss()

        self.page.on("dialog", dialog)

    def open(self, path: Path) -> Page:
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")
        return self

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def page(browser):
    p = Page(browser)
    yield p
    p.close()


COLOURS = """async (b64) => {
  const img = new Image();
  img.src = "data:image/png;base64," + b64;
  await img.decode();
  const canvas = document.createElement("canvas");
  canvas.width = 240;
  canvas.height = Math.max(1, Math.round(240 * img.height / img.width));
  const ctx = canvas.getContext("2d");
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  const seen = new Map();
  for (let i = 0; i < data.length; i += 4) {
    const key = (data[i] >> 3) + "," + (data[i + 1] >> 3) + "," + (data[i + 2] >> 3);
    seen.set(key, (seen.get(key) || 0) + 1);
  }
  return {colours: seen.size, total: data.length / 4, top: Math.max(...seen.values())};
}"""


def assert_not_blank(browser, png: bytes, name: str) -> None:
    """Count the colours of the screenshot, scaled down in a blank page's canvas."""
    import base64

    p = Page(browser)
    try:
        found = p.page.evaluate(COLOURS, base64.b64encode(png).decode())
    finally:
        p.close()
    assert found["colours"] >= 8, f"{name}: only {found['colours']} colours"
    assert found["total"] - found["top"] >= found["total"] * 0.02, f"{name}: one colour"


def test_every_page_loads_without_console_errors_and_its_screenshot_is_not_blank(site, browser):
    p = Page(browser)
    for rel in PAGES:
        p.open(site / rel)
        name = rel.replace("/", "-").removesuffix(".html")
        # the whole page for the index and one authority; the first screen for the rest
        full = rel in ("index.html", "la/salford.html")
        png = p.page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=full)
        assert p.errors == [], (rel, p.errors)
        assert_not_blank(browser, png, rel)
        # the page's own script ran (the CSP lets in site.js and nothing inline)
        assert p.page.evaluate("document.documentElement.classList.contains('js')"), rel
    p.close()


def test_index_lists_every_authority_of_the_library_with_its_grade_words(site, page):
    page.open(site / "index.html")
    rows = page.page.eval_on_selector_all(
        "#la-table tbody tr",
        "rows => rows.map(r => Array.from(r.cells, c => c.innerText.trim()))",
    )
    by_name = {r[0]: r for r in rows}
    with Library(site.parent / "lib.sqlite3") as lib:
        slugs = {e.slug for e in lib.entries()}
    assert slugs == {
        "salford",
        "trafford",
        "cumbria",
        "westmorland-and-furness",
        "evil-<script>",
    }
    assert by_name["Salford"][2:7] == ["Good", "Outstanding", "Good", "Good", "Outstanding"]
    assert by_name["Trafford"][2:7] == ["Requires improvement"] * 5
    assert by_name["Westmorland and Furness"][2] == "Good"
    assert by_name["Cumbria (former authority to 2023-03-31)"][2] == "Requires improvement"
    assert by_name["Evil <script>window.__pwned = 1</script>"][2] == "Requires improvement"
    assert len(rows) == 155
    assert page.page.inner_text("#shown") == "Showing 155 of 155 authorities."


def _names(page) -> list[str]:
    return page.page.eval_on_selector_all(
        "#la-table tbody tr:not([hidden])", "rows => rows.map(r => r.cells[0].innerText.trim())"
    )


def test_sorting_by_a_column_changes_the_order_of_the_rows(site, page):
    page.open(site / "index.html")
    before = _names(page)
    assert before[0] == "Barking and Dagenham"
    page.page.click("#la-table thead th:nth-child(3) button")  # Overall, worst first
    ascending = _names(page)
    assert ascending != before
    overall = page.page.eval_on_selector_all(
        "#la-table tbody tr", "rows => rows.map(r => r.cells[2].innerText.trim())"
    )
    graded = [g for g in overall if g != "—"]
    assert graded[:1] == ["Requires improvement"] and graded[-1] == "Good"
    assert page.page.get_attribute("#la-table thead th:nth-child(3)", "aria-sort") == "ascending"
    page.page.click("#la-table thead th:nth-child(3) button")
    descending = _names(page)
    assert descending[:2] == ["Salford", "Westmorland and Furness"]  # ties by name
    page.page.click("#la-table thead th:nth-child(1) button")
    assert _names(page)[0] == "Barking and Dagenham"


def test_filtering_by_name_region_and_grade_changes_the_rows(site, page):
    page.open(site / "index.html")
    page.page.fill("#f-name", "salf")
    assert _names(page) == ["Salford"]
    assert page.page.inner_text("#shown") == "Showing 1 of 155 authorities."
    page.page.fill("#f-name", "")
    page.page.select_option("#f-region", "North West")
    north_west = _names(page)
    assert "Salford" in north_west and "Trafford" in north_west and "Kent" not in north_west
    from ilacs_cli.register import register

    expected = [a.name for a in register() if a.current and a.region == "North West"]
    # and Cumbria, and the unknown authority (its document says North West)
    expected += [
        "Cumbria (former authority to 2023-03-31)",
        "Evil <script>window.__pwned = 1</script>",
    ]
    assert sorted(north_west) == sorted(expected)
    page.page.select_option("#f-grade", "requires_improvement")
    assert _names(page) == [
        "Cumbria (former authority to 2023-03-31)",
        "Evil <script>window.__pwned = 1</script>",
        "Trafford",
    ]
    page.page.select_option("#f-judgement", "leaders")
    page.page.select_option("#f-grade", "outstanding")
    assert _names(page) == ["Salford", "Westmorland and Furness"]


def test_map_hexes_link_to_pages_that_exist_and_change_with_the_judgement(site, page):
    page.open(site / "index.html")
    hrefs = page.page.eval_on_selector_all(
        "#hexmap a.hex", "as => as.map(a => a.getAttribute('href'))"
    )
    assert len(hrefs) == 153
    assert all((site / h).is_file() for h in hrefs)
    salford = "#hexmap a[href='la/salford.html']"
    assert "g-good" in page.page.get_attribute(salford, "class")
    assert page.page.text_content(f"{salford} text") == "G"
    page.page.select_option("#map-judgement", "leaders")
    assert "g-outstanding" in page.page.get_attribute(salford, "class")
    assert page.page.text_content(f"{salford} text") == "O"
    title = page.page.eval_on_selector(f"{salford} title", "t => t.textContent")
    assert title.startswith("Salford: Impact of leaders: Outstanding")
    assert page.page.inner_text("#map-showing") == "Impact of leaders"
    page.page.locator("#map").screenshot(path=str(ARTEFACTS / "map-leaders.png"))
    page.page.click(salford)
    page.page.wait_for_load_state("load")
    assert page.page.inner_text("h1") == "Salford"


def test_script_and_onerror_in_a_document_show_as_text_and_never_run(site, page):
    page.open(site / "la" / "evil-script.html")
    body = page.page.inner_text("main")
    assert "Trouble <script>window.__pwned = 1</script> and <img src=x onerror=" in body
    assert "Ins <img src=x onerror=" in body
    assert page.page.evaluate("typeof window.__pwned") == "undefined"
    assert page.page.evaluate("document.querySelectorAll('main img, main script').length") == 0
    assert page.dialogs == [] and page.errors == []
    page.page.screenshot(path=str(ARTEFACTS / "escaped-markup.png"), full_page=False)


def test_keyboard_reaches_the_skip_link_first_and_it_moves_focus_to_the_content(site, page):
    page.open(site / "index.html")
    page.page.keyboard.press("Tab")
    assert page.page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.page.keyboard.press("Enter")
    assert page.page.evaluate("document.activeElement.id") == "main"


def test_pages_fit_a_phone_screen(site, browser):
    for rel in ("index.html", "la/salford.html"):
        p = Page(browser, width=390, height=844)
        p.open(site / rel)
        overflow = p.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (rel, overflow)
        name = rel.replace("/", "-").removesuffix(".html")
        p.page.screenshot(path=str(ARTEFACTS / f"phone-{name}.png"), full_page=False)
        assert p.errors == []
        p.close()
