"""Ofsted's reports site, as ``ilacs fetch`` reads it: every URL pattern, selector and
wording rule in one place, so that a change on the site is a one-line fix here.

See ``../shared/ofsted-site.md``. Nothing here touches the network; the functions take
HTML (bytes or text) and give back what the pages say. Importable without Typer or rich.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlencode, urljoin, urlsplit

from .vocabulary import MONTHS as _MONTHS

__all__ = [
    "BASE_URL",
    "KIND_RULES",
    "ROWS_PER_PAGE",
    "clean_text",
    "FetchKind",
    "Provider",
    "Publication",
    "kind_of",
    "parse_listing",
    "parse_provider_page",
    "publication_date",
    "search_url",
]

# -- URLs -----------------------------------------------------------------------------------

#: The real site (``--base-url`` replaces it, for tests and mirrors).
BASE_URL = "https://reports.ofsted.gov.uk"
#: "Children's social care" -> "Local Authority Children's Services", every authority.
SEARCH_PATH = "/search"
SEARCH_QUERY = {
    "q": "",
    "location": "",
    "lat": "",
    "lon": "",
    "radius": "",
    "level_1_types": "3",
    "level_2_types[]": "12",
}
#: The site serves at most this many results a page; pages are walked by ``start``.
ROWS_PER_PAGE = 100
#: A guard against a site that ignores ``start`` (the same page forever).
MAX_LISTING_PAGES = 20

# -- selectors ------------------------------------------------------------------------------

#: A result on a listing page: its href's last path segment is the URN, its text the name.
PROVIDER_LINK = 'a[href*="/provider/"]'
#: A publication on a provider page, and the element whose text names it and its date.
PUBLICATION_LINK = "a.publication-link"
PUBLICATION_TEXT = "span.nonvisual"

# -- wording --------------------------------------------------------------------------------

#: "Children's services inspection, PDF - 12 January 2024": the date after the last dash.
_DATE_IN_TEXT = re.compile(r"[-–—]\s*(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})\s*$")
#: ", PDF" and what follows it: the document's name is what comes before.
_NAME_END = re.compile(r",?\s*\bPDF\b.*$", re.IGNORECASE)


class FetchKind(str, Enum):
    """What ``ilacs fetch --kind`` selects among an authority's publications."""

    inspections = "inspections"
    visits = "visits"


def _is_inspection(text: str) -> bool:
    # the peers' rule: "children", "services" and "inspection" (an ILACS or SIF report,
    # the 2012-13 child protection and looked after children inspections)
    return all(word in text for word in ("children", "services", "inspection")) and (
        "visit" not in text
    )


def _is_visit(text: str) -> bool:
    return "focused visit" in text or "monitoring visit" in text


#: One rule per kind (a test checks every member of FetchKind has one). Each takes the
#: link text in lower case with curly quotes straightened.
KIND_RULES: dict[FetchKind, Callable[[str], bool]] = {
    FetchKind.inspections: _is_inspection,
    FetchKind.visits: _is_visit,
}


def search_url(base_url: str, start: int, rows: int = ROWS_PER_PAGE) -> str:
    """The listing page that starts at result ``start``."""
    query = urlencode({**SEARCH_QUERY, "start": str(start), "rows": str(rows)})
    return f"{base_url.rstrip('/')}{SEARCH_PATH}?{query}"


@dataclass(frozen=True)
class Provider:
    """An authority as the listing shows it."""

    urn: str
    name: str
    url: str  # its provider page


@dataclass(frozen=True)
class Publication:
    """One publication link on a provider page."""

    url: str  # the file URL
    link_text: str  # the text naming it, as the site gives it (whitespace collapsed)
    published: dt.date | None
    kind: FetchKind | None  # None: a publication ``ilacs fetch`` does not take

    @property
    def name(self) -> str:
        """The document's name without ", PDF - <date>": "Children's services inspection"."""
        return _NAME_END.sub("", self.link_text).strip() or self.link_text

    @property
    def file_number(self) -> str:
        """The last path segment of the file URL (``50240000``)."""
        return urlsplit(self.url).path.rstrip("/").rsplit("/", 1)[-1]


def clean_text(text: str) -> str:
    """Site text as data: whitespace collapsed, control and format characters dropped
    (nothing from a page may drive a terminal)."""
    text = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch)[0] != "C"
    )
    return " ".join(text.split())


def _parser(html: bytes | str):  # type: ignore[no-untyped-def]
    from selectolax.lexbor import LexborHTMLParser

    return LexborHTMLParser(html)


def parse_listing(html: bytes | str, page_url: str) -> list[Provider]:
    """The authorities on one listing page, in page order, each once."""
    seen: dict[str, Provider] = {}
    for node in _parser(html).css(PROVIDER_LINK):
        href = node.attributes.get("href") or ""
        url = urljoin(page_url, href)
        urn = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
        if not urn.isdigit():
            continue
        name = clean_text(node.text(separator=" "))
        if urn not in seen or (name and not seen[urn].name):
            seen[urn] = Provider(urn=urn, name=name, url=url)
    return list(seen.values())


def parse_provider_page(html: bytes | str, page_url: str) -> list[Publication]:
    """Every publication link on a provider page, most recent first as the site lists them."""
    out: list[Publication] = []
    seen: set[str] = set()
    for node in _parser(html).css(PUBLICATION_LINK):
        href = node.attributes.get("href")
        if not href:
            continue
        url = urljoin(page_url, href)
        if urlsplit(url).scheme not in ("http", "https") or url in seen:
            continue
        seen.add(url)
        label = node.css_first(PUBLICATION_TEXT)
        text = clean_text((label or node).text(separator=" "))
        out.append(Publication(url, text, publication_date(text), kind_of(text)))
    return out


def kind_of(link_text: str) -> FetchKind | None:
    """Which ``--kind`` a publication belongs to, from its link text (None: neither)."""
    text = link_text.lower().replace("’", "'")
    for kind, rule in KIND_RULES.items():
        if rule(text):
            return kind
    return None


def publication_date(link_text: str) -> dt.date | None:
    """The publication date a link text ends with ("..., PDF - 12 January 2024")."""
    m = _DATE_IN_TEXT.search(link_text)
    if not m:
        return None
    month = _MONTHS.get(m.group(2).casefold())
    if month is None:
        return None
    try:
        return dt.date(int(m.group(3)), month, int(m.group(1)))
    except ValueError:
        return None
