"""Regex and layout rules, one module per document kind."""
