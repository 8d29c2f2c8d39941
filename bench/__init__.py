"""qtmap's benchmarks: synthetic registers, naive baseline, CLI and browser timing, report (``python -m bench.run``)."""

__all__: list[str] = []
