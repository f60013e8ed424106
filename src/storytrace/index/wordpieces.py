"""Which word pieces of a tokenised sentence carry content (shared by both encoders)."""

from __future__ import annotations


def content_positions(wordpieces: list[str]) -> list[int]:
    """Positions of word pieces that carry content: no specials, punctuation or stop words."""
    from spacy.lang.en.stop_words import STOP_WORDS  # lazily: importing spaCy takes seconds

    keep = []
    for pos, piece in enumerate(wordpieces):
        if piece in ("[CLS]", "[SEP]", "[PAD]"):
            continue
        bare = piece[2:] if piece.startswith("##") else piece
        if not any(ch.isalnum() for ch in bare):
            continue
        if not piece.startswith("##") and bare in STOP_WORDS:
            continue
        keep.append(pos)
    return keep
