"""index.wordpieces.content_positions: the word pieces that carry content."""

from storytrace.index.wordpieces import content_positions


def test_specials_punctuation_and_stop_words_are_left_out():
    pieces = ["[CLS]", "the", "mayor", "opened", "a", "tram", ",", "line", ".", "[SEP]", "[PAD]"]
    assert [pieces[i] for i in content_positions(pieces)] == ["mayor", "opened", "tram", "line"]


def test_continuation_pieces_are_kept_even_when_they_spell_a_stop_word():
    pieces = ["lund", "##s", "the", "##re"]  # "##re" is part of a word, not the word "re"
    assert content_positions(pieces) == [0, 1, 3]


def test_numbers_count_as_content():
    assert content_positions(["in", "2024", "-", "40", "%"]) == [1, 3]
