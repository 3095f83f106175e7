"""``ilacs export``: the documents, latest, improvement_areas and findings tables, as csv,
json, jsonl and xlsx."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ilacs_cli.cli import app
from ilacs_cli.cli_export import ExportFormat, TableName
from ilacs_cli.export import DOCUMENT_COLUMNS, FORMATS, GRADE_COLOURS, TABLES, table, write
from ilacs_cli.library import Library

SAMPLES = ["salford-2023.pdf", "salford-2025.pdf", "trafford-2019.pdf", "trafford-2022.pdf"]
README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture
def lib(reports, _library_in_tmp):
    with Library(_library_in_tmp) as library:
        for name in SAMPLES:
            library.save(reports(name))
        yield library


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def by_id(rows):
    return {r["id"]: r for r in rows}


def test_every_table_and_format_has_its_cli_name():
    assert {t.value for t in TableName} == set(TABLES)
    assert {f.value for f in ExportFormat} == set(FORMATS)


def test_documents(lib):
    columns, rows = table("documents", lib.reports())
    assert columns == DOCUMENT_COLUMNS
    assert [r["id"] for r in rows] == [
        "salford-2023-11-10-ilacs",
        "salford-2025-10-15-focused-visit",
        "trafford-2019-03-08-ilacs",
        "trafford-2022-12-02-ilacs",
    ]
    rows = by_id(rows)
    salford = rows["salford-2023-11-10-ilacs"]
    assert (salford["urn"], salford["la_code"], salford["ons_code"], salford["region"]) == (
        "80548",
        "355",
        "E08000006",
        "North West",
    )
    assert (salford["framework"], salford["framework_variant"]) == ("ilacs", "short")
    assert salford["inspection_end"] == dt.date(2023, 11, 10)
    assert salford["lead_inspector"] == "Kathryn Grindrod"
    assert (salford["overall_effectiveness"], salford["care_leavers"]) == ("good", "outstanding")
    assert salford["previous_id"] is None and salford["days_since_previous"] is None
    visit = rows["salford-2025-10-15-focused-visit"]
    assert visit["overall_effectiveness"] is None
    assert visit["previous_id"] == "salford-2023-11-10-ilacs"
    assert visit["days_since_previous"] == (dt.date(2025, 10, 15) - dt.date(2023, 11, 10)).days
    assert visit["overall_effectiveness_change"] is None  # a visit has no grades to compare
    later = rows["trafford-2022-12-02-ilacs"]
    assert later["previous_id"] == "trafford-2019-03-08-ilacs"
    assert (
        rows["trafford-2019-03-08-ilacs"]["overall_effectiveness"],
        later["overall_effectiveness"],
    ) == ("inadequate", "requires_improvement")
    assert later["overall_effectiveness_change"] == "improved"
    assert later["findings"] == len(lib.get(later["id"]).findings) > 0
    assert later["sha256"] == lib.get(later["id"]).source.sha256
    assert later["source_url"] is None  # ilacs fetch records it; these were added from files


def test_latest_reads_where_it_stands_against_whom(lib):
    _, rows = table("latest", lib.reports())
    assert len(rows) == 158  # every authority of the register
    rows = {r["slug"]: r for r in rows}
    salford = rows["salford"]
    assert salford["inspection_id"] == "salford-2023-11-10-ilacs"
    assert salford["visit_id"] == "salford-2025-10-15-focused-visit"
    assert salford["care_leavers"] == "outstanding"
    assert salford["stat_neighbours"].split(";")[:2] == ["sheffield", "rochdale"]
    assert rows["trafford"]["overall_effectiveness"] == "requires_improvement"
    # Salford is Sheffield's third neighbour: its grade sits third
    assert rows["sheffield"]["stat_neighbour_judgements"].split(";")[2] == "good"
    assert rows["sheffield"]["stat_neighbours_good"] == 1
    assert rows["kent"]["inspection_id"] is None and rows["kent"]["stat_neighbours_good"] == 0


def test_improvement_areas_and_findings(lib):
    reports = {r.id: r for r in lib.reports()}
    _, items = table("improvement_areas", reports.values())
    assert len(items) == sum(len(r.improvement_areas) for r in reports.values())
    first = next(i for i in items if i["id"] == "salford-2023-11-10-ilacs")
    assert first["text"].startswith("Management oversight of pre-proceedings work")
    assert (first["n"], first["priority"], first["date"]) == (1, False, dt.date(2023, 11, 10))
    _, found = table("findings", reports.values())
    assert len(found) == sum(len(r.findings) for r in reports.values())
    one = next(f for f in found if f["id"] == "salford-2023-11-10-ilacs" and f["number"] == 1)
    assert (one["area"], one["page"]) == ("help_and_protection", 2)


def test_csv_json_and_jsonl_hold_the_same_rows(lib):
    columns, rows = table("documents", lib.reports())
    out = io.StringIO()
    write(["documents"], lib.reports(), "csv", out)
    parsed = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(parsed[0]) == columns
    assert parsed[0]["inspection_end"] == "2023-11-10" and parsed[0]["previous_id"] == ""
    out = io.StringIO()
    write(["documents"], lib.reports(), "json", out)
    as_json = json.loads(out.getvalue())
    out = io.StringIO()
    write(["documents"], lib.reports(), "jsonl", out)
    assert [json.loads(line) for line in out.getvalue().splitlines()] == as_json
    assert as_json[0]["findings"] == rows[0]["findings"]
    assert as_json[0]["previous_id"] is None
    with pytest.raises(ValueError, match="csv holds one table"):
        write(["documents", "latest"], lib.reports(), "csv", io.StringIO())


def _xml(book: zipfile.ZipFile, name: str) -> str:
    return book.read(name).decode("utf-8")


def test_xlsx_workbook_has_every_table_with_a_frozen_filtered_header(lib, tmp_path):
    target = tmp_path / "ofsted.xlsx"
    result = invoke("export", "--format", "xlsx", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    with zipfile.ZipFile(target) as book:
        workbook = _xml(book, "xl/workbook.xml")
        assert re.findall(r'<sheet name="([^"]+)"', workbook) == list(TABLES)
        sheet = _xml(book, "xl/worksheets/sheet1.xml")
        assert 'state="frozen"' in sheet and 'ySplit="1"' in sheet
        assert "<autoFilter ref=" in sheet
        styles = _xml(book, "xl/styles.xml")
        assert 'formatCode="yyyy-mm-dd"' in styles
        for fill, _ in GRADE_COLOURS.values():
            assert f'rgb="FF{fill[1:]}"' in styles
        strings = _xml(book, "xl/sharedStrings.xml")
        assert "salford-2023-11-10-ilacs" in strings and "requires_improvement" in strings
        # dates are numbers (Excel serial days), not strings: 2023-11-10 is 45240
        assert "<v>45240</v>" in sheet


def test_cli_csv_is_the_library_table(lib):
    result = invoke("export", "findings", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == len(table("findings", lib.reports())[1])
    assert result.stdout.startswith("id,urn,slug,authority,kind,date,number,area,section")


def test_cli_usage_errors(lib):
    result = invoke("export", "-f", "csv")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: name a TABLE (documents, latest, ...); only xlsx takes them all\n"
    )
    result = invoke("export", "latest", "-f", "xlsx")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: xlsx is a binary file: give -o FILE.xlsx\n",
    )


def test_readme_maps_the_scrapers_columns_to_real_ones():
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### From the scrapers' history CSV") :]
    section = section[: section.index("\n## ")]
    pairs = re.findall(r"^\| `([a-z_]+)` \| `([a-z_]+)`", section, re.M)
    scraper = {a for a, _ in pairs}
    assert {
        "urn",
        "local_authority",
        "inspection_link",
        "publication_date",
        "inspection_framework",
        "inspector_name",
        "inspection_start_date",
        "inspection_end_date",
        "overall_effectiveness_grade",
        "impact_of_leaders_grade",
        "help_and_protection_grade",
        "in_care_grade",
        "care_leavers_grade",
    } <= scraper
    for _, ours in pairs:
        assert ours in DOCUMENT_COLUMNS, ours


def test_site_facts_fill_a_report_added_before_it_was_fetched():
    """`ilacs add` then `ilacs fetch` of the same bytes keeps the first JSON (no URL, no
    site date): export takes them from fetch's records instead."""
    import datetime as dt
    from types import SimpleNamespace

    from conftest import ROOT

    from ilacs_cli.export import with_site_facts
    from ilacs_cli.models import Report

    report = Report.model_validate_json((ROOT / "tests/golden/salford-2023.json").read_text())
    assert report.source.url is None and report.published is None
    fact = SimpleNamespace(url="https://files.ofsted.gov.uk/v1/file/50240002",
                           published=dt.date(2024, 1, 12))  # fmt: skip
    [filled] = with_site_facts([report], {report.id: fact})
    assert filled.source.url == fact.url and filled.published == dt.date(2024, 1, 12)
    [same] = with_site_facts([report], {})
    assert same is report


# -- themes: each improvement area's, each visit's focus', in every format ------------------


def _sheet_rows(path: Path, sheet: int) -> list[dict[str, str]]:
    """The rows of worksheet ``sheet`` (1-based) of an xlsxwriter workbook, as header ->
    cell text (strings from the shared table; numbers and booleans as written)."""
    with zipfile.ZipFile(path) as book:
        shared = re.findall(r"<si><t[^>]*>(.*?)</t></si>", _xml(book, "xl/sharedStrings.xml"), re.S)
        xml = _xml(book, f"xl/worksheets/sheet{sheet}.xml")
    from html import unescape

    grid: list[dict[str, str]] = []
    for row in re.findall(r"<row [^>]*>(.*?)</row>", xml, re.S):
        cells = {}
        for ref, kind, value in re.findall(r'<c r="([A-Z]+)\d+"([^>]*)>\s*<v>([^<]*)</v>', row):
            cells[ref] = unescape(shared[int(value)]) if 't="s"' in kind else value
        grid.append(cells)
    header = grid[0]
    return [{header[ref]: v for ref, v in cells.items()} for cells in grid[1:]]


def _rows_in(fmt: str, name: str, lib: Library, tmp_path: Path) -> list[dict]:
    if fmt == "xlsx":
        target = tmp_path / "t.xlsx"
        write([name], lib.reports(), "xlsx", target)
        return _sheet_rows(target, 1)
    out = io.StringIO()
    write([name], lib.reports(), fmt, out)
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(out.getvalue())))
    if fmt == "json":
        return json.loads(out.getvalue())
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.mark.parametrize("fmt", FORMATS)
def test_improvement_areas_carry_their_themes_and_the_phrases_that_named_them(lib, fmt, tmp_path):
    rows = _rows_in(fmt, "improvement_areas", lib, tmp_path)
    salford = next(r for r in rows if r["id"] == "salford-2023-11-10-ilacs")
    assert salford["text"].startswith("Management oversight of pre-proceedings work")
    assert salford["themes"] == "pre_proceedings_plo;supervision_oversight"
    assert salford["theme_phrases"] == "pre-proceedings;Management oversight"
    trafford = {int(r["n"]): r for r in rows if r["id"] == "trafford-2022-12-02-ilacs"}
    assert (trafford[2]["themes"], trafford[2]["theme_phrases"]) == ("homeless_16_17", "homeless")
    assert (trafford[4]["themes"], trafford[4]["theme_phrases"]) == (
        "children_in_care;voice_of_child",
        "life-story work;direct work",
    )
    # added after the columns there were, which keep their places
    columns, _ = table("improvement_areas", lib.reports())
    assert columns[-3:] == ["framework_refs", "themes", "theme_phrases"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_documents_carry_each_visits_focus_themes(lib, fmt, tmp_path):
    rows = {r["id"]: r for r in _rows_in(fmt, "documents", lib, tmp_path)}
    visit = rows["salford-2025-10-15-focused-visit"]
    assert visit["focus_themes"] == "cin_cp;pre_proceedings_plo"
    assert visit["focus_theme_phrases"] == "children in need;pre-proceedings"
    # an inspection has no focus: blank in csv, null in JSON, no cell in xlsx
    inspection = rows["salford-2023-11-10-ilacs"]
    blank = {"csv": ""}.get(fmt)
    assert inspection.get("focus_themes") == blank == inspection.get("focus_theme_phrases")
    assert DOCUMENT_COLUMNS[-3:] == ["sha256", "focus_themes", "focus_theme_phrases"]


def test_export_reads_themes_afresh_for_reports_saved_before_them(reports, _library_in_tmp):
    """A report saved before the vocabulary existed carries no themes in its JSON: the
    export reads its texts with today's vocabulary, as `ilacs themes` does."""
    report = reports("salford-2025.pdf")
    bare = report.model_copy(
        update={
            "focus_themes": [],
            "improvement_areas": [
                ia.model_copy(update={"themes": []}) for ia in report.improvement_areas
            ],
        }
    )
    _, [doc] = table("documents", [bare])
    assert doc["focus_themes"] == "cin_cp;pre_proceedings_plo"
    _, items = table("improvement_areas", [bare])
    assert items[0]["themes"] == "cin_cp" and items[0]["theme_phrases"] == "child in need"
