"""Benchmark: supportsim side by side with Ciw, plain SimPy and a hand-written event loop (issue 7).

Run ``python -m supportsim.bench`` (``--quick`` for a smoke run, ``--write docs/performance.md`` to update the
document). The model written four ways is in :mod:`.models`, the measurements in :mod:`.runs`, the tables in
:mod:`.report`. Ciw comes with the ``bench`` extra: ``pip install supportsim[bench]``.
"""
