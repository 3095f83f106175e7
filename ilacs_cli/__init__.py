"""ilacs: Ofsted's inspection reports on English local authorities' children's services,
as data.

>>> from ilacs_cli import extract
>>> report = extract("samples/salford-2023.pdf")
>>> report.overall_effectiveness.value
'good'
"""

from __future__ import annotations

from .errors import ExitCode, IlacsError, UnreadableDocument, UnsupportedDocument
from .extract import PARSER_VERSION, extract
from .models import (
    Area,
    Finding,
    Grade,
    ImprovementArea,
    Inspector,
    Judgement,
    Kind,
    Report,
)

__version__ = "0.1.0"

__all__ = [
    "PARSER_VERSION",
    "Area",
    "ExitCode",
    "Finding",
    "Grade",
    "IlacsError",
    "ImprovementArea",
    "Inspector",
    "Judgement",
    "Kind",
    "Report",
    "UnreadableDocument",
    "UnsupportedDocument",
    "__version__",
    "extract",
]
