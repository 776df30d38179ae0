"""Run the ``supportsim`` command as a user would: a separate process, this checkout's sources first.

:func:`run_cli` starts ``python -m supportsim`` afresh. Starting Python and importing numpy and pydantic
costs most of a second of CPU, so for many short commands (the bad-input corpus) :func:`run_many` starts one
interpreter that imports supportsim once and then forks a fresh process per command, which runs
``python -m supportsim`` the same way the interpreter does (runpy, ``__main__``); an exception escaping it is
printed with its traceback and exit code 1, as the interpreter would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), *filter(None, [env.get("PYTHONPATH")])])
    return env


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "supportsim", *map(str, args)], cwd=cwd or ROOT, env=_env(),
                          capture_output=True, text=True, timeout=timeout)


_FORKING_DRIVER = r"""
import json, os, runpy, sys, tempfile, traceback
import supportsim.cli  # noqa: F401  (imported once, before forking)
import supportsim.report.html  # noqa: F401  (matplotlib: every run builds a report)

results = []
for argv, env in json.loads(sys.stdin.read()):
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    pid = os.fork()
    if pid == 0:
        os.environ.update(env)
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        sys.argv = ["supportsim", *argv]
        code = 0
        try:
            runpy.run_module("supportsim", run_name="__main__", alter_sys=True)
        except SystemExit as exc:
            if exc.code is None or isinstance(exc.code, int):
                code = exc.code or 0
            else:
                print(exc.code, file=sys.stderr)
                code = 1
        except BaseException:
            traceback.print_exc()
            code = 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    out.seek(0)
    err.seek(0)
    results.append([os.waitstatus_to_exitcode(status), out.read().decode(), err.read().decode()])
print(json.dumps(results))
"""


def run_many(commands: Iterable[Sequence[str]], timeout: float = 300,
             envs: Sequence[dict[str, str]] | None = None) -> list[subprocess.CompletedProcess]:
    """Run several ``supportsim`` commands, each in its own process; results in the given order. ``envs``:
    environment variables to add for each command."""
    commands = [[str(a) for a in argv] for argv in commands]
    envs = list(envs) if envs is not None else [{} for _ in commands]
    if not hasattr(os, "fork"):
        return [subprocess.run([sys.executable, "-m", "supportsim", *argv], cwd=ROOT, env={**_env(), **env},
                               capture_output=True, text=True, timeout=timeout, check=False)
                for argv, env in zip(commands, envs)]
    driver = subprocess.run([sys.executable, "-c", _FORKING_DRIVER], input=json.dumps(list(zip(commands, envs))), cwd=ROOT,
                            env=_env(), capture_output=True, text=True, timeout=timeout)
    if driver.returncode != 0:
        raise RuntimeError(f"the test driver failed:\n{driver.stderr}")
    return [subprocess.CompletedProcess(["supportsim", *argv], code, out, err)
            for argv, (code, out, err) in zip(commands, json.loads(driver.stdout))]
