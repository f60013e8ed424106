"""Signatures and vectors: tf-idf, MinHash candidates, the sentence encoders."""
