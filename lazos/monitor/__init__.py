"""Continuous monitoring: GDELT 2.0 events, mentions and GKG through Lazos's store.

The pipeline (``lazos monitor``) runs five stages, each a plain function from an Arrow
table to an Arrow table so that each is tested without an engine:

1. ``fetch``  — list GDELT's file lists and download new 15-minute files (online), or take
   the files of a folder (offline);
2. ``parse``  — the events (61 columns), mentions (16) and GKG 2.1 (27) layouts, typed per
   the codebook, deduplicated on GLOBALEVENTID / GKGRECORDID; a bad row is reported with
   its file and line and the rest is read;
3. ``select`` — what involves China and a Latin American or Caribbean state;
4. ``read``   — the articles behind the selection whose text is at hand, through Lazos's
   claim extractor;
5. ``load``   — into the store, with history, one transaction per chunk of files.

Ray Data runs parse, select and read across worker processes (locally or on a cluster);
the tables between stages are Delta Lake tables (``deltalake``), partitioned by date.
See docs/architecture.md.
"""
