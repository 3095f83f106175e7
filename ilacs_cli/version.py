"""The parser's version: a leaf module that imports nothing, so every stage can read it."""

#: Bump whenever a rule change alters output: cached reports from an older parser are
#: re-extracted.
PARSER_VERSION = "1.6.0"
