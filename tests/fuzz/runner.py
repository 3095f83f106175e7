"""Run ``ilacs`` in a child process with a time and a memory limit, as an attacker's
input would be run: the child's address space is capped (``resource.setrlimit``), so a
regression fails the run instead of swapping the machine, and a hang is cut off."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: the interpreter with pdfplumber loaded takes ~45 MB; a worker stays under 200 MB
MEMORY_LIMIT = 1 << 30

_MAIN = "import sys; from ilacs_cli.cli import main; sys.argv[0] = 'ilacs'; main()"


@dataclass
class Run:
    code: int | None  # None: cut off at the time limit
    stdout: str
    stderr: str


def run_ilacs(
    *args: str,
    stdin: bytes | int | None = None,
    seconds: float = 60,
    memory: int = MEMORY_LIMIT,
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
) -> Run:
    """``ilacs ARGS...`` as a child process (through ``cli.main``, as the console script
    runs it), at most ``seconds`` of wall time and ``memory`` bytes of address space.
    ``stdin`` is bytes to feed, or a file descriptor to read (``/dev/zero``)."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    import signal

    feed = stdin if isinstance(stdin, bytes) else None
    proc = subprocess.Popen(
        [sys.executable, "-c", _MAIN, *args],
        stdin=subprocess.PIPE if feed is not None else (stdin or subprocess.DEVNULL),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        preexec_fn=limit,
        start_new_session=True,  # its workers too are cut off at the time limit
    )
    try:
        out, err = proc.communicate(feed, timeout=seconds)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        code = None
    return Run(code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))
