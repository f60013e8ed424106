"""Language: detected per report; a language the models do not read is traced by verbatim
reuse only, and two languages are never a paraphrase of each other."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storytrace import trace
from storytrace.model import Article
from storytrace.segment.language import detect_language, paraphrase_possible, supported

DAY0 = datetime(2024, 5, 6, tzinfo=UTC)

FRENCH_A = (
    "Le conseil municipal de Villeneuve a voté mardi la fermeture du vieux pont sur la rivière. "
    "Les inspecteurs ont trouvé de la rouille dans trois des piliers en acier. "
    "Selon le maire, les travaux dureront quatre mois et coûteront deux millions d'euros."
)
FRENCH_B = (
    "La bibliothèque du quartier nord rouvre ses portes samedi après deux ans de travaux. "
    "Les enfants pourront y emprunter des livres et des jeux le mercredi après-midi. "
    "La directrice espère accueillir trois cents lecteurs chaque semaine dès la rentrée."
)
ENGLISH_A = (
    "The city council of Villeneuve voted on Tuesday to close the old bridge over the river. "
    "Inspectors found rust in three of its steel pillars. "
    "According to the mayor, the work will last four months and cost two million euros."
)


def _report(aid: str, text: str, day: int) -> Article:
    return Article(id=aid, text=text, published=DAY0 + timedelta(days=day))


def test_detection_names_the_language_and_leaves_short_text_unknown():
    assert detect_language(ENGLISH_A) == "en"
    assert detect_language(FRENCH_A) == "fr"
    assert detect_language("Sure.") is None
    assert supported("en") and supported(None) and not supported("fr")


def test_another_language_is_traced_by_verbatim_reuse_only_and_flagged():
    doc = trace(
        [
            _report("fa", FRENCH_A, 0),
            _report("fb", FRENCH_B, 1),  # unrelated
            _report("fc", FRENCH_A, 2),  # a word-for-word copy of fa
        ],
        audit=False,
    ).to_dict()
    edges = {(e["source"], e["derived"]): e for s in doc["stories"] for e in s["edges"]}
    assert set(edges) == {("fa", "fc")}
    assert edges[("fa", "fc")]["relation"] == "copy"
    for a in doc["articles"]:
        assert a["language"] == "fr" and a["paraphrase_supported"] is False
    relations = {al["relation"] for s in doc["stories"] for al in s["alignments"]}
    assert "paraphrase" not in relations and "partial" not in relations


def test_a_translation_is_never_a_paraphrase():
    english, french = _report("en", ENGLISH_A, 0), _report("fr", FRENCH_A, 1)
    assert not paraphrase_possible(french, english)
    doc = trace([english, french], audit=False).to_dict()
    relations = {al["relation"] for s in doc["stories"] for al in s["alignments"]}
    assert relations <= {"verbatim", "unsupported"}
    languages = {a["id"]: (a["language"], a["paraphrase_supported"]) for a in doc["articles"]}
    assert languages == {"en": ("en", True), "fr": ("fr", False)}
