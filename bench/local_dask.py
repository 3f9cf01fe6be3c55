"""A Dask service on this machine for the benches: a scheduler on 127.0.0.1 and one-thread workers added on demand,
each process in its own session, all killed on exit (the grading benches time prep against it)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


class LocalDask:
    """``with LocalDask(folder) as dask: dask.add_workers(2); ... dask.address``"""

    def __init__(self, folder: Path) -> None:
        self.folder, self.procs, self.workers, self.address = folder, [], 0, ""

    def __enter__(self) -> "LocalDask":
        address_file = self.folder / "scheduler.json"
        self._spawn("distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                    "--scheduler-file", str(address_file))
        deadline = time.monotonic() + 60
        while not address_file.exists():
            if time.monotonic() > deadline:
                raise RuntimeError("the Dask scheduler did not start within 60 s")
            time.sleep(0.1)
        self.address = json.loads(address_file.read_text())["address"]
        return self

    def add_workers(self, n: int) -> None:
        """Start ``n`` more one-thread workers and wait until the scheduler has them all."""
        import distributed

        for _ in range(n):
            self._spawn("distributed.cli.dask_worker", self.address, "--nthreads", "1", "--no-dashboard",
                        "--name", f"w{self.workers}", "--host", "127.0.0.1")
            self.workers += 1
        with distributed.Client(self.address, timeout=30) as client:
            client.wait_for_workers(self.workers, timeout=120)

    def _spawn(self, module: str, *argv: str) -> None:
        self.procs.append(subprocess.Popen([sys.executable, "-m", module, *argv], stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL, start_new_session=True, cwd=self.folder))

    def __exit__(self, *exc: Any) -> None:
        for p in self.procs:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()
