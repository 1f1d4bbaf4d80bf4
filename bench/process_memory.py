"""Memory of the running process, for the benchmarks that measure peaks (imports, hostile files)."""

import resource
from pathlib import Path


def rss_mb() -> int:
    """Resident memory now, in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return 0


def peak_rss_mb() -> int:
    """The highest resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
