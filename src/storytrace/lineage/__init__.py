"""Lineage: who derives from whom, with the sentences as evidence."""
