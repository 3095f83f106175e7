"""Property tests of the text rules: whatever text comes in, ``extract`` either returns a
report that validates against the JSON contract, the same report every time, or raises an
:class:`~ilacs_cli.errors.IlacsError` with a one-line reason. Nothing else escapes.

Text input goes through the same layout and rules as PDF lines, so this covers the rule
layer; the inputs are arbitrary text and text built from report-like fragments (headings,
grades, judgement tables, numbered paragraphs, bullets, dates and lines of the real seeds).
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ilacs_cli import extract
from ilacs_cli.errors import IlacsError
from ilacs_cli.ingest import clean_text, document_from_text
from ilacs_cli.models import Kind, Report

SEEDS = Path(__file__).resolve().parent.parent / "samples" / "seeds"
SEED_LINES = sorted(
    {
        line.strip()
        for seed in SEEDS.glob("*.txt")
        for line in seed.read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
)

PROPERTY = settings(
    max_examples=1000,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the work tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

GRADES = [
    "Outstanding",
    "Good",
    "Requires improvement to be good",
    "Requires improvement",
    "Inadequate",
    "Adequate",
    "good",
    "outstanding",
]
AREAS = [
    "The impact of leaders on social work practice with children and families",
    "The experiences and progress of children who need help and protection",
    "The experiences and progress of children in care",
    "The experiences and progress of care leavers",
    "The experiences and progress of children in care and care leavers",
    "Overall effectiveness",
    "Leadership, management and governance",
    "Children looked after",
]
HEADINGS = [
    "Overall effectiveness",
    "What needs to improve?",
    "What needs to improve in this area of social work practice?",
    "Areas for priority action",
    "Headline findings",
    "Main findings",
    "Judgement | Grade",
    "Inspection of Salford local authority children's services",
    "Focused visit to Trafford children's services",
    "Monitoring visit to Salford children's services",
    "Local authority children's services inspection",
    "Inspection dates: 6 to 10 November 2023",
    "Lead inspector: Kathryn Grindrod, His Majesty's Inspector",
    "Ofsted",
    "Yours sincerely",
]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
words = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=30)
dates = st.builds(
    lambda d1, d2, m, y, style: [
        f"{d1} {m} {y}",
        f"{d1} to {d2} {m} {y}",
        f"Inspection dates: {d1} to {d2} {m} {y}",
        f"{d1} and {d2} {m} {y}",
        f"{d2}/{d1}/{y}",
    ][style],
    st.integers(0, 40),
    st.integers(0, 40),
    st.sampled_from([*MONTHS, "Smarch"]),
    st.integers(1990, 2100),
    st.integers(0, 4),
)
numbered = st.builds(
    lambda n, sep, text: f"{n}{sep}{text}",
    st.integers(-2, 400),
    st.sampled_from([". ", " ", ".", ") "]),
    st.one_of(words, st.sampled_from(SEED_LINES)),
)
bullets = st.builds(
    lambda mark, text: f"{mark}{text}",
    st.sampled_from(["- ", "* ", "• ", "", "\uf0b7 ", "▪ "]),
    st.one_of(words, st.sampled_from(SEED_LINES)),
)
table_rows = st.builds(
    lambda area, grade, sep: f"| {area} | {grade} |" if sep == "|" else f"{area}{sep}{grade}",
    st.sampled_from(AREAS),
    st.sampled_from(GRADES),
    st.sampled_from(["|", "\t", ": ", " "]),
)
fragment = st.one_of(
    st.sampled_from(HEADINGS),
    st.sampled_from(AREAS),
    st.sampled_from(GRADES),
    st.builds(lambda a, g: f"{a}: {g}", st.sampled_from(AREAS), st.sampled_from(GRADES)),
    st.sampled_from(SEED_LINES),
    table_rows,
    numbered,
    bullets,
    dates,
    words,
    st.just(""),
    st.just("\f"),
    st.just("|--|--|"),
)
report_like = st.lists(fragment, max_size=50).map("\n".join)
kinds = st.sampled_from([None, *Kind])


def check(text: str, kind: Kind | None) -> None:
    data = text.encode("utf-8")
    outcomes = []
    for _ in range(2):
        try:
            report = extract("x.txt", data=data, kind=kind)
        except IlacsError as exc:
            assert exc.reason and "\n" not in exc.reason
            assert int(exc.exit_code) in (3, 4)
            outcomes.append(("error", type(exc).__name__, exc.reason))
            continue
        event(f"report: {report.kind.value}")
        dumped = report.model_dump(mode="json")
        assert Report.model_validate(dumped).model_dump(mode="json") == dumped
        assert Report.model_validate_json(report.model_dump_json()) == report
        outcomes.append(("report", json.dumps(dumped, sort_keys=True)))
    assert outcomes[0] == outcomes[1], "extraction is not deterministic"
    if outcomes[0][0] == "error":
        event(f"refused: {outcomes[0][2][:40]}")


@PROPERTY
@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=2000), kinds)
def test_arbitrary_text(text, kind):
    check(text, kind)


@PROPERTY
@given(report_like, kinds)
def test_report_like_text(text, kind):
    check(text, kind)


@PROPERTY
@given(st.lists(st.sampled_from(SEED_LINES), min_size=1, max_size=80), st.randoms(), kinds)
def test_shuffled_seed_lines(lines, rnd, kind):
    rnd.shuffle(lines)
    check("\n".join(lines), kind)


@settings(max_examples=1000, deadline=None, database=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_are_a_report_or_a_reason(data):
    try:
        report = extract("x.txt", data=data)
    except IlacsError as exc:
        assert exc.reason and "\n" not in exc.reason
        return
    Report.model_validate(report.model_dump(mode="json"))


@settings(max_examples=500, deadline=None, database=None)
@given(st.text(max_size=500))
def test_text_document_lines_are_clean(text):
    doc = document_from_text(text, "x.txt", "0" * 64)
    assert doc.page_count == text.count("\f") + 1
    for line in doc.lines:
        assert line.text
        assert line.text == line.text.strip()
        assert "\n" not in line.text and "\t" not in line.text
        assert "  " not in line.text
        assert clean_text(line.text) == line.text
