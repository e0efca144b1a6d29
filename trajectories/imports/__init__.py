"""Batch imports from the authentic sources (api.md, Imports).

`batch.run_import` is the shared runner: it validates every item on its own
(a bad item is a 400 result with flat errors and is stored nowhere), resolves
the INSZ of the valid ones in one query (an unknown person is a 404 result),
and hands the rest, in request order, to the import's `apply`, which writes
set-based in the caller's transaction. `views.ImportView` is the API side
(1 to 5,000 items, else 400 for the whole request); management commands call
the same runner batch by batch (`batch.iter_batches`).
"""
