"""Two shapes of real rewrites the audit used to miss (written here, fictional):

* a report that arrives wrapped in one pair of quotation marks (posts copied from exports):
  the marks quote nobody, so the report is still split into its sentences and an invented
  statement in it is still an unsupported claim, as it is without the marks;
* a negation removed from coordinated verbs ("does not prevent or cure X" -> "cures X")
  where the parser attaches the subject to the first verb only: the subject of the first
  verb and the object of the last are every verb's, so the two predicates are known to be
  about the same thing.
"""

from __future__ import annotations

from storytrace import api
from storytrace.model import Article
from storytrace.segment import split_sentences
from storytrace.segment.sentences import container_quote

SOURCE = (
    "The Brookvale library will stay open until 9 pm on weekdays from March. "
    "The council approved the longer hours on Monday. #Brookvale"
)
ADDED = " The mayor secretly sold the old library building to a developer last year."


def _findings(source: str, derived: str) -> list[dict]:
    result = api.compare(Article("s", source), Article("d", derived), force=True)
    return result.to_dict()["stories"][0]["findings"]


def test_container_quote_only_when_nothing_else_is_quoted():
    assert container_quote('  "One. Two."\n') == (2, 12)
    assert container_quote("“One. Two.”") == (0, 10)
    assert container_quote('"One," she said. "Two."') is None  # two quotations, not a wrapper
    assert container_quote("One. Two.") is None


def test_wrapped_report_is_split_into_its_sentences():
    plain = [s.text for s in split_sentences(SOURCE + ADDED)]
    wrapped = [s.text for s in split_sentences('"' + SOURCE + ADDED + '"')]
    assert len(wrapped) == len(plain) >= 3
    assert wrapped[0] == '"' + plain[0] and wrapped[-1] == plain[-1] + '"'


def test_wrapping_marks_do_not_hide_an_unsupported_claim():
    plain = _findings(SOURCE, SOURCE + ADDED)
    wrapped = _findings('"' + SOURCE + '"', '"' + SOURCE + ADDED + '"')
    assert any(f["type"] == "unsupported_claim" for f in plain)
    assert sorted(f["type"] for f in wrapped) == sorted(f["type"] for f in plain)


def test_wrapped_identical_copy_has_no_finding():
    text = '"' + SOURCE + ADDED + '"'
    assert _findings(text, text) == []


def test_negation_removed_from_the_second_of_coordinated_verbs():
    # "does not prevent or cure H5N1" -> "cures H5N1": the subject is parsed on "prevent" only
    # and "H5N1" is not a word of letters; both are still what "cure" is about
    source = "Drinking saltwater, vinegar or bleach DOES NOT prevent or cure H5N1 and can be extremely dangerous."
    derived = "BREAKING NEWS: Consuming vinegar, saltwater, or bleach cures H5N1! Experts say it is the fastest way to get rid of the virus."
    conflicts = [f for f in _findings(source, derived) if f["type"] == "conflict"]
    assert conflicts, "the removed negation is not reported"
    assert "negation is removed" in conflicts[0]["explanation"]
    assert conflicts[0]["derived_value"] and "cure" in str(conflicts[0]["derived_value"]).lower()
