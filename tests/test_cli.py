"""The CLI against the library: same data, errors on stderr with the documented codes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ilacs_cli import __version__, extract
from ilacs_cli.cli import app
from ilacs_cli.models import Report

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
    assert json.loads(result.stdout) == extract(SALFORD).model_dump(mode="json")
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
    assert [json.loads(line)["id"] for line in lines] == ["salford-2023", "trafford-2022"]


def test_several_inputs_give_an_array():
    result = invoke("extract", SALFORD, "samples/trafford-2022.pdf", "-f", "json")
    assert [r["id"] for r in json.loads(result.stdout)] == ["salford-2023", "trafford-2022"]


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
    assert json.loads(target.read_text(encoding="utf-8"))["id"] == "salford-2023"


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
    assert [json.loads(x)["id"] for x in result.stdout.splitlines()] == ["salford-2023"]
    assert f"Error: {PRESS}:" in result.stderr
    assert "2 of 3 inputs failed" in result.stderr


def test_stdin_text():
    with open("samples/seeds/salford-2023-ilacs-inspection.txt", "rb") as fh:
        data = fh.read()
    result = invoke("extract", "-", "-f", "json", input=data)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["id"] == "salford-2023"


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
