"""Which lineage edges join stories (``group.stories.story_links``) and where a lone report goes
(``group.stories.join_lone_reports``), on hand-made lineages."""

from __future__ import annotations

from storytrace.align.aligner import thresholds
from storytrace.group.stories import join_lone_reports, story_links
from storytrace.lineage.lineage import Lineage
from storytrace.model import Alignment, Article, Edge, Sentence, parse_published


def _article(aid: str, texts: list[str]) -> Article:
    a = Article(id=aid, text=" ".join(texts))
    a.sentences = [Sentence(index=i, start=0, end=0, text=t) for i, t in enumerate(texts)]
    return a


def _edge(source: str, derived: Article, pairs: list[tuple[int, int]], score: float) -> tuple[Edge, list[Alignment]]:
    edge = Edge(
        source=source,
        derived=derived.id,
        coverage=len(pairs) / len(derived.sentences),
        relation="paraphrase",
        sentences=len(pairs),
        score=score,
    )
    return edge, [Alignment(derived.id, i, source, j, "paraphrase", score) for i, j in pairs]


def _links(articles: list[Article], *edges: tuple[Edge, list[Alignment]]) -> set[tuple[str, str]]:
    lineage = Lineage(edges=[e for e, _ in edges], alignments=[a for _, al in edges for a in al], parents={})
    index = {a.id: k for k, a in enumerate(articles)}
    ids = {k: a for a, k in index.items()}
    return {(ids[s], ids[d]) for s, d in story_links(lineage, articles, index)}


SOURCE = ["The mayor opened the bridge on Monday.", "It cost 40 million euros.", "Traffic will start in May."]


def test_two_close_restatements_join_stories_one_does_not():
    close = thresholds().close
    src = _article("src", SOURCE)
    two = _article("two", ["On Monday the mayor opened the new bridge.", "Its price was 40 million euros."])
    one = _article("one", ["The bridge, opened Monday by the mayor, is news.", "Something else entirely."])
    loose = _article("loose", ["A bridge was opened.", "Money was spent on it.", "Cars will come."])
    articles = [src, two, one, loose]
    assert _links(articles, _edge("src", two, [(0, 0), (1, 1)], close + 0.1)) == {("src", "two")}
    assert _links(articles, _edge("src", one, [(0, 0)], close + 0.2)) == set()
    assert _links(articles, _edge("src", loose, [(0, 0), (1, 1), (2, 2)], close - 0.05)) == set()


def test_stock_text_does_not_join_stories():
    close = thresholds().close
    trailer = ["Reporting by Ana Ruiz; editing by Tom Lee.", "All figures are provisional."]
    a = _article("a", ["Port workers went on strike."] + trailer)
    b = _article("b", ["A new ferry line opens in June."] + trailer)
    c = _article("c", ["Fuel prices rose again."] + trailer)
    # b restates a's two trailer sentences word for word, which c holds too: stock text
    assert _links([a, b, c], _edge("a", b, [(1, 1), (2, 2)], close + 0.2)) == set()
    # without c the two sentences are shared by the pair only
    assert _links([a, b], _edge("a", b, [(1, 1), (2, 2)], close + 0.2)) == {("a", "b")}


def test_a_source_sentence_restated_by_many_reports_is_stock():
    close = thresholds().close
    src = _article("src", ["Visit our hub for the latest updates on the outbreak.", "Data may be out of date."])
    derived = [
        _article(f"d{k}", [f"For updates on the outbreak see our hub, edition {k}.", f"The data could be out of date, note {k}."])
        for k in range(3)
    ]
    edges = [_edge("src", d, [(0, 0), (1, 1)], close + 0.1) for d in derived]
    assert _links([src, *derived], *edges) == set()
    assert _links([src, *derived[:2]], *edges[:2]) == {("src", "d0"), ("src", "d1")}


def test_a_lone_derivative_joins_its_source_story_but_stories_are_not_merged():
    src, lone, other, mate = (_article(x, ["x."]) for x in ("src", "lone", "other", "mate"))
    index = {"src": 0, "lone": 1, "other": 2, "mate": 3}
    edges = [Edge("src", "lone", 0.2, "partial", 1, 0.9), Edge("src", "other", 0.2, "partial", 1, 0.9)]
    labels = [0, 1, 2, 2]  # "lone" is alone; "other" shares its story with "mate"
    joined = join_lone_reports(Lineage(edges=edges, alignments=[], parents={}), labels, index)
    assert joined == [0, 0, 2, 2]
    assert labels == [0, 1, 2, 2]  # new labels are returned, the given ones are kept


def test_a_lone_source_joins_the_one_story_that_holds_its_derivatives():
    src, r1, r2, other, mate = (_article(x, ["x."]) for x in ("src", "r1", "r2", "other", "mate"))
    index = {"src": 0, "r1": 1, "r2": 2, "other": 3, "mate": 4}
    both = [Edge("src", "r1", 0.3, "partial", 1, 0.9), Edge("src", "r2", 0.3, "partial", 1, 0.9)]
    labels = [0, 1, 1, 2, 2]  # the two rewrites were grouped together, their source alone
    labels = join_lone_reports(Lineage(edges=both, alignments=[], parents={}), labels, index)
    assert labels == [1, 1, 1, 2, 2]
    # derivatives in two stories: which one the source belongs to is not for lineage to say
    split = [Edge("src", "r1", 0.3, "partial", 1, 0.9), Edge("src", "other", 0.3, "partial", 1, 0.9)]
    labels = [0, 1, 1, 2, 2]
    labels = join_lone_reports(Lineage(edges=split, alignments=[], parents={}), labels, index)
    assert labels == [0, 1, 1, 2, 2]
    # a source that shares its story with another report stays where the text put it
    labels = [0, 1, 1, 0, 2]
    labels = join_lone_reports(Lineage(edges=both, alignments=[], parents={}), labels, index)
    assert labels == [0, 1, 1, 0, 2]


def test_a_link_joins_only_when_the_words_do_not_point_to_another_story():
    from storytrace.group.stories import TextCheck
    from storytrace.index.similarity import Similarity

    close = thresholds().close
    src = _article("src", ["The mayor of Lund opened the tram line on Monday.", "It cost 40 million euros."])
    # a heavy rewrite of src: few shared words, but none of its candidates is nearer
    rewrite = _article(
        "rewrite", ["Lund's new tram line was inaugurated by its mayor this week.", "The price tag: 40 million euros."]
    )
    # a report of another story, written from the same mould as src's sentences
    mould = _article("mould", ["The mayor of Malmo opened the harbour bridge on Monday.", "It cost 12 million euros."])
    mate = _article(
        "mate",
        [
            "Malmo harbour bridge opened by mayor on Monday, crowds watch.",
            "Malmo bridge cost 12 million euros, harbour board says.",
        ],
    )
    articles = [src, rewrite, mould, mate]
    for day, a in enumerate(articles, start=1):
        a.published = parse_published(f"2024-05-0{day}")
    index = {a.id: k for k, a in enumerate(articles)}
    similarity = Similarity([a.text for a in articles])
    neighbours = {k: set(range(len(articles))) - {k} for k in range(len(articles))}
    edges = [_edge("src", rewrite, [(0, 0), (1, 1)], close + 0.1), _edge("src", mould, [(0, 0), (1, 1)], close + 0.1)]
    lineage = Lineage(edges=[e for e, _ in edges], alignments=[a for _, al in edges for a in al], parents={})
    check = TextCheck(lineage, articles, index, similarity, neighbours)
    assert check.agrees(index["src"], index["rewrite"])
    assert not check.agrees(index["src"], index["mould"])  # "mate" is nearer to it than src
    assert story_links(lineage, articles, index, check) == {(index["src"], index["rewrite"])}
    assert story_links(lineage, articles, index) == {(index["src"], index["rewrite"]), (index["src"], index["mould"])}
    # an undated report takes part in no edge: it cannot be told family or not, and is not counted
    mate.published = None
    assert TextCheck(lineage, articles, index, similarity, neighbours).agrees(index["src"], index["mould"])
    mate.published = parse_published("2024-05-04")
    # a lone report is not moved along an edge its words disagree with
    labels = [0, 0, 1, 2]  # "mould" alone, its mate elsewhere
    labels = join_lone_reports(lineage, labels, index, check)
    assert labels == [0, 0, 1, 2]
    labels = join_lone_reports(lineage, labels, index)
    assert labels == [0, 0, 0, 2]
