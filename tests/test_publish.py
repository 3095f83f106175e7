"""``ilacs publish``: the static site, read back as HTML (no browser; see
test_publish_browser.py for the pages in Chromium)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from ilacs_cli.cli import app
from ilacs_cli.library import Library
from ilacs_cli.models import Area, Grade, ImprovementArea, Inspector, Kind, Report
from ilacs_cli.publish import hexmap, publish
from ilacs_cli.publish.authorities import authorities
from ilacs_cli.publish.site import STATE_FILE, change_word
from ilacs_cli.publish.views import COLUMNS, GRADE_STYLES, KIND_WORDS, NOT_ON_INDEX, safe_name

GOLDEN = Path(__file__).parent / "golden"
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)

SCRIPT = "<script>window.__pwned = 1</script>"
ONERROR = '<img src=x onerror="window.__pwned = 2">'


def golden(name: str) -> Report:
    return Report.model_validate_json((GOLDEN / f"{name}.json").read_bytes())


def _as(report: Report, name: str, slug: str, day: dt.date, **changes: object) -> Report:
    """A copy of ``report`` as another authority's document of another day (its own sha)."""
    sha = hashlib.sha256(f"{slug}{day}{report.id}".encode()).hexdigest()
    return report.model_copy(
        update={
            "id": f"{slug}-{day.isoformat()}",
            "local_authority": report.local_authority.model_copy(
                update={"name": name, "slug": slug, "urn": None, "la_code": None, "ons_code": None}
            ),
            "inspection": report.inspection.model_copy(
                update={"start": day - dt.timedelta(days=11), "end": day}
            ),
            "source": report.source.model_copy(update={"sha256": sha}),
            **changes,
        },
        deep=True,
    )


def hostile_reports() -> list[Report]:
    """Two documents of an authority whose every text field holds markup."""
    base = golden("trafford-2022")
    bad = f"Trouble {SCRIPT} and {ONERROR}"
    older = _as(base, f"Evil {SCRIPT} Council", "evil-<script>", dt.date(2019, 3, 1))
    newer = _as(
        base,
        f"Evil {SCRIPT} Council",
        "evil-<script>",
        dt.date(2024, 3, 1),
        improvement_areas=[ImprovementArea(text=bad), *base.improvement_areas],
        inspectors=[Inspector(name=f"Ins {ONERROR}", role="lead")],
        judgements=[j.model_copy(update={"label": f"{j.label} {SCRIPT}"}) for j in base.judgements],
        summary=[bad],
    )
    return [older, newer]


def library_reports() -> list[Report]:
    """Salford (SIF 2015, ILACS 2023, focused visit 2025, the 2012 child protection
    inspection), Trafford 2022, Cumbria (a predecessor) and Westmorland and Furness, and
    the hostile authority."""
    cumbria = _as(golden("trafford-2022"), "Cumbria County Council", "cumbria", dt.date(2022, 6, 1))
    wf = _as(
        golden("salford-2023"),
        "Westmorland and Furness Council",
        "westmorland-and-furness",
        dt.date(2025, 2, 7),
    )
    return [
        golden("salford-2012-child-protection-summary-text"),
        golden("salford-2015"),
        golden("salford-2023"),
        golden("salford-2025"),
        golden("trafford-2022"),
        cumbria,
        wf,
        *hostile_reports(),
    ]


def make_library(path: Path, reports: list[Report]) -> Path:
    with Library(path) as lib:
        for r in reports:
            lib.save(r)
    return path


def lib_id(lib_path: Path, slug: str, kind: str) -> str:
    """The library's id of an authority's document of a kind (ids are the library's to
    give, so the tests never spell them)."""
    with Library(lib_path) as lib:
        found = [e.id for e in lib.entries(authority=slug, kind=kind)]
    assert len(found) == 1, found
    return found[0]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, object]:
    tmp = tmp_path_factory.mktemp("publish")
    lib_path = make_library(tmp / "lib.sqlite3", library_reports())
    out = tmp / "site"
    with Library(lib_path) as lib:
        result = publish(lib, out, now=NOW)
    return out, lib_path, result


class Rows(HTMLParser):
    """The authorities table's body rows: a dict of data-* attributes and the cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[dict[str, str], list[str]]] = []
        self.in_body = False
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append(({k: v or "" for k, v in attrs}, []))
        elif self.in_body and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self.in_body = False
        elif self.in_body and tag in ("td", "th") and self.cell is not None:
            self.rows[-1][1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html: str) -> dict[str, list[str]]:
    start = html.index('<table id="la-table"')
    parser = Rows()
    parser.feed(html[start : html.index("</table>", start)])
    return {cells[0]: cells for _, cells in parser.rows}


# -- registries --------------------------------------------------------------------------------


def test_every_grade_has_a_style_with_a_word_and_letters():
    assert set(GRADE_STYLES) == set(Grade)
    assert all(s.word and s.abbr and s.css.startswith("g-") for s in GRADE_STYLES.values())


def test_every_kind_has_words():
    assert set(KIND_WORDS) == set(Kind)


def test_every_area_is_in_an_index_column_or_named_as_not_on_the_index():
    in_columns = {a for c in COLUMNS for a in c.areas}
    assert in_columns | NOT_ON_INDEX == set(Area)
    assert not in_columns & NOT_ON_INDEX


def test_change_words_come_from_the_value_so_a_new_change_shows_as_itself():
    from ilacs_cli.compare import Change

    assert change_word(Change.IMPROVED) == "▲ improved"
    assert change_word(Change.NOT_GRADED) == "not graded"
    assert all(change_word(c).endswith(c.value.replace("_", " ")) for c in Change)


# -- the hex map ------------------------------------------------------------------------------


def test_every_current_authority_has_exactly_one_hex_and_every_hex_an_authority():
    from ilacs_cli.register import register

    current = [a for a in register() if a.current]
    assert len(current) == 153
    codes = [h.code for h in hexmap.hexes().values()]
    assert len(codes) == len(set(codes)) == 153
    assert sorted(a.ons_code for a in current) == sorted(codes)
    cells = [(h.q, h.r) for h in hexmap.hexes().values()]
    assert len(set(cells)) == 153


def test_split_authorities_replace_their_predecessor_on_touching_hexes():
    hexes = hexmap.hexes()
    for old in ("E10000021", "E10000006", "E10000002", "E10000023", "E10000027"):
        assert old not in hexes
    assert hexes["E06000063"].name == "Cumberland"
    wf, cumberland = hexes["E06000064"], hexes["E06000063"]
    # odd-r: an even row's hex touches (q - 1, r + 1) and (q, r + 1)
    assert wf.r % 2 == 0 and (cumberland.q, cumberland.r) in {
        (wf.q - 1, wf.r + 1),
        (wf.q, wf.r + 1),
    }
    north, west = hexes["E06000061"], hexes["E06000062"]
    assert (north.r, abs(north.q - west.q)) == (west.r, 1)
    assert hexes["E06000060"].name == "Buckinghamshire"


def test_hex_layout_has_one_polygon_per_hex_inside_the_drawing():
    shapes, width, height = hexmap.layout()
    assert len(shapes) == 153
    for s in shapes:
        xs = [float(p.split(",")[0]) for p in s.points.split()]
        ys = [float(p.split(",")[1]) for p in s.points.split()]
        assert len(xs) == 6 and 0 <= min(xs) and max(xs) <= width and 0 <= min(ys) <= height


# -- the site ---------------------------------------------------------------------------------


def test_publish_writes_an_index_a_page_per_authority_and_downloads(site):
    out, lib_path, result = site
    ilacs = lib_id(lib_path, "salford", "ilacs_inspection")
    assert (out / "index.html").is_file()
    pages = sorted(p.stem for p in (out / "la").glob("*.html"))
    # the register's 153 current authorities, its predecessors that have successors shown,
    # and the authority the register does not know
    assert len(pages) == result.authorities == result.pages - 1
    for slug in ("salford", "trafford", "cumbria", "westmorland-and-furness", "cumberland"):
        assert slug in pages
    assert "evil-script" in pages
    assert result.documents == 9
    reports = sorted(p.name for p in (out / "downloads" / "reports").glob("*.json"))
    assert len(reports) == 9
    one = json.loads((out / "downloads" / "reports" / f"{ilacs}.json").read_text())
    assert one == {**golden("salford-2023").model_dump(mode="json"), "id": ilacs}
    lines = (out / "downloads" / "reports.jsonl").read_text().splitlines()
    assert len(lines) == 9
    # ilacs export's tables, as CSV and one workbook
    assert result.downloads == [
        "downloads/reports.jsonl",
        "downloads/documents.csv",
        "downloads/latest.csv",
        "downloads/improvement_areas.csv",
        "downloads/findings.csv",
        "downloads/ilacs-export.xlsx",
    ]
    latest = (out / "downloads" / "latest.csv").read_text().splitlines()
    assert latest[0].startswith("slug,authority,urn,")
    salford = next(line for line in latest if line.startswith("salford,"))
    assert f",{ilacs},ilacs_inspection,2023-11-10," in salford
    assert (out / "downloads" / "ilacs-export.xlsx").read_bytes()[:2] == b"PK"


def test_without_ilacs_export_the_downloads_are_the_index_table_and_documents(
    tmp_path, monkeypatch
):
    import sys

    monkeypatch.setitem(sys.modules, "ilacs_cli.export", None)  # import fails
    lib_path = make_library(
        tmp_path / "l.sqlite3", [golden("salford-2023"), golden("trafford-2022")]
    )
    with Library(lib_path) as lib:
        result = publish(lib, tmp_path / "site", now=NOW)
    assert result.downloads == [
        "downloads/reports.jsonl",
        "downloads/authorities.csv",
        "downloads/documents.csv",
    ]
    rows = (tmp_path / "site" / "downloads" / "authorities.csv").read_text().splitlines()
    salford = next(line for line in rows if line.startswith("salford,"))
    assert salford.startswith("salford,Salford,North West,80548,355,E08000006,yes,")
    ilacs = lib_id(lib_path, "salford", "ilacs_inspection")
    assert f",good,outstanding,good,good,outstanding,{ilacs}," in salford
    docs = (tmp_path / "site" / "downloads" / "documents.csv").read_text().splitlines()
    assert len(docs) == 3 and docs[2].startswith(f"{ilacs},salford,Salford,")


def test_index_lists_every_authority_with_its_latest_grade_words(site):
    out, _, _ = site
    rows = table_rows((out / "index.html").read_text())
    assert len(rows) == 153 + 2  # current authorities, Cumbria (it has a document), the unknown
    # Salford: the latest graded document is the 2023 ILACS (the 2025 visit has no grades)
    assert rows["Salford"][:7] == [
        "Salford",
        "North West",
        "Good",
        "Outstanding",
        "Good",
        "Good",
        "Outstanding",
    ]
    assert rows["Salford"][7:] == ["2023-11-10", "Focused visit", "2025-10-15"]
    # Trafford 2022: one combined judgement for children in care and care leavers
    assert rows["Trafford"][2:7] == ["Requires improvement"] * 5
    assert rows["Cumberland"][2:] == ["—"] * 6 + ["No documents", "—"]
    assert rows["Cumbria (former authority to 2023-03-31)"][1] == "North West"


def test_headline_counts_current_authorities_by_latest_overall_grade(site):
    out, _, _ = site
    html = (out / "index.html").read_text()
    counts = {
        word: int(n)
        for n, word in re.findall(r'<span class="n">(\d+)</span> <span class="w">([^<]+)<', html)
    }
    # Salford and Westmorland and Furness good, Trafford requires improvement; Cumbria is a
    # predecessor and the unknown authority is not one of the 153
    assert counts == {
        "Outstanding": 0,
        "Good": 2,
        "Requires improvement": 1,
        "Inadequate": 0,
        "No overall grade in the library": 150,
    }


def test_map_hexes_link_to_pages_that_exist_and_say_the_grade_in_words(site):
    out, _, _ = site
    html = (out / "index.html").read_text()
    svg = html[html.index('<svg id="hexmap"') : html.index("</svg>", html.index('id="hexmap"'))]
    links = re.findall(r'<a href="([^"]+)" class="hex ([^"]+)"', svg)
    assert len(links) == 153
    assert all((out / href).is_file() for href, _ in links)
    salford = re.search(
        r'<a href="la/salford.html" class="hex g-good".*?<title>([^<]+)</title>', svg, re.S
    )
    assert salford and salford.group(1).startswith("Salford: Overall effectiveness: Good")
    assert 'data-care_leavers="g-outstanding|O|Salford: Care leavers: Outstanding' in svg


def test_authority_page_lists_documents_in_date_order_with_grades_and_the_diff(site):
    out, lib_path, _ = site
    ids = {
        kind: lib_id(lib_path, "salford", kind)
        for kind in ("child_protection_inspection", "sif_inspection", "ilacs_inspection")
    }
    ids["focused_visit"] = lib_id(lib_path, "salford", "focused_visit")
    html = (out / "la" / "salford.html").read_text()
    order = re.findall(r'<article class="doc" id="doc-([^"]+)">', html)
    assert order == [safe_name(i) for i in ids.values()]  # 2012, 2015, 2023, 2025
    assert "<dt>Lead inspector</dt><dd>Kathryn Grindrod</dd>" in html
    assert "Management oversight of pre-proceedings work" in html  # an improvement area
    assert html.count('<figure class="chart">') == 5  # every column has a grade
    assert f"{ids['ilacs_inspection']}</strong> (ILACS inspection" in html  # the diff's old side
    assert "The new report is a focused visit" in html  # its grades note
    assert f'href="../downloads/reports/{ids["ilacs_inspection"]}.json"' in html


def test_a_successors_page_marks_its_predecessors_documents(site):
    out, lib_path, _ = site
    html = (out / "la" / "westmorland-and-furness.html").read_text()
    cumbria = safe_name(lib_id(lib_path, "cumbria", "ilacs_inspection"))
    assert f'<article class="doc pred" id="doc-{cumbria}">' in html
    assert '<span class="badge">Predecessor: Cumbria</span>' in html
    assert '<a href="cumbria.html">Cumbria</a>' in html
    assert "hollow points are a predecessor's" in html
    cumbria = (out / "la" / "cumbria.html").read_text()
    assert "<dt>Succeeded by</dt>" in cumbria and 'href="cumberland.html"' in cumbria


def test_document_text_with_script_and_onerror_is_escaped_everywhere(site):
    out, _, _ = site
    pages = [out / "index.html", *(out / "la").glob("*.html")]
    for page in pages:
        html = page.read_text()
        assert "<script>window" not in html, page
        assert "<img src=x" not in html, page
        assert len(re.findall(r"<script\b", html)) == 1, page  # site.js only
    evil = (out / "la" / "evil-script.html").read_text()
    assert (
        "Trouble &lt;script&gt;window.__pwned = 1&lt;/script&gt; and &lt;img src=x onerror=" in evil
    )
    assert "Ins &lt;img src=x onerror=&#34;window.__pwned = 2&#34;&gt;" in evil
    assert "<h1>Evil &lt;script&gt;window.__pwned = 1&lt;/script&gt;</h1>" in evil


def test_control_characters_in_document_text_are_shown_as_escapes(tmp_path):
    base = golden("trafford-2022")
    odd = _as(base, "Odd\x1b]0;title\x07 Council", "odd", dt.date(2024, 1, 1))
    with Library(make_library(tmp_path / "l.sqlite3", [odd])) as lib:
        publish(lib, tmp_path / "site", now=NOW)
    html = (tmp_path / "site" / "la" / "odd.html").read_text()
    assert "\x1b" not in html and "\x07" not in html
    assert "Odd\\x1b]0;title\\x07 Council" in html


def test_new_since_the_last_publish_and_the_diff_cache(tmp_path):
    reports = [golden("salford-2015"), golden("salford-2023"), golden("trafford-2022")]
    lib_path = make_library(tmp_path / "l.sqlite3", reports)
    out = tmp_path / "site"
    with Library(lib_path) as lib:
        first = publish(lib, out, now=NOW)
    assert first.first and first.new == [] and first.diffs == 1 and first.diffs_cached == 0
    assert "This is the first publish into this folder" in (out / "index.html").read_text()
    make_library(lib_path, [golden("salford-2025")])
    with Library(lib_path) as lib:
        second = publish(lib, out, now=NOW + dt.timedelta(days=1))
    assert not second.first
    visit = lib_id(lib_path, "salford", "focused_visit")
    assert second.new == [visit]
    # a new document: the export tables are written again
    assert visit in (out / "downloads" / "documents.csv").read_text()
    assert second.diffs == 1 and second.diffs_cached == 0  # salford's last two changed
    html = (out / "index.html").read_text()
    new = html[html.index('<section id="new"') : html.index("</section>", html.index('id="new"'))]
    assert "1 document added since 2026-12-01T09:00:00+00:00" in new
    assert f'<a href="la/salford.html#doc-{visit}">Salford</a>' in new
    workbook = out / "downloads" / "ilacs-export.xlsx"
    written = workbook.stat().st_mtime_ns
    with Library(lib_path) as lib:
        third = publish(lib, out, now=NOW + dt.timedelta(days=2))
    assert third.new == [] and third.diffs_cached == 1
    # the same documents: the export tables are not written again, and still offered
    assert workbook.stat().st_mtime_ns == written
    assert third.downloads == second.downloads
    assert "No document added since" in (out / "index.html").read_text()
    state = json.loads((out / STATE_FILE).read_text())
    with Library(lib_path) as lib:
        assert sorted(state["documents"]) == lib.ids()


def test_ofsted_link_only_where_the_library_knows_an_http_url(tmp_path):
    lib_path = make_library(
        tmp_path / "l.sqlite3", [golden("salford-2023"), golden("trafford-2022")]
    )
    urls = {
        lib_id(lib_path, "salford", "ilacs_inspection"): "https://files.ofsted.gov.uk/v1/file/50",
        lib_id(lib_path, "trafford", "ilacs_inspection"): "javascript:alert(1)",
    }

    class Fetched(Library):
        def site_facts(self, report_id: str):  # the shape ilacs fetch records
            return SimpleNamespace(url=urls[report_id]) if report_id in urls else None

    with Fetched(lib_path) as lib:
        publish(lib, tmp_path / "site", now=NOW)
    salford = (tmp_path / "site" / "la" / "salford.html").read_text()
    assert '<a href="https://files.ofsted.gov.uk/v1/file/50" rel="noopener noreferrer">' in salford
    trafford = (tmp_path / "site" / "la" / "trafford.html").read_text()
    assert "javascript:" not in trafford and "Ofsted's PDF" not in trafford


def test_without_the_register_authorities_come_from_the_library(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "ilacs_cli.register", None)  # import fails
    found = authorities([golden("salford-2023"), golden("salford-2025"), golden("trafford-2022")])
    assert found.source == "library"
    assert sorted(found.by_slug) == ["salford", "trafford"]
    assert [r.id for r in found.get("salford").reports] == [
        golden("salford-2023").id,
        golden("salford-2025").id,
    ]
    assert found.get("salford").ons_code == "E08000006"


def test_safe_file_names_from_any_slug():
    assert safe_name("evil-<script>") == "evil-script"
    assert safe_name("../../etc/passwd") == "etc-passwd"
    assert safe_name("***") == "unnamed"


# -- the command ------------------------------------------------------------------------------


def test_cli_publish_writes_the_site_and_says_so_on_stderr(tmp_path):
    lib_path = make_library(tmp_path / "l.sqlite3", [golden("salford-2023")])
    out = tmp_path / "site"
    result = CliRunner().invoke(
        app,
        ["publish", str(out), "--library", str(lib_path), "--jobs", "1"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"published {out}: ")
    assert "1 documents (first publish)" in result.stderr
    assert (out / "la" / "salford.html").is_file()


def test_cli_publish_into_a_file_is_one_error_line_and_exit_2(tmp_path):
    lib_path = make_library(tmp_path / "l.sqlite3", [golden("salford-2023")])
    blocker = tmp_path / "site"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(app, ["publish", str(blocker), "--library", str(lib_path)])
    assert result.exit_code == 2
    assert result.stderr == f"Error: {blocker}: not a folder (a file is in the way)\n"


def _luminance(colour: str) -> float:
    rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_every_grade_fill_and_its_text_have_a_contrast_of_at_least_4_5():
    from importlib import resources

    css = resources.files("ilacs_cli").joinpath("templates", "site.css").read_text()
    colours = dict(re.findall(r"--([a-z]+): (#[0-9a-f]{6})", css))
    for style in GRADE_STYLES.values():
        rule = re.search(rf"\.{style.css} {{ background: var\(--(\w+)\); color: (#\w+); }}", css)
        assert rule, style.css
        fill, text = colours[rule.group(1)], rule.group(2)
        text = "#ffffff" if text == "#fff" else "#000000" if text == "#000" else text
        lighter, darker = sorted([_luminance(fill), _luminance(text)], reverse=True)
        assert (lighter + 0.05) / (darker + 0.05) >= 4.5, (style.css, fill, text)


def test_an_empty_library_publishes_every_authority_with_no_grades(tmp_path):
    with Library(tmp_path / "empty.sqlite3") as lib:
        result = publish(lib, tmp_path / "site", now=NOW)
    assert (result.documents, result.diffs, result.first) == (0, 0, True)
    rows = table_rows((tmp_path / "site" / "index.html").read_text())
    assert len(rows) == 153
    assert all(cells[2:8] == ["—"] * 6 for cells in rows.values())
    assert (tmp_path / "site" / "downloads" / "reports.jsonl").read_text() == ""


def test_without_the_register_the_site_shows_the_librarys_authorities(tmp_path, monkeypatch):
    import sys

    lib_path = make_library(
        tmp_path / "l.sqlite3", [golden("salford-2023"), golden("trafford-2022")]
    )
    with Library(lib_path) as lib:
        monkeypatch.setitem(sys.modules, "ilacs_cli.register", None)  # import fails
        result = publish(lib, tmp_path / "site", now=NOW)
    assert not result.register and result.authorities == 2
    html = (tmp_path / "site" / "index.html").read_text()
    assert sorted(table_rows(html)) == ["Salford", "Trafford"]
    # the map still places them, by the codes their reports carry; other hexes are not links
    links = re.findall(r'<a href="([^"]+)" class="hex ([^"]+)"', html)
    assert sorted(links) == [("la/salford.html", "g-good"), ("la/trafford.html", "g-ri")]
    assert html.count('class="hex g-none nolink"') == 151
    assert "the authority register is not installed" in html
