"""The benchmark's own arithmetic and /proc readings (the benchmark itself prints figures, it is
not a timed test)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from stack.bench import cpu_seconds, percentile, process_tree, rss_mb


def test_percentile_picks_the_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 51.0  # rank round(0.5 * 99) = 50 (0-based)
    assert percentile(values, 95) == 95.0
    assert percentile(list(reversed(values)), 95) == 95.0  # order of the input does not matter
    assert percentile([7.0], 99) == 7.0
    assert percentile([], 50) != percentile([], 50)  # NaN for no values


def test_memory_and_cpu_include_child_processes() -> None:
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time\nx = bytearray(80_000_000)\nt = time.time()\nwhile time.time() - t < 3: pass",
        ]
    )
    try:
        time.sleep(1.5)
        me = os.getpid()
        assert child.pid in process_tree(me)
        assert rss_mb(me) > rss_mb(child.pid) >= 70  # the child's 80 MB counts for its parent too
        assert cpu_seconds(me) >= cpu_seconds(child.pid) > 0.5  # the child spins
    finally:
        child.kill()
        child.wait()
