"""Data in and out: tables, standards and engines beside the core.

Each module here turns a :class:`~orgmodel.Timeline` (or a chart, a diff, a
history) into something other tools read, or reads one from them:

* :mod:`orgmodel.io.tables` — the facts of a timeline as effective-dated
  tables (Arrow, pandas, Parquet), and rows of a chart, a diff or a history;
* :mod:`orgmodel.io.importing` — a validated timeline from tables of units,
  posts, people and appointments (CSV, XLSX, DataFrames);
* ``orgmodel.io.popolo`` — Popolo JSON, the civic-tech standard for
  organizations, posts and memberships;
* ``orgmodel.io.rdf`` — W3C ORG as RDF (Turtle, JSON-LD) with rdflib;
* ``orgmodel.io.duck`` and ``orgmodel.io.spark`` — the same "as of a day"
  questions as SQL over the Parquet fact tables, on DuckDB and Spark.

The core never imports these modules, and each imports its optional
dependency (pyarrow, pandas, duckdb, pyspark, rdflib, openpyxl) only when
used: ``import orgmodel`` needs none of them.
"""
