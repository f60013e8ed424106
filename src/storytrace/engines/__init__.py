"""Engines that run the trace's tasks: a local process pool (``local``) and Spark (``spark``).

The stages are the functions of :mod:`storytrace.pipeline` (``make_plan``, ``run_align``,
``decide_lineage``, ``run_audit``); an engine only decides where the tasks run, so every
engine gives the same stories, edges and findings.
"""
