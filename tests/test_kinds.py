"""The kind registry (ilacs_cli.rules.kinds) and the parser version's leaf module."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from ilacs_cli import Kind
from ilacs_cli.rules.kinds import BY_KIND, KINDS


def test_every_kind_has_a_registry_entry():
    missing = [k.value for k in Kind if k not in BY_KIND]
    assert missing == []
    assert len(KINDS) == len(BY_KIND) == len(Kind)  # one entry each, none twice
    for entry in KINDS:
        assert callable(entry.detect)
        assert entry.extract is None or callable(entry.extract)


def test_detection_tries_the_narrower_kinds_first():
    order = [e.kind for e in KINDS]
    # a monitoring visit letter mentions earlier focused visits; an ILACS title is the
    # broadest pattern, tried last
    assert order.index(Kind.MONITORING_VISIT) < order.index(Kind.FOCUSED_VISIT)
    assert order[-1] is Kind.ILACS_INSPECTION


def test_parser_version_is_a_leaf_module():
    import ilacs_cli.version as version
    from ilacs_cli import PARSER_VERSION
    from ilacs_cli.extract import PARSER_VERSION as via_extract

    tree = ast.parse(Path(version.__file__).read_text(encoding="utf-8"))
    imports = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
    assert imports == []  # nothing to import back: no cycle can start here
    assert PARSER_VERSION == via_extract == version.PARSER_VERSION
    assert re.fullmatch(r"\d+\.\d+\.\d+", PARSER_VERSION)
