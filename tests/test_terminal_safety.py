"""Text from a document or a path is data: it never reaches a terminal as control codes or
rich markup (issue 13, "Terminal injection" and "Markup crash"). Each test writes its own
hostile input."""

from __future__ import annotations

import json
import sys

import pytest
from conftest import SEEDS
from typer.testing import CliRunner

from ilacs_cli.cli import app
from ilacs_cli.safe import one_line, printable

runner = CliRunner()

ESC = "\x1b"
CLEAR_SCREEN = ESC + "[2J"
RETITLE = ESC + "]0;pwned" + "\x07"
HOSTILE = (
    f"Leaders {CLEAR_SCREEN}act{RETITLE} quickly [link=https://evil.example]click[/link] "
    "and [see](https://evil.example) [/] [/bold] [bold]loud \u202eevil\u202c."
)


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def hostile_report(tmp_path):
    """The Salford 2023 seed with hostile text in its summary, an improvement area and a
    finding."""
    text = (SEEDS / "salford-2023-ilacs-inspection.txt").read_text(encoding="utf-8")
    text = text.replace("A strong senior leadership team", HOSTILE + " A strong", 1)
    text = text.replace("Since the last inspection in 2018", HOSTILE + " Since", 1)
    path = tmp_path / "hostile.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_printable_shows_control_characters_as_escapes():
    assert printable("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert printable("bell\x07 del\x7f c1\x9b") == "bell\\x07 del\\x7f c1\\x9b"
    assert printable("\u202eevil") == "\\u202eevil"
    assert printable("line one\nline two\tend") == "line one\nline two\tend"
    plain = "Children’s services — good"
    assert printable(plain) is plain


def test_one_line_escapes_newlines_too():
    assert one_line("a.pdf\nError: forged") == "a.pdf\\x0aError: forged"
    assert one_line("tab\there\r") == "tab\\x09here\\x0d"


def test_table_view_of_hostile_text_has_no_control_codes_and_no_markup(hostile_report):
    result = invoke("extract", str(hostile_report), "--no-save")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert ESC not in out and "\x07" not in out and "\u202e" not in out
    assert "\\x1b[2J" in out  # the escape is shown, not obeyed
    # rich markup in the document is text: shown literally, never a link or a crash
    assert "[link=https://evil.example]click[/link]" in out
    assert "[/bold]" in out and "[/]" in out
    assert "[see](https://evil.example)" in out


def test_json_keeps_the_documents_text_exactly(hostile_report):
    result = invoke("extract", str(hostile_report), "--no-save", "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert any(CLEAR_SCREEN in p for p in report["summary"])


def test_stored_hostile_entry_can_be_shown_and_diffed(hostile_report):
    assert invoke("add", str(hostile_report)).exit_code == 0
    ids = [e["id"] for e in json.loads(invoke("list", "--format", "json").stdout)]
    assert len(ids) == 1
    shown = invoke("show", ids[0])
    assert shown.exit_code == 0
    assert ESC not in shown.stdout and "[/bold]" in shown.stdout
    listed = invoke("list")
    assert listed.exit_code == 0 and ESC not in listed.stdout
    diffed = invoke("diff", str(hostile_report), str(SEEDS / "salford-2023-ilacs-inspection.txt"))
    assert diffed.exit_code == 0, diffed.stderr
    assert ESC not in diffed.stdout


def test_file_name_with_newline_and_escape_gives_one_error_line(tmp_path):
    name = tmp_path / "evil\nError: forged \x1b[2J.pdf"
    name.write_bytes(b"\x00\x01\x02 binary, not a PDF")
    result = invoke("extract", str(name), "--no-save")
    assert result.exit_code == 4
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("Error: ") and "\\x0aError: forged \\x1b[2J.pdf: " in lines[0]
    assert ESC not in result.stderr


def test_file_name_with_markup_is_shown_as_text(tmp_path, hostile_report):
    (tmp_path / "[bold]x[").mkdir()  # the path then reads "[bold]x[/].txt"
    weird = tmp_path / "[bold]x[" / "].txt"
    weird.write_text(hostile_report.read_text(encoding="utf-8"), encoding="utf-8")
    result = invoke("extract", str(weird), "--no-save")
    assert result.exit_code == 0
    assert "[bold]x[/].txt" in result.stdout  # the Source line, literally


def test_unexpected_exception_is_exit_5_with_one_line(monkeypatch, capsys):
    """A bug surfaces as one line and exit 5 (README), not a traceback and exit 1."""
    import ilacs_cli.cli as cli

    def boom(*args, **kwargs):
        raise ValueError("zip() argument 2 is longer than argument 1")

    monkeypatch.setattr(cli, "_expand", boom)
    monkeypatch.setattr(sys, "argv", ["ilacs", "extract", "x.pdf"])
    with pytest.raises(SystemExit) as exc:
        cli.main()
    assert exc.value.code == 5
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("Error: internal error (ValueError: zip() argument 2 is longer")
    assert "Traceback" not in err


def test_unexpected_exception_with_debug_shows_the_traceback(monkeypatch, capsys):
    import ilacs_cli.cli as cli

    def boom(*args, **kwargs):
        raise KeyError("x")

    monkeypatch.setattr(cli, "_expand", boom)
    monkeypatch.setattr(sys, "argv", ["ilacs", "extract", "x.pdf", "--debug"])
    with pytest.raises(SystemExit) as exc:
        cli.main()
    assert exc.value.code == 5
    err = capsys.readouterr().err
    assert "Traceback" in err and err.rstrip().endswith("this is a bug in ilacs")


def test_search_query_with_markup_is_shown_as_text(hostile_report):
    """The table title holds the user's query: "[/bold]" in it is text, not a crash."""
    assert invoke("add", str(hostile_report)).exit_code == 0
    result = invoke("search", "leaders [/bold]")
    assert result.exit_code == 0, result.stderr
    assert "Search: leaders [/bold]" in result.stdout


def test_export_xlsx_into_a_missing_folder_is_exit_7_with_one_line(hostile_report, tmp_path):
    assert invoke("add", str(hostile_report)).exit_code == 0
    target = tmp_path / "no such folder" / "ilacs.xlsx"
    result = invoke("export", "--format", "xlsx", "-o", str(target))
    assert result.exit_code == 7
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"Error: {target}: cannot write (")
    assert not target.parent.exists()


def test_search_table_into_a_missing_folder_is_exit_7(hostile_report, tmp_path):
    assert invoke("add", str(hostile_report)).exit_code == 0
    target = tmp_path / "no such folder" / "hits.txt"
    result = invoke("search", "leaders", "-o", str(target))
    assert result.exit_code == 7
    assert result.stderr.startswith(f"Error: {target}: cannot write")
