"""ilacs: Ofsted's inspection reports on English local authorities' children's services,
as data.

>>> from ilacs_cli import extract
>>> report = extract("samples/salford-2023.pdf")
>>> report.overall_effectiveness.value
'good'

Names are imported on first use (PEP 562), so ``ilacs --help`` does not pay for pdfplumber
or pydantic.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# bound now (the module is light): a submodule import could otherwise shadow the function
from .extract import PARSER_VERSION, extract

__version__ = "0.4.0"

#: public name -> the module that defines it
_EXPORTS = {
    "ExitCode": ".errors",
    "IlacsError": ".errors",
    "UnreadableDocument": ".errors",
    "UnsupportedDocument": ".errors",
    "Area": ".vocabulary",
    "Grade": ".vocabulary",
    "Kind": ".vocabulary",
    "Finding": ".models",
    "ImprovementArea": ".models",
    "Inspector": ".models",
    "Judgement": ".models",
    "Report": ".models",
    "diff": ".compare",
    "ReportDiff": ".compare",
    "Library": ".library",
}

__all__ = [
    "Area",
    "ExitCode",
    "Finding",
    "Grade",
    "IlacsError",
    "ImprovementArea",
    "Inspector",
    "Judgement",
    "Kind",
    "Library",
    "PARSER_VERSION",
    "Report",
    "ReportDiff",
    "UnreadableDocument",
    "UnsupportedDocument",
    "__version__",
    "diff",
    "extract",
]

if TYPE_CHECKING:
    from .compare import ReportDiff, diff
    from .errors import ExitCode, IlacsError, UnreadableDocument, UnsupportedDocument
    from .library import Library
    from .models import Finding, ImprovementArea, Inspector, Judgement, Report
    from .vocabulary import Area, Grade, Kind


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ilacs_cli' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
