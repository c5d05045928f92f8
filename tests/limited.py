"""Running the command line under a memory and time budget, for tests of hostile input.

Before the input limits, some of these inputs took gigabytes and minutes: the tests must fail fast
and cheaply on such code, not take the machine down. A child process gets an address-space limit
(RLIMIT_AS) and a timeout; running out of either is reported as a test failure, not a hang.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEMORY = 768 << 20
"""Address space of the child: the CLI needs ~300 MB of it (numpy, scikit-learn)."""
TIMEOUT = 60.0


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run_cli(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None, timeout: float = TIMEOUT
) -> subprocess.CompletedProcess[bytes]:
    """`python -m adapters.cli ARGS` with at most MEMORY bytes of address space and `timeout` seconds."""
    child_env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", **(env or {})}
    try:
        return subprocess.run(
            [sys.executable, "-m", "adapters.cli", *args],
            input=stdin if stdin is not None else b"",
            capture_output=True,
            cwd=ROOT,
            env=child_env,
            timeout=timeout,
            preexec_fn=_limit_memory,
        )
    except subprocess.TimeoutExpired:
        raise AssertionError(f"`{' '.join(args)}` ran longer than {timeout:.0f} s") from None
