"""The authority register: every English local authority with children's services since
2012, with the codes analysts join on, and the name forms report titles print.

>>> from ilacs_cli.register import register
>>> a = register().resolve("Kingston upon Hull City Council")
>>> a.slug, a.urn, a.la_code, a.ons_code, a.region
('kingston-upon-hull', '80477', '810', 'E06000010', 'Yorkshire and the Humber')

The table is bundled (``ilacs_cli/data/``): ``la-lookup.csv`` exactly as Data to Insight's
scraper (JT-39 fork, MIT) publishes it, amended by ``register-amendments.csv`` (the
predecessors it lacks, corrected types and regions, former ONS codes and the name forms
titles and letters use). ``data/README.md`` says where every column comes from.

Importable without Typer or rich; the table is read once, on first use.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import LocalAuthority
    from .vocabulary import Kind

__all__ = [
    "Authority",
    "Register",
    "document_id",
    "normalise_name",
    "register",
    "report_authority",
    "slug_for",
]

_DATA = "data"
_LOOKUP = "la-lookup.csv"
_AMENDMENTS = "register-amendments.csv"


@dataclass(frozen=True)
class Authority:
    """One authority in the register. Codes are strings (``la_code`` '355' keeps its
    leading digits as printed; ``urn`` is ``None`` where it is not known)."""

    slug: str
    name: str
    urn: str | None
    la_code: str | None
    ons_code: str | None
    region_code: str | None
    region: str | None
    type: str | None
    status: str = "current"  # or "predecessor"
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    successors: tuple[str, ...] = ()
    predecessors: tuple[str, ...] = ()
    #: (code, the day it stopped being used): an authority recoded by ONS without changing
    #: (Buckinghamshire, North Yorkshire and Somerset became unitary under their old
    #: DfE code and Ofsted URN)
    former_ons_codes: tuple[tuple[str, dt.date], ...] = ()
    stat_neighbours: tuple[str, ...] = ()  # DfE LA codes, nearest first
    names: tuple[str, ...] = ()
    sources: tuple[str, ...] = field(default=(), compare=False)

    @property
    def current(self) -> bool:
        return self.status == "current"

    def valid_on(self, day: dt.date | None) -> bool:
        """Whether the authority existed on ``day`` (always, when ``day`` is None)."""
        if day is None:
            return True
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_to and day > self.valid_to)

    def ons_code_on(self, day: dt.date | None) -> str | None:
        """The ONS code in use on ``day`` (a former code before a recoding)."""
        if day is not None:
            for code, until in sorted(self.former_ons_codes, key=lambda c: c[1]):
                if day < until:
                    return code
        return self.ons_code

    def to_json(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "name": self.name,
            "urn": self.urn,
            "la_code": self.la_code,
            "ons_code": self.ons_code,
            "region_code": self.region_code,
            "region": self.region,
            "type": self.type,
            "status": self.status,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "successors": list(self.successors),
            "predecessors": list(self.predecessors),
            "former_ons_codes": [
                {"ons_code": c, "until": d.isoformat()} for c, d in self.former_ons_codes
            ],
            "stat_neighbours": list(self.stat_neighbours),
            "names": list(self.names),
        }


# -- names ----------------------------------------------------------------------------------

#: Words around a council's name in titles and letters, removed before matching. Order
#: matters: longer phrases first.
_PREFIXES = (
    "the council of the",
    "council of the",
    "the",
    "london borough of",
    "royal borough of",
    "metropolitan borough of",
    "city and county of",
    "county borough of",
    "borough of",
    "city of",
    "county of",
)
_SUFFIXES = (
    "local authority childrens services",
    "local authority childrens social care services",
    "childrens social care services",
    "childrens social care",
    "childrens services trust",
    "children and families trust",
    "children and families services",
    "children and families service",
    "children and young peoples services",
    "childrens services",
    "childrens trust",
    "childrens service",
    "services for children",
    "local authority",
    "metropolitan borough council",
    "metropolitan district council",
    "metropolitan borough",
    "county borough council",
    "borough council",
    "county council",
    "district council",
    "city council",
    "unitary authority",
    "council",
    "corporation",
    "mbc",
    "borough",
    "county",
    "city of",
    "city",
)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("’", "'").replace("‘", "'").replace("`", "'").replace("&", " and ")
    text = text.lower()
    text = re.sub(r"(\w)'s\b", r"\1s", text)  # possessive / children's -> childrens
    text = re.sub(r"s'(?=\s|$)", "s", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)  # hyphens, commas, full stops
    return re.sub(r"\s+", " ", text).strip()


def normalise_name(name: str) -> str:
    """The key a printed name is matched by: case, punctuation, possessives and the words
    around a council's name ('City Council', 'London Borough of', "Children's Trust",
    'City of' ...) removed. ``"Bristol City of"`` and ``"Bristol City Council"`` both give
    ``"bristol"``; ``"Medway's Children's Services"`` gives ``"medway"``."""
    text = _fold(_possessive_free(name))
    changed = True
    while changed and text:
        changed = False
        for prefix in _PREFIXES:
            if text.startswith(prefix + " ") and len(text) > len(prefix) + 1:
                text = text[len(prefix) + 1 :]
                changed = True
        for suffix in _SUFFIXES:
            if text.endswith(" " + suffix):
                text = text[: -len(suffix) - 1]
                changed = True
    return text


def _possessive_free(name: str) -> str:
    """Drop a possessive ending ("Medway's", "Hartlepool’s"), not the one in "children's"
    or "young people's", before folding."""
    return re.sub(r"\b(?!(?:children|people)['’])(\w+)['’]s\b", r"\1", name.strip(), flags=re.I)


def _key(name: str) -> str:
    return normalise_name(name)


def slug_for(name: str) -> str:
    """A register slug from a name: lower case, '&' as 'and', words joined by hyphens."""
    text = unicodedata.normalize("NFKC", name).replace("&", " and ").replace("’", "'").lower()
    text = text.replace("'", "").replace(".", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "unknown"


# -- loading --------------------------------------------------------------------------------


def _split(value: str | None, sep: str = ";") -> list[str]:
    return [v.strip() for v in (value or "").split(sep) if v.strip()]


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value.strip()) if value and value.strip() else None


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files(__package__ or "ilacs_cli").joinpath(_DATA, name).read_text("utf-8-sig")
    return list(csv.DictReader(text.splitlines()))


#: la-lookup's names that are not the name a person would write
_DISPLAY = {
    "Bristol, City of": "Bristol",
    "Kingston Upon Hull, City of": "Kingston upon Hull",
    "Bedford Borough": "Bedford",
    "St. Helens": "St Helens",
}


def _from_lookup(row: dict[str, str]) -> dict[str, Any]:
    name = row["local_authority_ons_name"].strip()
    display = _DISPLAY.get(name, name)
    slug = "london-corporation" if display == "City of London" else slug_for(display)
    aliases = [name, row.get("utla23nm", ""), row.get("ltla23nm", "")]
    # also_known_as is a bracketed list whose items may hold commas ("[BCP, Bournemouth,
    # Christchurch & Poole]"): its forms are in register-amendments.csv instead
    scraper = (row.get("ofsted_ilacs_scrape_la_name") or "").strip()
    if scraper and not scraper.isdigit():
        aliases.append(scraper)
    region_code = (row.get("region_code") or "").strip()
    return {
        "slug": slug,
        "name": display,
        "urn": row["urn"].strip() or None,
        "la_code": row["la_code"].strip() or None,
        "ons_code": row["la_code_new"].strip() or None,
        "region_code": None if region_code in ("", "NotKnown") else region_code,
        "region": (row.get("region_name") or "").strip() or None,
        "type": (row.get("ons_la_type") or "").strip() or None,
        "stat_neighbours": tuple(_split(row.get("stat_neighbours"), ",")),
        "names": [a for a in aliases if a and a.strip()],
        "sources": ["la-lookup.csv"],
    }


_AMENDABLE = ("name", "urn", "la_code", "ons_code", "region_code", "region", "type", "status")


def _amend(rec: dict[str, Any], row: dict[str, str]) -> None:
    for key in _AMENDABLE:
        if (row.get(key) or "").strip():
            rec[key] = row[key].strip()
    if (row.get("valid_from") or "").strip():
        rec["valid_from"] = _day(row["valid_from"])
    if (row.get("valid_to") or "").strip():
        rec["valid_to"] = _day(row["valid_to"])
    if (row.get("successors") or "").strip():
        rec["successors"] = tuple(_split(row["successors"]))
    former = []
    for item in _split(row.get("former_ons_codes")):
        code, _, until = item.partition("<")
        former.append((code.strip(), dt.date.fromisoformat(until.strip())))
    if former:
        rec["former_ons_codes"] = tuple(former)
    rec["names"] = [*rec.get("names", []), *_split(row.get("names"))]
    if (row.get("source") or "").strip():
        rec["sources"] = [*rec.get("sources", []), row["source"].strip()]


class Register:
    """The authorities, found by slug, code or a printed name."""

    def __init__(self, authorities: Iterable[Authority]) -> None:
        self._by_slug: dict[str, Authority] = {}
        for a in authorities:
            if a.slug in self._by_slug:
                raise ValueError(f"two register entries with the slug {a.slug!r}")
            self._by_slug[a.slug] = a
        self._by_key: dict[str, list[Authority]] = {}
        for a in self._by_slug.values():
            for form in {a.slug.replace("-", " "), a.name, *a.names}:
                key = _key(form)
                if key and a not in self._by_key.setdefault(key, []):
                    self._by_key[key].append(a)
        self._by_code: dict[str, Authority] = {}
        for a in self._by_slug.values():
            for code in (a.urn, a.la_code, a.ons_code, *(c for c, _ in a.former_ons_codes)):
                if code:
                    self._by_code.setdefault(code, a)

    @classmethod
    def bundled(cls) -> Register:
        records: dict[str, dict[str, Any]] = {}
        for row in _read(_LOOKUP):
            rec = _from_lookup(row)
            records[rec["slug"]] = rec
        for row in _read(_AMENDMENTS):
            slug = row["slug"].strip()
            rec = records.setdefault(slug, {"slug": slug, "name": row["name"].strip()})
            _amend(rec, row)
        preds: dict[str, list[str]] = {}
        for rec in records.values():
            for succ in rec.get("successors", ()):
                preds.setdefault(succ, []).append(rec["slug"])
        authorities = []
        for slug, rec in records.items():
            for key in ("urn", "la_code", "ons_code", "region_code", "region", "type"):
                rec.setdefault(key, None)
            rec["predecessors"] = tuple(sorted(preds.get(slug, [])))
            rec["names"] = tuple(dict.fromkeys(rec.get("names", [])))
            rec["sources"] = tuple(rec.get("sources", []))
            authorities.append(Authority(**rec))
        return cls(authorities)

    def __iter__(self) -> Iterator[Authority]:
        return iter(sorted(self._by_slug.values(), key=lambda a: a.slug))

    def __len__(self) -> int:
        return len(self._by_slug)

    def get(self, slug: str) -> Authority | None:
        return self._by_slug.get(slug)

    def by_code(self, code: str) -> Authority | None:
        """The authority with this Ofsted URN, DfE LA code or ONS code (current or former)."""
        return self._by_code.get(code.strip())

    def candidates(self, name: str) -> list[Authority]:
        """Every authority a printed name may mean, before dates are considered."""
        key = _key(name)
        found = list(self._by_key.get(key, []))
        if not found and key.startswith("the "):
            found = list(self._by_key.get(key[4:], []))
        return found

    def resolve(self, name: str, on: dt.date | None = None) -> Authority | None:
        """The authority a printed name means (on ``on``, the document's date, when the
        name was used by a predecessor and its successor); None when the register does
        not know the name or cannot tell which it is."""
        found = self.candidates(name)
        if not found and (a := self._by_slug.get(name.strip().lower())):
            found = [a]
        if len(found) > 1 and on is not None:
            found = [a for a in found if a.valid_on(on)] or found
        if len(found) > 1:
            current = [a for a in found if a.current]
            found = current if len(current) == 1 else found
        return found[0] if len(found) == 1 else None

    def find(self, ref: str) -> Authority | None:
        """A slug, a code or a name: how ``ilacs history`` and ``authorities`` take one."""
        return self._by_slug.get(ref.strip().lower()) or self.by_code(ref) or self.resolve(ref)

    def lineage(self, slug: str) -> list[Authority]:
        """The authority's predecessors, theirs in turn, nearest first (not itself)."""
        out: list[Authority] = []
        todo = list(self._by_slug[slug].predecessors) if slug in self._by_slug else []
        while todo:
            a = self._by_slug.get(todo.pop(0))
            if a is not None and a not in out:
                out.append(a)
                todo.extend(a.predecessors)
        return out

    def find_in_lines(self, lines: Iterable[str], on: dt.date | None = None) -> Authority | None:
        """The first line that is, whole, a name the register knows (a fallback for a
        title the rules misread)."""
        for line in lines:
            line = line.strip()
            if 2 < len(line) < 80 and (a := self.resolve(line, on)) is not None:
                return a
        return None


@cache
def register() -> Register:
    """The bundled register, loaded once."""
    return Register.bundled()


def document_id(slug: str, day: dt.date | None, kind: Kind, sha256: str) -> str:
    """A document's id, from the document alone: its authority's slug, the date it sorts
    by (the inspection's last day, else its first, else the letter's date) and its kind:
    ``salford-2023-11-10-ilacs``, ``salford-2025-10-15-focused-visit``. Without any date:
    the kind and the first 8 hex digits of its sha256."""
    tag = kind.value.removesuffix("_inspection").replace("_", "-")
    if day is None:
        return f"{slug}-{tag}-{sha256[:8]}"
    return f"{slug}-{day.isoformat()}-{tag}"


def report_authority(
    printed: str | None,
    on: dt.date | None,
    head_lines: Iterable[str] = (),
    warnings: list[str] | None = None,
) -> LocalAuthority:
    """A report's ``local_authority``: the printed name resolved through the register
    (on the document's date), else the first line of ``head_lines`` (the first page) that
    is a name the register knows. A name it does not know keeps the title's own slug, and
    a warning is added to ``warnings``."""
    from .models import LocalAuthority
    from .rules.common import slugify

    reg = register()
    found = reg.resolve(printed, on) if printed else None
    name = printed
    if found is None:
        lines = list(head_lines)
        found = reg.find_in_lines(lines, on)
        if found is not None:
            name = next(
                (ln.strip() for ln in lines if reg.resolve(ln.strip(), on) is found), found.name
            )
    if found is None:
        if warnings is not None:
            if printed is None:
                warnings.append("local authority name not found")
            else:
                warnings.append(
                    f"authority {printed!r} is not in the register: its slug is the title's "
                    "own and it has no codes"
                )
        name = name or "Unknown"
        return LocalAuthority(name=name, slug=slugify(name))
    return LocalAuthority(
        name=name or found.name,
        slug=found.slug,
        urn=found.urn,
        la_code=found.la_code,
        ons_code=found.ons_code_on(on),
        region=found.region,
    )
