"""Before/after check of the scale design: the exhaustive trace (every sentence embedded,
document-vector kNN + MinHash candidates, the pipeline as it was before issue 7) against
``storytrace.pipeline.trace`` (cheap signatures first, aligned pairs in blocks, process pool).

    python bench/scale_equality.py [--seeds ../shared/seeds] [--llmfake-seeds 1 2] [--audit] [--json out.json]

Reports, per corpus: stories, edges, alignments and findings that differ, and where they
differ on an llmfake pile, the gold precision/recall of both (the candidates changed, so an
edge may be won or lost; the lineage code is the same).
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

import numpy as np

from storytrace.model import Article, parse_published


def trace_exhaustive(articles: list[Article], audit: bool = True):
    """The trace as it was before the scale design (kept here as the reference)."""
    from storytrace.align.aligner import prepare
    from storytrace.group.stories import group
    from storytrace.index.candidates import candidate_pairs, document_vector
    from storytrace.index.similarity import Similarity
    from storytrace.lineage.lineage import PairCache, trace_lineage
    from storytrace.pipeline import TraceResult, make_stories
    from storytrace.segment import segment

    seen: dict[str, Article] = {}
    for a in articles:
        seen.setdefault(a.id, a)
    articles = sorted(seen.values(), key=Article.sort_key)
    for a in articles:
        if not a.sentences and a.text:
            segment(a)
    prepared = {}
    for start in range(0, len(articles), 64):
        prepared.update(prepare(articles[start : start + 64]))
    cache = PairCache(prepared)
    index = {a.id: k for k, a in enumerate(articles)}
    texts = [a.text for a in articles]
    doc_vectors = np.vstack([document_vector(prepared[a.id].vectors) for a in articles])
    pairs = candidate_pairs(texts, doc_vectors)
    neighbours: dict[int, set[int]] = {}
    for a, b in pairs:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    by_ids = {articles[k].id: [articles[j].id for j in sorted(v)] for k, v in neighbours.items()}
    lineage = trace_lineage(articles, by_ids, cache)
    links = {(index[e.source], index[e.derived]) for e in lineage.edges}
    labels = group(articles, Similarity(texts), neighbours, links)
    result = TraceResult(articles=articles, stories=make_stories(articles, labels, lineage), cache=cache)
    result.stats["aligned_pairs"] = len(cache.pairs)
    result.stats["embedded_reports"] = len(articles)
    if audit:  # the audit as it was: every story, every member
        from storytrace.claims.audit import audit_story

        by_id = {a.id: a for a in articles}
        for story in result.stories:
            audit_story(story, by_id)
    return result


def fresh(rows: list[dict]) -> list[Article]:
    return [
        Article(id=r["id"], text=r["text"], published=parse_published(r.get("published")), outlet=r.get("outlet")) for r in rows
    ]


def seed_rows(folder: Path) -> list[dict]:
    rows = []
    for path in sorted(folder.glob("0*.txt")):
        text = path.read_text(encoding="utf-8")
        m = re.match(r"^ date (\d{4}-\d\d-\d\d) ", text)
        rows.append({"id": path.stem[:3], "text": text[m.end() :], "published": m.group(1)})
    return rows


def summary(result) -> dict:
    stories = sorted(sorted(s.articles) for s in result.stories)
    edges = sorted(
        (e.source, e.derived, round(e.coverage, 6), e.relation, e.sentences, round(e.score, 6))
        for s in result.stories
        for e in s.edges
    )
    alignments = sorted(
        (
            a.derived,
            a.derived_sentence,
            a.source or "",
            -1 if a.source_sentence is None else a.source_sentence,
            a.relation,
            round(a.score, 6),
        )
        for s in result.stories
        for a in s.alignments
    )
    findings = sorted(json.dumps(f.to_dict(), sort_keys=True, default=str) for s in result.stories for f in s.findings)
    verdicts = sorted(
        json.dumps([e.source, e.derived, e.verdict], sort_keys=True, default=str) for s in result.stories for e in s.edges
    )
    origins = sorted((sorted(s.articles)[0], s.origin or "") for s in result.stories)
    return {
        "stories": stories,
        "edges": edges,
        "alignments": alignments,
        "findings": findings,
        "verdicts": verdicts,
        "origins": origins,
    }


def compare(name: str, rows: list[dict], audit: bool, gold: set | None = None) -> dict:
    from storytrace.pipeline import trace

    t0 = time.perf_counter()
    before = trace_exhaustive(fresh(rows), audit=audit)
    t1 = time.perf_counter()
    after = trace(fresh(rows), audit=audit)
    t2 = time.perf_counter()
    sb, sa = summary(before), summary(after)
    report = {
        "corpus": name,
        "reports": len(rows),
        "seconds_before": round(t1 - t0, 1),
        "seconds_after": round(t2 - t1, 1),
        "aligned_pairs_before": before.stats["aligned_pairs"],
        "aligned_pairs_after": after.stats["aligned_pairs"],
        "embedded_before": before.stats["embedded_reports"],
        "embedded_after": after.stats["embedded_reports"],
    }
    for key in sb:
        b, a = set(map(_key, sb[key])), set(map(_key, sa[key]))
        report[key] = {
            "same": b == a,
            "before": len(b),
            "after": len(a),
            "only_before": sorted(b - a)[:5],
            "only_after": sorted(a - b)[:5],
        }
    # alignments/findings of the derived reports whose edges are the same in both
    edge_b = {(e[0], e[1]) for e in sb["edges"]}
    edge_a = {(e[0], e[1]) for e in sa["edges"]}
    changed = {e[1] for e in set(sb["edges"]) ^ set(sa["edges"])}  # derived reports whose edges differ at all
    report["derived_with_changed_edges"] = len(changed)
    for key, pos in (("alignments", 0), ("findings", None)):
        if pos is None:
            fb = {x for x in sb[key] if json.loads(x)["derived"] not in changed}
            fa = {x for x in sa[key] if json.loads(x)["derived"] not in changed}
        else:
            fb = {x for x in sb[key] if x[pos] not in changed}
            fa = {x for x in sa[key] if x[pos] not in changed}
        report[key]["same_where_edges_same"] = fb == fa
    if gold is not None:
        for tag, edges in (("before", edge_b), ("after", edge_a)):
            tp = len(edges & gold)
            report[f"gold_{tag}"] = {
                "precision": round(tp / max(len(edges), 1), 4),
                "recall": round(tp / max(len(gold), 1), 4),
                "edges": len(edges),
            }
    return report


def _key(x):
    return json.dumps(x, default=str) if not isinstance(x, str) else x


def main() -> None:
    root = Path(__file__).resolve().parents[2] / "shared"
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=Path, default=root / "seeds")
    parser.add_argument("--data", type=Path, default=root / "datasets")
    parser.add_argument("--llmfake-seeds", type=int, nargs="*", default=[1])
    parser.add_argument("--sources", type=int, default=60)
    parser.add_argument("--unrelated", type=int, default=60)
    parser.add_argument("--pile", type=Path, help="also a JSONL pile (e.g. a scale pile cut) with its .truth.json")
    parser.add_argument("--limit", type=int, help="with --pile: about this many reports (whole stories)")
    parser.add_argument("--audit", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    reports = []
    demo = Path(__file__).resolve().parents[1] / "src" / "storytrace" / "demo" / "corpus.jsonl"
    reports.append(
        compare("demo", [json.loads(x) for x in demo.read_text(encoding="utf-8").splitlines() if x.strip()], args.audit)
    )
    if args.seeds.is_dir():
        reports.append(compare("seeds", seed_rows(args.seeds), args.audit))
    if args.data.is_dir():
        from storytrace.eval.datasets import build_llmfake_pile

        for seed in args.llmfake_seeds:
            pile = build_llmfake_pile(args.data, n_sources=args.sources, n_unrelated=args.unrelated, seed=seed)
            reports.append(compare(f"llmfake seed {seed}", pile.reports, args.audit, set(pile.edges)))
    if args.pile:
        rows = [json.loads(x) for x in args.pile.read_text(encoding="utf-8").splitlines() if x.strip()]
        truth_path = args.pile.with_suffix("").with_suffix(".truth.json") if args.pile.suffix == ".jsonl" else None
        gold = None
        if truth_path and truth_path.exists():
            truth = json.loads(truth_path.read_text())
            if args.limit:  # whole stories, in id order, until the limit
                keep: set[str] = set()
                for r in rows:
                    if len(keep) >= args.limit:
                        break
                    story = truth["reports"][r["id"]]["story"]
                    keep |= {i for i, t in truth["reports"].items() if t["story"] == story}
                rows = [r for r in rows if r["id"] in keep]
            ids = {r["id"] for r in rows}
            gold = {tuple(e) for e in truth["edges"] if e[0] in ids and e[1] in ids}
        reports.append(compare(args.pile.name, rows, args.audit, gold))
    for r in reports:
        print(json.dumps(r, default=str))
    if args.json:
        args.json.write_text(json.dumps(reports, indent=1, default=str) + "\n")


if __name__ == "__main__":
    main()
