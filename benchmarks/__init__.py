"""Benchmarks for orgmodel: a synthetic workload generator, a naive replay, a Raphtory baseline and a runner.

Run ``python benchmarks/run.py --help``; see ``benchmarks/README.md``.
"""
