"""ilacs search: the FTS5 index, kept in step with the library, its query syntax, filters,
output formats and errors."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import time

import pytest
from typer.testing import CliRunner

from ilacs_cli.cli import app
from ilacs_cli.library import MIGRATIONS, Library
from ilacs_cli.models import Area, Kind, LocalAuthority, Report
from ilacs_cli.search import Part, SearchQueryError, search, to_fts

ILACS_TXT = "salford-2023-ilacs-inspection.txt"
VISIT_TXT = "salford-2025-focused-visit.txt"
TRAFFORD_TXT = "trafford-2022-ilacs-inspection.txt"

runner = CliRunner()


def short(library_id: str) -> str:
    """A library id's short form: 'salford-2023-11-10-ilacs' -> 'salford-2023'."""
    return re.sub(r"^(.+?-\d{4})-\d\d-\d\d-.*$", r"\1", library_id)


class RegionalAuthority(LocalAuthority):
    """A local authority that knows its region, as the authority register will give."""

    region: str | None = None


def with_region(report: Report, region: str, sha: str) -> Report:
    la = RegionalAuthority(**{**report.local_authority.model_dump(), "region": region})
    source = report.source.model_copy(update={"sha256": sha})
    return report.model_copy(update={"local_authority": la, "source": source})


@pytest.fixture
def ilacs(reports) -> Report:
    return reports(ILACS_TXT)


@pytest.fixture
def visit(reports) -> Report:
    return reports(VISIT_TXT)


@pytest.fixture
def trafford(reports) -> Report:
    return reports(TRAFFORD_TXT)


@pytest.fixture
def lib(tmp_path, ilacs, visit, trafford):
    with Library(tmp_path / "library.sqlite3") as library:
        for r in (ilacs, visit, trafford):
            library.save(r)
        yield library


def containing(report: Report, word: str) -> set[tuple[str, int | None]]:
    """Where a report's passages contain ``word`` (found by a plain regex, not FTS5)."""
    pattern = re.compile(rf"\b{re.escape(word)}", re.IGNORECASE)
    out: set[tuple[str, int | None]] = set()
    out |= {("findings", i) for i, f in enumerate(report.findings, 1) if pattern.search(f.text)}
    out |= {
        ("improvement_areas", i)
        for i, a in enumerate(report.improvement_areas, 1)
        if pattern.search(a.text)
    }
    out |= {("summary", i) for i, p in enumerate(report.summary, 1) if pattern.search(p)}
    if report.focus and pattern.search(report.focus):
        out.add(("focus", None))
    return out


# -- what it finds ---------------------------------------------------------------------------


def test_pre_proceedings_lists_improvement_areas_and_findings_with_numbers_and_pages(
    lib, ilacs, visit, trafford
):
    result = search(lib, "pre-proceedings", limit=None)
    assert result.fts_query == '"pre-proceedings"'
    got = {(short(h.id), h.part.value, h.item) for h in result.hits}
    want = {
        (short(r.id), part, item)
        for r in (ilacs, visit, trafford)
        for part, item in containing(r, "pre-proceedings")
    }
    assert got == want and result.total == len(want)
    first = next(
        h for h in result.hits if short(h.id) == "salford-2023" and h.part is Part.IMPROVEMENT_AREAS
    )
    assert first.item == 1
    assert first.text == (
        "Management oversight of pre-proceedings work to prevent unnecessary delays for children."
    )
    assert first.matches == ["pre-proceedings"]
    assert first.text[slice(*first.marks[0])] == "pre-proceedings"
    for hit in result.hits:
        if hit.part is Part.FINDINGS:
            finding = next(
                f for f in ilacs.findings + trafford.findings + visit.findings if f.text == hit.text
            )
            assert (hit.finding_number, hit.pages, hit.area) == (
                finding.number,
                finding.pages,
                finding.area,
            )
            assert hit.pages  # a finding always has its page
    assert any(short(h.id) == "salford-2025" and h.part is Part.FOCUS for h in result.hits)


def test_porter_stemming_phrases_prefixes_and_operators(lib):
    planning = search(lib, "plans", limit=None)
    assert any("planning" in [m.lower() for m in h.matches] for h in planning.hits)
    phrase = search(lib, '"management oversight"', limit=None)
    assert phrase.total > 0
    for h in phrase.hits:
        assert re.search(r"management\s+oversight", h.text, re.IGNORECASE)
    loose = search(lib, "management oversight", limit=None)
    assert loose.total >= phrase.total
    prefix = search(lib, "exploit*", limit=None)
    assert {m.lower() for h in prefix.hits for m in h.matches} >= {"exploitation"}
    either = search(lib, "adoption OR fostering", limit=None).total
    adoption = search(lib, "adoption", limit=None).total
    fostering = search(lib, "fostering", limit=None).total
    both = search(lib, "adoption AND fostering", limit=None).total
    assert either == adoption + fostering - both
    without = search(lib, "adoption NOT fostering", limit=None)
    assert without.total == adoption - both
    assert not any("fostering" in h.text.lower() for h in without.hits)
    grouped = search(lib, "(adoption OR fostering) AND permanence", limit=None)
    assert all("permanence" in h.text.lower() for h in grouped.hits)


def test_hits_are_ranked_best_first_and_limited_with_the_total(lib):
    result = search(lib, "children", limit=5)
    assert len(result.hits) == 5 and result.total > 5
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)
    everything = search(lib, "children", limit=None)
    assert len(everything.hits) == everything.total == result.total


def test_sort_by_date_and_by_authority(lib):
    by_date = search(lib, "pre-proceedings", sort="date", limit=None).hits
    dates = [h.date for h in by_date]
    assert dates == sorted(dates, reverse=True)
    by_authority = search(lib, "pre-proceedings", sort="authority", limit=None).hits
    keys = [(h.slug, h.date) for h in by_authority]
    assert keys == sorted(keys)


def test_filters(lib, ilacs, visit, trafford):
    def ids(**filters):
        return {short(h.id) for h in search(lib, "children", limit=None, **filters).hits}

    assert ids() == {"salford-2023", "salford-2025", "trafford-2022"}
    assert ids(authority="salford") == {"salford-2023", "salford-2025"}
    assert ids(authority="Trafford") == ids(authority="trafford") == {"trafford-2022"}
    assert ids(kind=Kind.FOCUSED_VISIT) == {"salford-2025"}
    assert ids(since="2023") == {"salford-2023", "salford-2025"}
    assert ids(since="2023-11-11") == {"salford-2025"}
    assert ids(until="2023-11") == {"salford-2023", "trafford-2022"}
    assert ids(since="2023", until="2023") == {"salford-2023"}
    in_focus = search(lib, "children", parts=["focus"], limit=None).hits
    assert {(short(h.id), h.part) for h in in_focus} == {("salford-2025", Part.FOCUS)}
    parts = {
        h.part
        for h in search(lib, "children", parts=["summary", "improvement_areas"], limit=None).hits
    }
    assert parts == {Part.SUMMARY, Part.IMPROVEMENT_AREAS}
    care = search(lib, "children", area=Area.CARE_LEAVERS, limit=None).hits
    assert care and all(h.area is Area.CARE_LEAVERS and h.part is Part.FINDINGS for h in care)


def test_an_authority_not_in_the_library_is_exit_4_with_suggestions(lib):
    from ilacs_cli.errors import NotInLibrary

    with pytest.raises(NotInLibrary) as err:
        search(lib, "children", authority="salfrod")
    assert err.value.reason == (
        "no reports on this authority in the library; did you mean salford? "
        "(`ilacs list` shows what it holds)"
    )
    result = invoke(lib, "children", "--authority", "salfrod")
    assert result.exit_code == 4
    assert result.stderr == f"Error: salfrod: {err.value.reason}\n"


def test_region_comes_from_the_authority_register_when_it_knows_it(tmp_path, ilacs, trafford):
    with Library(tmp_path / "regions.sqlite3") as lib:
        lib.save(with_region(ilacs, "North West", "nw-1"))
        lib.save(with_region(trafford, "South East", "se"))
        north = search(lib, "children", region="north west", limit=None).hits
        assert north and {(short(h.id), h.region) for h in north} == {
            ("salford-2023", "North West")
        }
        assert {
            short(h.id) for h in search(lib, "children", region="South-East", limit=None).hits
        } == {"trafford-2022"}
        assert search(lib, "children", region="London").total == 0


@pytest.mark.parametrize(
    ("since", "until"), [("2023-13", None), ("last year", None), (None, "2023-02-30")]
)
def test_a_bad_date_is_a_usage_error(lib, since, until):
    with pytest.raises(Exception) as err:
        search(lib, "children", since=since, until=until)
    assert err.value.exit_code == 2
    assert "write 2023, 2023-06 or 2023-06-30" in err.value.reason


# -- the query language ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "fts"),
    [
        ("pre-proceedings", '"pre-proceedings"'),
        ("16-17-year-olds homeless", '"16-17-year-olds" homeless'),
        ("children's views", '"children\'s" views'),
        ('"care leavers" AND accommodation', '"care leavers" AND accommodation'),
        ("plan* OR pathway", "plan* OR pathway"),
        ("pre-proc*", '"pre-proc"*'),
        ("(adoption OR fostering) NOT court", "( adoption OR fostering ) NOT court"),
        ('"letters before"* delay', '"letters before"* delay'),
    ],
)
def test_to_fts(query, fts):
    assert to_fts(query) == fts


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ('"unbalanced', 'unbalanced double quote (a phrase is written "like this")'),
        ("-", "'-': a '-' does not leave words out here; write NOT (adoption NOT fostering)"),
        (
            "adoption -fostering",
            "'-fostering': a '-' does not leave words out here; write NOT (adoption NOT fostering)",
        ),
        ("*", "a '*' needs the start of a word before it (plan*)"),
        ("", "nothing to search for"),
        ("AND", "nothing to search for"),
        (
            "care AND",
            "not a valid search: syntax error at the end of the query (AND, OR and NOT need a "
            "word on each side, brackets must pair)",
        ),
        (
            "NOT care",
            'not a valid search: syntax error near "NOT" (AND, OR and NOT need a word on each '
            "side, brackets must pair)",
        ),
        (
            "(care",
            "not a valid search: syntax error at the end of the query (AND, OR and NOT need a "
            "word on each side, brackets must pair)",
        ),
    ],
)
def test_a_malformed_query_is_one_line_and_exit_2(lib, query, reason):
    with pytest.raises(SearchQueryError) as err:
        search(lib, query)
    assert err.value.reason == reason and err.value.exit_code == 2
    result = runner.invoke(app, ["search", query, "--library", str(lib.path)])
    assert result.exit_code == 2
    where = f"{query}: " if query else ""  # an empty query has nothing to show
    assert result.stderr == f"Error: {where}{reason}\n"
    assert result.stdout == ""


# -- keeping the index in step ---------------------------------------------------------------


_TOKEN = re.compile(r"[^\W_]+")


def passages(path) -> list[tuple]:
    """The index's rows (ids aside), after checking that the FTS5 index holds exactly
    their words: the same rows, and as many word instances as their texts have."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("INSERT INTO passages_fts (passages_fts) VALUES ('integrity-check')")
        conn.execute(
            "CREATE VIRTUAL TABLE temp.words USING fts5vocab(main, 'passages_fts', 'instance')"
        )
        indexed = {r[0] for r in conn.execute("SELECT DISTINCT doc FROM temp.words")}
        texts = dict(conn.execute("SELECT id, text FROM passages").fetchall())
        assert indexed == {i for i, t in texts.items() if _TOKEN.search(t)}
        instances = conn.execute("SELECT count(*) FROM temp.words").fetchone()[0]
        assert instances == sum(len(_TOKEN.findall(t)) for t in texts.values())
        return conn.execute(
            "SELECT report_id, slug, authority, kind, date, part, item, number, area, section, "
            "pages, priority, region, text FROM passages ORDER BY report_id, part, item"
        ).fetchall()
    finally:
        conn.close()


def expected_passages(report: Report) -> int:
    return (
        len(report.findings)
        + len(report.improvement_areas)
        + len(report.summary)
        + (1 if report.focus else 0)
    )


def test_removed_and_updated_documents_leave_the_index(lib, ilacs, visit, trafford):
    total = sum(expected_passages(r) for r in (ilacs, visit, trafford))
    assert len(passages(lib.path)) == total
    assert lib.remove("trafford-2022")
    assert {short(h.id) for h in search(lib, "children", limit=None).hits} == {
        "salford-2023",
        "salford-2025",
    }
    assert len(passages(lib.path)) == total - expected_passages(trafford)
    # a new parser version replaces the entry, and its passages, in place
    source = ilacs.source.model_copy(update={"parser_version": "0.0.1-other"})
    changed = ilacs.model_copy(
        update={"source": source, "summary": ["A wholly rewritten zygomorphic summary."]}
    )
    assert lib.save(changed).updated
    assert [short(h.id) for h in search(lib, "zygomorphic").hits] == ["salford-2023"]
    assert search(lib, "pre-proceedings", authority="salford", parts=["summary"]).total == 0
    assert len(passages(lib.path)) == (expected_passages(changed) + expected_passages(visit))
    lib.save(trafford)
    assert "trafford-2022" in {short(h.id) for h in search(lib, "children", limit=None).hits}


def test_saving_the_same_document_again_does_not_duplicate_passages(lib, ilacs):
    before = passages(lib.path)
    assert not lib.save(ilacs).created
    assert passages(lib.path) == before


def test_a_library_made_before_search_is_indexed_when_opened(tmp_path, ilacs, visit, monkeypatch):
    from test_library import _version_1_library

    old = tmp_path / "old.sqlite3"
    reports = [ilacs, visit]
    _version_1_library(old, reports, [r.id for r in reports], ["salford", "salford"])
    tables = {r[0] for r in sqlite3.connect(old).execute("SELECT name FROM sqlite_master")}
    assert "passages" not in tables
    fresh = tmp_path / "fresh.sqlite3"
    with Library(fresh) as lib:
        lib.save(ilacs)
        lib.save(visit)
    with Library(old) as lib:
        assert lib.schema_version == len(MIGRATIONS)
        assert search(lib, "pre-proceedings").total > 0
    assert passages(old) == passages(fresh)
    assert len(passages(old)) == expected_passages(ilacs) + expected_passages(visit)


def test_migration_reads_the_region_from_saved_json(tmp_path, ilacs, monkeypatch):
    from test_library import _version_1_library

    path = tmp_path / "old.sqlite3"
    _version_1_library(path, [ilacs], [ilacs.id], ["salford"])
    conn = sqlite3.connect(path)
    data = json.loads(conn.execute("SELECT json FROM reports").fetchone()[0])
    data["local_authority"]["region"] = "North West"
    conn.execute("UPDATE reports SET json = ?", (json.dumps(data),))
    conn.commit()
    conn.close()
    with Library(path) as lib:
        hits = search(lib, "children", region="North West", limit=None).hits
        assert hits and {h.region for h in hits} == {"North West"}


WRITER = """
import sys, time
from ilacs_cli.library import Library
from ilacs_cli.models import Report

path, base, prefix, count, start_at = sys.argv[1:6]
report = Report.model_validate_json(open(base, encoding="utf-8").read())
with Library(path) as lib:
    while time.time() < float(start_at):
        time.sleep(0.005)
    for i in range(int(count)):
        source = report.source.model_copy(update={"sha256": f"{prefix}-{i}"})
        lib.save(report.model_copy(update={"id": f"{prefix}-{i}", "source": source}))
"""


def test_concurrent_writers_keep_the_index_whole(tmp_path, visit):
    import os
    import subprocess
    import sys

    from conftest import ROOT

    path = tmp_path / "shared" / "library.sqlite3"
    base = tmp_path / "base.json"
    base.write_text(visit.model_dump_json(), encoding="utf-8")
    start_at = time.time() + 0.8
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(base), f"w{n}", "8", str(start_at)],
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
        )
        for n in range(2)
    ]
    errors = [p.communicate(timeout=60)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    assert len(passages(path)) == 16 * expected_passages(visit)
    with Library(path) as lib:
        found = {h.id for h in search(lib, "pre-proceedings", parts=["focus"], limit=None).hits}
        assert found == {e.id for e in lib.entries()}
    assert len(found) == 16  # every writer's every document, each under its own id


# -- the command -----------------------------------------------------------------------------


def invoke(lib, *args: str):
    return runner.invoke(app, ["search", *args, "--library", str(lib.path)], catch_exceptions=False)


def test_json_and_jsonl_are_the_library_result(lib):
    result = invoke(lib, "pre-proceedings", "--since", "2023", "-f", "json")
    assert result.exit_code == 0
    want = search(lib, "pre-proceedings", since="2023")
    assert json.loads(result.stdout) == want.model_dump(mode="json")
    lines = invoke(lib, "pre-proceedings", "--since", "2023", "-f", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == [h.model_dump(mode="json") for h in want.hits]
    assert "\x01" not in result.stdout and "\x1b" not in result.stdout


def test_csv_has_one_row_per_hit_with_offsets(lib):
    result = invoke(lib, "pre-proceedings", "-f", "csv", "--in", "improvement_areas")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    want = search(lib, "pre-proceedings", parts=["improvement_areas"]).hits
    assert [(r["id"], r["part"], r["item"]) for r in rows] == [
        (h.id, "improvement_areas", str(h.item)) for h in want
    ]
    for row in rows:
        for span in row["marks"].split(";"):
            a, b = (int(x) for x in span.split("-"))
            assert row["text"][a:b].lower() == "pre-proceedings"


def test_table_shows_where_each_hit_sits(lib, ilacs):
    result = runner.invoke(
        app,
        ["search", "pre-proceedings", "--authority", "salford", "--library", str(lib.path)],
        env={"COLUMNS": "160"},
    )
    assert result.exit_code == 0
    out = result.stdout
    assert "Search: pre-proceedings" in out
    assert "improvement area 1" in out
    numbers = [n for part, n in containing(ilacs, "pre-proceedings") if part == "findings"]
    for n in numbers:
        f = ilacs.findings[n - 1]
        assert f"finding {f.number} ({f.area.value.replace('_', ' ')})" in out
    assert "focus" in out and "p. " in out


def test_limit_note_on_stderr(lib):
    result = invoke(lib, "children", "-n", "2", "-f", "jsonl")
    assert len(result.stdout.splitlines()) == 2
    total = search(lib, "children").total
    assert result.stderr == f"2 of {total} hits shown (--limit 0 shows all)\n"
    assert invoke(lib, "zygomorphic", "-f", "json").stderr == "no passage matches\n"


def test_document_text_never_reaches_the_terminal_as_control_codes(tmp_path, visit):
    hostile = visit.model_copy(
        update={"summary": ["Red \x1b[31malert\x1b[0m and a bell \x07 about neglect."]}
    )
    with Library(tmp_path / "l.sqlite3") as lib:
        lib.save(hostile)
        result = invoke(lib, "alert")
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "alert" in result.stdout


def test_search_needs_no_typer_or_rich():
    import subprocess
    import sys

    code = (
        "import sys; from ilacs_cli import search, themes; "
        "print(any(m.split('.')[0] in ('typer', 'rich') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


@pytest.mark.parametrize(
    ("words", "want"),
    [
        (["w50", "w52"], "…w48 w49 w50 w51 w52 w53 w54 w55 w56 w57…"),
        (["w0"], "w0 w1 w2 w3 w4 w5 w6 w7 w8 w9…"),
        (["w99"], "…w90 w91 w92 w93 w94 w95 w96 w97 w98 w99"),
        (["w10", "w30"], "…w8 w9 w10 w11 w12 w13 w14 w15 w16 w17…"),
    ],
)
def test_snippet_keeps_the_most_matches_with_some_words_before_them(words, want):
    from ilacs_cli.search import snippet

    text = " ".join(f"w{i}" for i in range(100))
    marks = [(m.start(), m.end()) for w in words for m in re.finditer(rf"\b{w}\b", text)]
    got, got_marks = snippet(text, marks, 10)
    assert got == want
    shown = got.strip("…").split()
    assert [got[a:b] for a, b in got_marks] == [w for w in words if w in shown]
    assert snippet("short text", [(0, 5)], 10) == ("short text", [(0, 5)])


def test_every_part_and_sort_has_its_entry():
    from ilacs_cli import cli_search
    from ilacs_cli import search as search_module
    from ilacs_cli.themes import GROUPINGS, PARTS

    assert set(cli_search.WHERE_LABELS) == {p.value for p in Part}
    assert {p.value for p in cli_search.PartName} == {p.value for p in Part}
    assert set(search_module._ORDER) == set(search_module.Sort)
    assert {s.value for s in cli_search.SortName} == {s.value for s in search_module.Sort}
    assert {g.value for g in cli_search.GroupName} == set(GROUPINGS)
    assert {p.value for p in cli_search.ThemePart} == set(PARTS)
