"""Where output may go: regular files and folders only, checked before any work is done.

An output path (``--out``, ``--junit``) must be a regular file or a folder, or not exist yet in a folder that
can take it. Devices, pipes and sockets are refused (an atomic write would replace ``/dev/full`` or turn
``/dev/stdout`` into a file); a symbolic link is followed, and refused unless it leads to a regular file (for a
file) or a folder (for a folder). Problems are :class:`OutputError`: one line naming the path, exit code 2.

For tests of the save phase, :func:`fault` kills the process at a named point when the environment variable
``SUPPORTSIM_FAULT`` names it (``POINT`` for ``kill -9``, ``POINT:INT`` for Ctrl-C); see docs/outputs.md.
"""

from __future__ import annotations

import os
import signal
import stat
import tempfile
from pathlib import Path

FAULT_VARIABLE = "SUPPORTSIM_FAULT"


class OutputError(ValueError):
    """An output path that cannot take what is to be written there; one line for the user."""


def fault(point: str) -> None:
    """Kill this process here if ``SUPPORTSIM_FAULT`` names ``point`` (developers' fault injection)."""
    wanted = os.environ.get(FAULT_VARIABLE)
    if not wanted:
        return
    name, _, how = wanted.partition(":")
    if name == point:
        os.kill(os.getpid(), signal.SIGINT if how.upper() in ("INT", "SIGINT") else signal.SIGKILL)


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISFIFO, "a pipe"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def _creatable(path: Path, what: str, option: str) -> None:
    """``path`` does not exist: its nearest existing ancestor must be a writable folder."""
    parent = path.parent
    while not os.path.lexists(parent) and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise OutputError(f"{option}{path}: cannot create the {what} there: {parent} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"{option}{path}: cannot create the {what} there: {parent} is not writable")


def _through_proc(path: Path) -> bool:
    """Whether following the links of ``path`` passes through /proc (``/dev/stdout -> /proc/self/fd/1``)."""
    seen = 0
    current = Path(os.path.abspath(path))
    while current.is_symlink() and seen < 40:
        current = Path(os.path.abspath(current.parent / os.readlink(current)))
        if current.parts[1:2] == ("proc",):
            return True
        seen += 1
    return any(Path(os.path.realpath(p)).parts[1:2] == ("proc",) for p in (path.parent,))


def file_target(path: str | Path, option: str = "") -> Path:
    """The real path to write the file ``path`` at (links followed), or OutputError. Creates nothing.

    ``option`` (such as ``"--out "``) prefixes the message, so it names what the user typed."""
    path = Path(path)
    if os.path.lexists(path):
        real = Path(os.path.realpath(path))
        try:
            found = os.stat(path)  # what the path leads to, special links of /proc (/dev/stdout) included
        except FileNotFoundError:  # a link to nowhere yet: write where it leads
            _creatable(real, "file", option)
            return real
        except OSError as exc:
            raise OutputError(f"{option}{path}: cannot use it ({exc.strerror or exc})") from None
        link = f" (a link to {os.readlink(path)})" if path.is_symlink() else ""
        if stat.S_ISDIR(found.st_mode):
            raise OutputError(f"{option}{path}: is a folder{link}; give a file name")
        if not stat.S_ISREG(found.st_mode):
            raise OutputError(f"{option}{path}: is {_kind(found.st_mode)}{link}; output goes to regular files only")
        if _through_proc(path):  # /dev/stdout and the like: an open stream of some process, not a file
            raise OutputError(f"{option}{path}: is a link to a process's open file{link}; give a file name")
        if not os.access(real.parent, os.W_OK | os.X_OK):
            raise OutputError(f"{option}{path}: cannot replace it: {real.parent} is not writable")
        return real
    _creatable(path, "file", option)
    return path


def folder_target(path: str | Path, option: str = "") -> Path:
    """``path`` checked as an output folder (an existing folder, or one that can be created). Creates nothing."""
    path = Path(path)
    if os.path.lexists(path):
        if not path.exists():
            raise OutputError(f"{option}{path}: is a link to nowhere ({os.readlink(path)})")
        if not path.is_dir():
            mode = path.stat().st_mode
            what = "a file" if stat.S_ISREG(mode) else _kind(mode)
            raise OutputError(f"{option}{path}: exists and is not a folder (it is {what})")
        if not os.access(path, os.W_OK | os.X_OK):
            raise OutputError(f"{option}{path}: cannot write there (not writable)")
        return path
    _creatable(path, "folder", option)
    return path


def shared_mode() -> int:
    """The mode of a new file under the user's umask (0644 under the usual 022): results are meant to be
    shared, unlike the private 0600 of a temporary file."""
    mask = os.umask(0)  # the only way to read it is to set it; put it back at once
    os.umask(mask)
    return 0o666 & ~mask


def make_folder(path: Path, option: str = "") -> None:
    """Create the output folder (and its parents), as OutputError when the file system says no."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{option}{path}: cannot create the folder ({exc.strerror or exc})") from None


def write_atomic(path: Path, data: str | bytes) -> Path:
    """Write one file atomically (a temporary name in the same folder, then renamed), at a target checked by
    :func:`supportsim.targets.file_target`: a link is written through, a device or pipe refused (OutputError)."""
    target = file_target(path)
    make_folder(target.parent)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent)
        # mkstemp makes the file private (0600); results and reports are meant to be shared, so give it the
        # mode any new file gets here (0644 under the usual umask 022)
        os.fchmod(fd, shared_mode())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, target)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write it ({exc.strerror or exc})") from None
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise
    return target
