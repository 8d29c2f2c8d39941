"""geo/memory.py: freed memory goes back to the system; what is in use stays."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from geo.memory import resident_bytes

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(resident_bytes() is None, reason="no /proc on this system")
def test_freed_heap_pages_go_back_and_live_objects_stay():
    # In a process of its own (python -c: the checkout, its cwd, is on the path): 200 MB of malloc'd blocks, one
    # in 200 kept alive so the heap cannot shrink from its top by itself. After the release the process holds
    # over 100 MB less, and the kept blocks are intact.
    script = textwrap.dedent("""
        import gc
        from geo.memory import release_freed_memory, resident_bytes
        junk = [bytes([i % 251]) * 2000 for i in range(100_000)]
        keep = junk[::200]
        del junk
        gc.collect()
        before = resident_bytes()
        release_freed_memory()
        after = resident_bytes()
        assert all(b == bytes([(200 * k) % 251]) * 2000 for k, b in enumerate(keep))
        print(before, after)
    """)
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    before, after = map(int, out.stdout.split())
    assert before > 150e6, f"the test did not allocate what it meant to ({before / 1e6:.0f} MB resident)"
    assert before - after > 100e6, f"resident memory {before / 1e6:.0f} MB before the release, {after / 1e6:.0f} after"
