"""The trace, as one straight flow of stages over the data model (see ``trace.run``):

* ``plan``: tf-idf rows and MinHash signatures for every report, the candidate pairs;
* ``work``: sentence vectors and pair alignments as tasks, then the lineage decision pass;
* ``trace``: the stages in order (align, decide lineage, group, stories, audit);
* ``stories``: stories from the grouping's labels and the lineage;
* ``audit``: the claim audit of the stories with edges.

Only what a decision needs is computed (the scale design, BENCHMARKS.md "Scale"): vectors
only for reports in a pair that lineage must align, the audit (spaCy) only for reports in
an edge.
"""

from storytrace.pipeline.audit import apply_audit, audit_items, audit_result
from storytrace.pipeline.plan import Plan, idf_of, make_plan, plan_trace, sentences_to_embed
from storytrace.pipeline.result import TraceResult
from storytrace.pipeline.stories import make_stories, story_id
from storytrace.pipeline.trace import TraceOptions, run, trace
from storytrace.pipeline.work import LineageWork, Mapper, Progress, quiet, serial

__all__ = [
    "LineageWork",
    "Mapper",
    "Plan",
    "Progress",
    "TraceOptions",
    "TraceResult",
    "apply_audit",
    "audit_items",
    "audit_result",
    "idf_of",
    "make_plan",
    "make_stories",
    "plan_trace",
    "quiet",
    "run",
    "sentences_to_embed",
    "serial",
    "story_id",
    "trace",
]
