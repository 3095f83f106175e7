"""The CLI against the library: same data, errors on stderr with the documented codes."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from typer.testing import CliRunner

from ilacs_cli import __version__, extract
from ilacs_cli.cli import app
from ilacs_cli.library import canonical_id
from ilacs_cli.models import Report


def as_saved(report: Report) -> dict:
    """The report as the library holds it: under its library id."""
    return report.model_copy(update={"id": canonical_id(report)}).model_dump(mode="json")


runner = CliRunner()

SALFORD = "samples/salford-2023.pdf"
PRESS = "samples/seeds/salford-2024-press-release.txt"


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    from conftest import ROOT

    monkeypatch.chdir(ROOT)


def invoke(*args: str, **kw):
    return runner.invoke(app, list(args), catch_exceptions=False, **kw)


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"ilacs {__version__}"


def test_extract_json_is_the_library_dump():
    result = invoke("extract", SALFORD, "--format", "json")
    assert result.exit_code == 0, result.stderr
    # saved, it carries its library id (the document's own is "salford-2023")
    assert json.loads(result.stdout) == as_saved(extract(SALFORD))
    assert extract(SALFORD).id == "salford-2023"
    no_save = invoke("extract", SALFORD, "--format", "json", "--no-save")
    assert json.loads(no_save.stdout) == extract(SALFORD).model_dump(mode="json")
    assert result.stderr == ""


def test_json_round_trips_through_the_model():
    result = invoke("extract", SALFORD, "-f", "json")
    report = Report.model_validate_json(result.stdout)
    assert report.model_dump(mode="json") == json.loads(result.stdout)
    assert report.overall_effectiveness.value == "good"


def test_jsonl_one_report_per_line():
    result = invoke("extract", SALFORD, "samples/trafford-2022.pdf", "-f", "jsonl")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == [
        "salford-2023-11-10-ilacs",
        "trafford-2022-12-02-ilacs",
    ]


def test_several_inputs_give_an_array():
    result = invoke("extract", SALFORD, "samples/trafford-2022.pdf", "-f", "json")
    assert [r["id"] for r in json.loads(result.stdout)] == [
        "salford-2023-11-10-ilacs",
        "trafford-2022-12-02-ilacs",
    ]


def test_table_view(monkeypatch):
    result = invoke("extract", SALFORD)
    assert result.exit_code == 0
    out = result.stdout
    assert "salford-2023" in out
    assert "Kathryn Grindrod (lead)" in out
    assert "Outstanding" in out
    assert "Management oversight of pre-proceedings" in out
    assert "Care leavers" in out  # findings grouped by area
    short = invoke("extract", SALFORD, "--no-findings").stdout
    assert "63 findings (shown with --findings)" in short
    assert "Route 29" not in short


def test_output_file(tmp_path):
    target = tmp_path / "out dir é.json"
    result = invoke("extract", SALFORD, "-f", "json", "-o", str(target))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["id"] == "salford-2023-11-10-ilacs"


def test_press_release_is_refused():
    result = invoke("extract", PRESS)
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: {PRESS}: a council press release or news item about an Ofsted report, "
        "not an Ofsted report\n"
    )


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "empty file"),
        (b"<!DOCTYPE html><html><body>Report not found</body></html>", "an HTML page, not a PDF"),
        (bytes(range(256)) * 4, "not a PDF or a UTF-8 text file"),
        (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", "damaged PDF"),
    ],
)
def test_unreadable_inputs_exit_4(tmp_path, content, reason):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(content)
    result = invoke("extract", str(bad))
    assert result.exit_code == 4
    assert result.stderr.startswith(f"Error: {bad}: {reason}")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_missing_file():
    result = invoke("extract", "no/such/file.pdf")
    assert result.exit_code == 4
    assert result.stderr == "Error: no/such/file.pdf: no such file\n"


def test_batch_keeps_the_good_files(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf at all")
    result = invoke("extract", SALFORD, str(bad), PRESS, "-f", "jsonl")
    assert result.exit_code == 1
    assert [json.loads(x)["id"] for x in result.stdout.splitlines()] == ["salford-2023-11-10-ilacs"]
    assert f"Error: {PRESS}:" in result.stderr
    assert "2 of 3 inputs failed" in result.stderr


def test_stdin_text():
    with open("samples/seeds/salford-2023-ilacs-inspection.txt", "rb") as fh:
        data = fh.read()
    result = invoke("extract", "-", "-f", "json", input=data)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["id"] == "salford-2023-11-10-ilacs"


def test_usage_error_exit_2():
    result = runner.invoke(app, ["extract", SALFORD, "--format", "xml"])
    assert result.exit_code == 2


def test_schema_command():
    result = invoke("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "Report"
    for key in ("schema_version", "id", "kind", "judgements", "findings", "warnings"):
        assert key in schema["properties"]


# -- the library: add, list, show, history, remove ---------------------------------------------

PDFS = ("samples/salford-2023.pdf", "samples/salford-2025.pdf")
SALFORD_ID = "salford-2023-11-10-ilacs"
VISIT_ID = "salford-2025-10-15-focused-visit"


def sha256_of(path: str) -> str:
    import hashlib

    from conftest import ROOT

    return hashlib.sha256((ROOT / path).read_bytes()).hexdigest()


SEED = "samples/seeds/salford-2023-ilacs-inspection.txt"
READ_ONLY = "/proc/ilacs-library.sqlite3"  # a read-only place, even for root


@pytest.fixture(scope="module")
def added(tmp_path_factory):
    """``ilacs add`` on the two Salford PDFs, once: (result, library file)."""
    from conftest import ROOT

    path = tmp_path_factory.mktemp("added") / "library.sqlite3"
    old = os.getcwd()
    os.chdir(ROOT)
    try:
        result = invoke("add", *PDFS, "--library", str(path))
    finally:
        os.chdir(old)
    return result, path


@pytest.fixture
def library(added, _library_in_tmp):
    """This test's library ($ILACS_LIBRARY) holding the two Salford reports."""
    shutil.copyfile(added[1], _library_in_tmp)
    return _library_in_tmp


def test_add_says_what_it_added(added):
    result, _ = added
    assert result.exit_code == 0
    assert result.stdout == ""
    assert (
        result.stderr == "added salford-2023-11-10-ilacs\nadded salford-2025-10-15-focused-visit\n"
    )


def test_add_again_is_already_in_library(library):
    # the seed text: another document with the same authority, date and kind, so both
    # carry their sha256 digits
    first = invoke("add", SEED)
    seed = f"{SALFORD_ID}-{sha256_of(SEED)[:8]}"
    assert (first.exit_code, first.stderr) == (0, f"added {seed}\n")
    again = invoke("add", SEED)
    assert (again.exit_code, again.stderr) == (0, f"already in library {seed}\n")
    listed = [r["id"] for r in json.loads(invoke("list", "-f", "json").stdout)]
    assert sorted(listed) == sorted([seed, f"{SALFORD_ID}-{sha256_of(SALFORD)[:8]}", VISIT_ID])


def test_add_batch_failures_exit_like_extract(library):
    result = invoke("add", SEED, PRESS, "no/such.pdf")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"added {SALFORD_ID}-{sha256_of(SEED)[:8]}",  # the seed text: the same date and kind
        f"Error: {PRESS}: a council press release or news item about an Ofsted report, "
        "not an Ofsted report",
        "Error: no/such.pdf: no such file",
        "2 of 3 inputs failed",
    ]
    assert invoke("add", PRESS).exit_code == 3


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_list_json(library, fmt):
    result = invoke("list", "-f", fmt)
    assert result.exit_code == 0, result.stderr
    rows = (
        json.loads(result.stdout)
        if fmt == "json"
        else list(map(json.loads, result.stdout.splitlines()))
    )
    assert [r["id"] for r in rows] == [SALFORD_ID, VISIT_ID]
    assert rows[0]["urn"] == "80548"
    assert rows[0]["kind"] == "ilacs_inspection" and rows[0]["overall"] == "good"
    assert rows[1]["end"] == "2025-10-15" and rows[1]["overall"] is None


def test_list_filters_and_table(library):
    result = invoke("list", "--kind", "focused_visit", "-f", "json")
    assert [r["id"] for r in json.loads(result.stdout)] == [VISIT_ID]
    assert json.loads(invoke("list", "--authority", "trafford", "-f", "json").stdout) == []
    table = invoke("list").stdout
    assert table.index("salford-2023") < table.index("salford-2025")
    # kinds in the words of vocabulary.KINDS, as on the web page
    assert "Focused visit" in table and "ILACS inspection" in table and "Good" in table


def test_list_empty_library():
    result = invoke("list")
    assert result.exit_code == 0
    assert result.stderr == "the library is empty (ilacs add FILE... fills it)\n"
    assert invoke("list", "-f", "json").stdout == "[]\n"


def test_show_json_is_the_extracted_report(library, reports):
    result = invoke("show", "salford-2023", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == as_saved(reports("salford-2023.pdf"))


def test_show_table_is_extracts_table(library):
    shown = invoke("show", "salford-2025", "--no-findings")
    extracted = invoke("extract", PDFS[1], "--no-findings")  # the library's, with its id
    assert shown.exit_code == 0
    assert shown.stdout == extracted.stdout
    assert "Mandy Nightingale (lead)" in shown.stdout


def test_history_in_date_order_with_grades(library):
    result = invoke("history", "salford", "-f", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(r["id"], r["kind"], r["end"]) for r in rows] == [
        (SALFORD_ID, "ilacs_inspection", "2023-11-10"),
        (VISIT_ID, "focused_visit", "2025-10-15"),
    ]
    assert rows[0]["grades"] == {
        "overall_effectiveness": "good",
        "impact_of_leaders": "outstanding",
        "help_and_protection": "good",
        "children_in_care": "good",
        "care_leavers": "outstanding",
    }
    assert rows[1]["graded"] is False
    table = invoke("history", "Salford").stdout
    assert table.index("salford-2023") < table.index("salford-2025")
    assert "Outst" in table and "not graded" in table and "leavers" in table.lower()
    assert "Outst = outstanding" in table  # the legend of the short grades


def test_history_of_an_unknown_authority(library):
    result = invoke("history", "salfrod")
    assert result.exit_code == 4
    assert result.stderr == (
        "Error: salfrod: no reports on this authority in the library; did you mean salford? "
        "(`ilacs list` shows what it holds)\n"
    )


def test_remove_then_show(library):
    result = invoke("remove", "salford-2025")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "removed salford-2025\n")
    result = invoke("show", "salford-2025")
    assert result.exit_code == 4
    assert result.stdout == ""
    assert result.stderr == (
        "Error: salford-2025: no report with this id in the library; did you mean "
        f"{SALFORD_ID}? (`ilacs list` shows what it holds)\n"
    )
    assert invoke("remove", "salford-2025").exit_code == 4


def test_unknown_id(library):
    result = invoke("show", "salford-2032")
    assert result.exit_code == 4
    assert result.stderr == (
        "Error: salford-2032: no report with this id in the library; did you mean "
        f"{VISIT_ID} or {SALFORD_ID}? (`ilacs list` shows what it holds)\n"
    )
    result = invoke("show", "nothing-like-it")
    assert result.stderr == (
        "Error: nothing-like-it: no report with this id in the library "
        "(`ilacs list` shows what it holds)\n"
    )


def test_extract_saves_unless_no_save(tmp_path):
    lib = tmp_path / "lib.sqlite3"
    assert invoke("extract", SEED, "-f", "json", "--no-save", "--library", str(lib)).exit_code == 0
    assert invoke("list", "-f", "json", "--library", str(lib)).stdout == "[]\n"
    result = invoke("extract", SEED, "-f", "json", "--library", str(lib))
    assert result.exit_code == 0 and result.stderr == ""
    listed = json.loads(invoke("list", "-f", "json", "--library", str(lib)).stdout)
    assert [r["id"] for r in listed] == ["salford-2023-11-10-ilacs"]


def test_extract_keeps_its_output_when_the_library_fails():
    result = invoke("extract", SEED, "-f", "json", "--library", READ_ONLY)
    assert result.exit_code == 6
    assert json.loads(result.stdout)["id"] == "salford-2023"  # not saved: its own id
    assert result.stderr == (
        f"Error: {READ_ONLY}: not saved in the library: cannot open or create the library "
        "file here (is its folder writable?)\n"
    )


@pytest.mark.parametrize("command", [("list",), ("add", SEED), ("show", "x"), ("remove", "x")])
def test_read_only_location(command):
    result = invoke(*command, "--library", READ_ONLY)
    assert result.exit_code == 6
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: {READ_ONLY}: cannot open or create the library file here "
        "(is its folder writable?)\n"
    )


def test_library_env_var_under_a_file(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("ILACS_LIBRARY", str(blocker / "library.sqlite3"))
    result = invoke("history", "salford")
    assert result.exit_code == 6
    assert result.stderr == (
        f"Error: {blocker}/library.sqlite3: cannot create the library's folder {blocker}: "
        "a file is in the way\n"
    )
    assert "Traceback" not in result.stderr


def test_newer_library_refused(_library_in_tmp):
    import sqlite3

    sqlite3.connect(_library_in_tmp).execute("PRAGMA user_version = 99").connection.close()
    before = _library_in_tmp.read_bytes()
    result = invoke("list")
    assert result.exit_code == 6
    assert result.stderr.startswith(f"Error: {_library_in_tmp}: made by a newer ilacs")
    assert _library_in_tmp.read_bytes() == before


@pytest.mark.parametrize("command", ["extract", "add", "list", "show", "history", "remove", "diff"])
def test_every_command_has_help(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "--library" in result.stdout or command == "schema"


# ilacs diff: the CLI gives the library's diff, by library id or by path


def test_diff_by_id_is_the_library_diff(library, reports):
    from ilacs_cli.compare import diff

    result = invoke("diff", "salford-2023", "salford-2025", "-f", "json")
    assert result.exit_code == 0, result.stderr
    got = json.loads(result.stdout)
    old, new = (reports(n) for n in ("salford-2023.pdf", "salford-2025.pdf"))
    old, new = (r.model_copy(update={"id": canonical_id(r)}) for r in (old, new))
    want = diff(old, new).model_dump(mode="json")
    assert got == want
    assert got["diff_schema_version"] == "1"
    assert {j["change"] for j in got["judgements"]} == {"not_graded"}


def test_diff_by_path_needs_no_library(tmp_path, monkeypatch):
    monkeypatch.setenv("ILACS_LIBRARY", str(tmp_path / "never.sqlite3"))
    result = invoke("diff", *PDFS, "-f", "json")
    assert result.exit_code == 0, result.stderr
    ledger = {i["status"] for i in json.loads(result.stdout)["improvement_areas"]}
    assert {"addressed", "new"} <= ledger
    assert not (tmp_path / "never.sqlite3").exists()


def test_diff_table_shows_the_ledger(library):
    result = invoke("diff", "salford-2023", "salford-2025")
    assert result.exit_code == 0, result.stderr
    assert "addressed" in result.stdout and "This was previously an area for" in result.stdout
    assert "not graded" in result.stdout


def test_diff_unknown_id(library):
    result = invoke("diff", "salford-2023", "salford-2099")
    assert result.exit_code == 4
    assert result.stderr.startswith("Error: salford-2099: no report with this id in the library")
    assert result.stdout == ""
