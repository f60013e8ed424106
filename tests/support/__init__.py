"""Helpers shared by several test modules (paths, corpora, parsers); no tests here."""
