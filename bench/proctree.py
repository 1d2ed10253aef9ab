"""Run a command as a whole process and measure it whole: wall time, and the peak memory of
its process tree (the sum of PSS over the process and every descendant, e.g. pool workers).

PSS shares each page among the processes that map it, so a forked worker's copy-on-write
pages are not counted twice; the RSS sum (which does count them twice) is given beside it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_pss_mb: float  # the tree's peak of summed PSS, sampled every `interval`
    peak_rss_mb: float  # the tree's peak of summed RSS, likewise
    code: int
    stdout: str
    stderr: str


def descendants(pid: int) -> list[int]:
    """`pid` and every live process below it."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def tree_memory_mb(pid: int) -> tuple[float, float]:
    """(summed PSS, summed RSS) of the tree under `pid`, in MB."""
    pss = rss = 0
    for member in descendants(pid):
        try:
            lines = Path(f"/proc/{member}/smaps_rollup").read_text().splitlines()
        except OSError:
            continue
        for line in lines:
            if line.startswith("Pss:"):
                pss += int(line.split()[1])
            elif line.startswith("Rss:"):
                rss += int(line.split()[1])
    return pss / 1024, rss / 1024


def run_measured(
    cmd: list[str], env: dict[str, str], cwd: Path, interval: float = 0.05
) -> Measured:
    """Run `cmd` to its end: wall time (start-up included) and the tree's peak memory."""
    peaks = [0.0, 0.0]
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err)
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                pss, rss = tree_memory_mb(proc.pid)
                peaks[0], peaks[1] = max(peaks[0], pss), max(peaks[1], rss)
                done.wait(interval)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        code = proc.wait()
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        out.seek(0)
        err.seek(0)
        return Measured(
            seconds,
            peaks[0],
            peaks[1],
            code,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
        )


def spread(values: list[float], digits: int = 2) -> str:
    """Median and range of a few rounds: "4.21 (3.90-4.80)"."""
    if not values:
        return "-"
    med = statistics.median(values)
    return f"{med:.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f})"
