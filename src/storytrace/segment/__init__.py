"""Sentence segmentation: split article text into sentences with offsets into the original."""

from storytrace.segment.sentences import segment, split_sentences

__all__ = ["segment", "split_sentences"]
