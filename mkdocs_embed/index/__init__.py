"""Searchable structures built from the vectors and chunk texts."""
