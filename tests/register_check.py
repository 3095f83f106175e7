"""Corpus check of the authority register (called by corpus_check.py for each document):
every document resolves to its authority's URN, the manifest's authority folder saying
which authority it is; a "Report published" date the document prints agrees with the
publication date the manifest took from Ofsted's site."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from ilacs_cli.models import Report
from ilacs_cli.register import register


@cache
def manifest(corpus: Path) -> dict[str, dict[str, str]]:
    lines = (corpus / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    head = lines[0].split("\t")
    return {
        row["file"]: row
        for line in lines[1:]
        if line.strip()
        for row in [dict(zip(head, line.split("\t"), strict=False))]
    }


def authority_problems(report: Report, rel: str, corpus: Path) -> list[str]:
    row = manifest(corpus).get(rel, {})
    folder = row.get("authority") or rel.split("/")[0]
    want = register().get(folder)
    if want is None:
        return [f"manifest authority {folder!r} is not in the register"]
    la = report.local_authority
    problems = []
    if la.urn != want.urn or la.slug != want.slug:
        problems.append(
            f"authority {la.name!r} resolved to {la.slug} (URN {la.urn}), not {want.slug} "
            f"(URN {want.urn})"
        )
    published = row.get("published")
    if report.published and published and report.published != dt.date.fromisoformat(published):
        problems.append(f"published {report.published} but the site says {published}")
    return problems
