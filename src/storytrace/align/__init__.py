"""Sentence alignment: which source sentences support each derived sentence, and how closely."""
