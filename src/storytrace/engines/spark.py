"""The trace on Spark: the same stages as the local engine, with the tasks on executors.

The driver reads the reports (JSON Lines or Parquet, through Spark, so any path Spark can
read: local, HDFS, S3) and computes the cheap plan (tf-idf rows, MinHash, candidate pairs:
``pipeline.make_plan``). The expensive tasks go to the executors: blocks of candidate pairs
(segmentation, sentence vectors, sentence alignment) and blocks of stories for the claim
audit. The lineage pass over the aligned pairs and the grouping are ordered by date and
cheap, so they run in the driver between the two. Results come back in task order, so the
output is the same as ``storytrace trace`` on the same reports (tests/test_spark.py).

Output (a folder): ``stories/``, ``edges/``, ``alignments/``, ``findings/`` and
``articles/`` as Parquet, and ``trace.json`` (the document ``storytrace trace --json`` writes).
pyspark is imported lazily: it is the optional extra ``storytrace[spark]``.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from storytrace.model import Article, parse_published

# one model thread per Python worker: Spark runs one worker per core
_EXECUTOR_ENV = {
    "STORYTRACE_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def session(master: str | None = "local[*]", app_name: str = "storytrace", conf: dict | None = None):
    """A SparkSession whose Python workers run this interpreter (and so see storytrace).
    ``master=None`` keeps what spark-submit was given (``--master``, ``spark.pyspark.python``)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name)
    if master is not None:
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        builder = builder.master(master)
    builder = builder.config("spark.python.worker.reuse", "true")  # models load once per worker
    builder = builder.config("spark.ui.showConsoleProgress", "false")
    # the encoder is not set here: each task carries the one its trace resolved
    for key, value in _EXECUTOR_ENV.items():
        builder = builder.config(f"spark.executorEnv.{key}", value)
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def mapper(spark) -> Callable:
    """``mapper(fn, items)``: one Spark task per item, results in item order."""
    sc = spark.sparkContext

    def run(fn: Callable, items: list):
        if not items:
            return iter(())
        return iter(sc.parallelize(items, numSlices=len(items)).map(fn).collect())

    return run


def read_articles(spark, path: str | Path) -> list[Article]:
    """Reports from JSON Lines or Parquet (a file or a folder of them): ``id``, ``text`` and
    optionally ``published``, ``outlet``, ``url``, ``title``."""
    p = str(path)
    is_parquet = p.endswith(".parquet") or (Path(p).is_dir() and any(Path(p).glob("*.parquet")))
    df = spark.read.parquet(p) if is_parquet else spark.read.json(p)
    missing = {"id", "text"} - set(df.columns)
    if missing:
        raise ValueError(f"{p}: the reports need the columns {sorted(missing)}")
    cols = [c for c in ("id", "text", "published", "outlet", "url", "title") if c in df.columns]
    out = []
    for row in df.select(*cols).toLocalIterator():
        r = row.asDict()
        if r.get("id") is None or not isinstance(r.get("text"), str):
            continue
        out.append(
            Article(
                id=str(r["id"]),
                text=r["text"],
                published=parse_published(r.get("published")),
                outlet=r.get("outlet"),
                url=r.get("url"),
                title=r.get("title"),
            )
        )
    return out


def trace_spark(spark, articles: list[Article], audit: bool = True, task_sentences: int | None = None):
    """``pipeline.trace`` with its lineage and audit tasks on the executors."""
    from storytrace.pipeline import trace

    # token vectors are spilled to a temporary folder only where every executor can read it
    local = spark.sparkContext.master.startswith("local")
    return trace(articles, audit=audit, mapper=mapper(spark), task_sentences=task_sentences, spill=local)


def write_outputs(spark, result, output: str | Path) -> dict:
    """Parquet tables and trace.json under ``output``; returns counts."""
    from pyspark.sql.types import ArrayType, DoubleType, IntegerType, StringType, StructField, StructType

    out = str(output)
    doc = result.to_dict()
    s, i, d = StringType(), IntegerType(), DoubleType()

    def table(name: str, fields: list, rows: list) -> None:
        schema = StructType([StructField(n, t, True) for n, t in fields])
        spark.createDataFrame(rows, schema).coalesce(1).write.mode("overwrite").parquet(f"{out}/{name}")

    stories = doc["stories"]
    table(
        "stories",
        [("id", s), ("origin", s), ("articles", ArrayType(s))],
        [(x["id"], x["origin"], x["articles"]) for x in stories],
    )
    table(
        "edges",
        [
            ("story", s),
            ("source", s),
            ("derived", s),
            ("coverage", d),
            ("relation", s),
            ("sentences", i),
            ("score", d),
            ("verdict", s),
        ],
        [
            (
                x["id"],
                e["source"],
                e["derived"],
                float(e["coverage"]),
                e["relation"],
                int(e["sentences"]),
                float(e["score"]),
                json.dumps(e.get("verdict"), sort_keys=True) if e.get("verdict") is not None else None,
            )
            for x in stories
            for e in x["edges"]
        ],
    )
    table(
        "alignments",
        [
            ("story", s),
            ("derived", s),
            ("derived_sentence", i),
            ("source", s),
            ("source_sentence", i),
            ("relation", s),
            ("score", d),
        ],
        [
            (x["id"], a["derived"], a["derived_sentence"], a["source"], a["source_sentence"], a["relation"], float(a["score"]))
            for x in stories
            for a in x["alignments"]
        ],
    )
    table(
        "findings",
        [
            ("story", s),
            ("type", s),
            ("derived", s),
            ("source", s),
            ("derived_sentence", i),
            ("source_sentence", i),
            ("derived_span", ArrayType(i)),
            ("source_span", ArrayType(i)),
            ("derived_value", s),
            ("source_value", s),
            ("explanation", s),
        ],
        [
            (
                x["id"],
                f["type"],
                f["derived"],
                f["source"],
                f["derived_sentence"],
                f["source_sentence"],
                f["derived_span"],
                f["source_span"],
                _json_or_none(f["derived_value"]),
                _json_or_none(f["source_value"]),
                f["explanation"],
            )
            for x in stories
            for f in x["findings"]
        ],
    )
    story_of = {a: x["id"] for x in stories for a in x["articles"]}
    table(
        "articles",
        [("id", s), ("story", s), ("published", s), ("outlet", s), ("title", s), ("sentences", i)],
        [(a["id"], story_of.get(a["id"]), a["published"], a["outlet"], a["title"], len(a["sentences"])) for a in doc["articles"]],
    )
    path = Path(out) / "trace.json"
    if "://" not in out:  # a local folder: the JSON document beside the tables
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    else:
        spark.sparkContext.parallelize([json.dumps(doc, ensure_ascii=False)], 1).saveAsTextFile(f"{out}/trace.json")
    return {
        "articles": len(doc["articles"]),
        "stories": len(stories),
        "edges": sum(len(x["edges"]) for x in stories),
        "findings": sum(len(x["findings"]) for x in stories),
    }


def _json_or_none(value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)


def run(
    input_path: str | Path,
    output: str | Path,
    master: str | None = "local[*]",
    audit: bool = True,
    conf: dict | None = None,
    task_sentences: int | None = None,
) -> dict:
    from storytrace.index.embed import ensure_static_table

    ensure_static_table()  # local executors find it made; remote ones make their own once
    spark = session(master, conf=conf)
    try:
        articles = read_articles(spark, input_path)
        result = trace_spark(spark, articles, audit=audit, task_sentences=task_sentences)
        counts = write_outputs(spark, result, output)
        counts["stats"] = {k: v for k, v in result.stats.items()}
        return counts
    finally:
        spark.stop()


def main(argv: list[str] | None = None) -> None:
    """Entry point for spark-submit (which takes a file, not a console script):

    spark-submit --master yarn ... $(python -c 'import storytrace.engines.spark as m; print(m.__file__)') INPUT OUTPUT
    """
    import argparse

    parser = argparse.ArgumentParser(prog="storytrace.engines.spark")
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--no-audit", action="store_true")
    parser.add_argument("--task-sentences", type=int, default=0)
    from storytrace.index.embed import CHOICES, DEFAULT_ENCODER, use_encoder

    parser.add_argument("--encoder", choices=CHOICES, default=DEFAULT_ENCODER)
    args = parser.parse_args(argv)

    use_encoder(args.encoder)
    counts = run(args.input, args.output, master=None, audit=not args.no_audit, task_sentences=args.task_sentences or None)
    print(json.dumps({k: v for k, v in counts.items() if k != "stats"}))


if __name__ == "__main__":
    main()
