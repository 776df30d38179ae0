"""Whole runs: a results folder always holds one whole run, named by its ``manifest.json``.

Each file is written atomically, but a run is several files; a save interrupted between two of them would leave
a folder mixing two runs. So a save goes in steps, each of which leaves the folder readable as one run:

1. every file of the new run is written under a hidden staging folder (``.supportsim-staging-<pid>-*``);
2. a journal (``.supportsim-commit.json``) naming the new run is written: this is the commit point;
3. the old manifest is removed, the staged files are renamed into place, the files of the old run that the
   new one does not write are removed (only files an earlier manifest names: never anyone else's), the new
   manifest is written, last, and the journal removed.

Killed before the commit point, the folder still holds the old run (the staged files are removed by the next
save or read); killed after it, the next save or read finishes the new run from the journal (roll forward).
Readers (:func:`verified`) take the folder's lock, finish or tidy up what a killed save left, then refuse a
folder without a manifest or whose files disagree with it, in one line (:class:`FolderError`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from ._version import __version__
from .targets import OutputError, fault, folder_target, make_folder, shared_mode

MANIFEST = "manifest.json"
JOURNAL = ".supportsim-commit.json"
PREVIOUS = ".supportsim-previous.json"   # the manifest of a run a sweep in progress is replacing
STAGING = ".supportsim-staging-"
FORMAT = 1
SAVE_POINTS = ("staged", "committed", "old-manifest-removed", "renamed-one", "renamed", "stale-removed",
               "manifest-written")
"""The points of the save phase, in order, at which ``SUPPORTSIM_FAULT`` can kill a save (see targets.fault)."""

_TEMPORARY = re.compile(r"^\..+\.(\d+)\.[a-z0-9_]+\.tmp$")   # write_atomic's temporary files: .NAME.PID.XXXX.tmp


class FolderError(ValueError):
    """A results folder that is not one whole run (or cannot be made so); one line for the user."""


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _encoded(data: str | bytes) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True   # there, but not ours
    return True


def _relative(name: str) -> bool:
    """A manifest's file name that stays inside its folder (never absolute, never ``..``)."""
    parts = PurePosixPath(name).parts
    return bool(parts) and not PurePosixPath(name).is_absolute() and ".." not in parts and "\\" not in name


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the folder's lock (an advisory lock on the folder itself, freed when the process dies)."""
    try:
        import fcntl
    except ImportError:  # no flock (Windows): concurrent saves into one folder are not serialized there
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


@contextmanager
def _interrupts_held(noted: list) -> Iterator[None]:
    """Note Ctrl-C instead of raising it while the commit completes (the caller raises it afterwards)."""
    try:
        previous = signal.signal(signal.SIGINT, lambda *_: noted.append(True))
    except ValueError:  # not the main thread: Ctrl-C does not land here
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise FolderError(f"{path}: cannot read it ({exc}); run again to write a whole new run there") from None
    return data if isinstance(data, dict) else {}


def read_manifest(folder: Path, name: str = MANIFEST) -> dict | None:
    path = folder / name
    data = _read_json(path)
    if data is None:
        return None
    files = data.get("files")
    if not isinstance(files, dict) or not all(isinstance(v, str) and _relative(k) for k, v in files.items()):
        raise FolderError(f"{path}: not a supportsim manifest (no 'files' of names and hashes)")
    return data


def _written_by_us(manifest: dict | None) -> set[str]:
    if manifest is None:
        return set()
    derived = manifest.get("derived")
    names = [*manifest["files"], *(derived if isinstance(derived, list) else [])]
    return {n for n in names if isinstance(n, str) and _relative(n)}


def _write_json(path: Path, data: dict) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, shared_mode())
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(data, indent=1) + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _finish(folder: Path, journal: dict) -> None:
    """Steps after the commit point; running them again after a kill is harmless (roll forward)."""
    staging = folder / journal["staging"]
    (folder / MANIFEST).unlink(missing_ok=True)
    (folder / PREVIOUS).unlink(missing_ok=True)
    fault("old-manifest-removed")
    for i, name in enumerate(journal["staged"]):
        if (staging / name).exists():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, folder / name)
        if i == 0:
            fault("renamed-one")
    fault("renamed")
    for name in journal["stale"]:
        path = folder / name
        if path.is_symlink() or path.is_file():
            path.unlink()
            if path.parent != folder and not any(path.parent.iterdir()):
                path.parent.rmdir()  # points/ of a sweep, say, once its last file is gone
    fault("stale-removed")
    _write_json(folder / MANIFEST, journal["manifest"])
    fault("manifest-written")
    (folder / JOURNAL).unlink()
    shutil.rmtree(staging, ignore_errors=True)


def tidy(folder: Path) -> None:
    """Finish a save that was killed after its commit point, and remove what killed saves left behind (hidden
    staging folders and temporary files of processes that are gone). Call with the folder locked."""
    try:
        journal = _read_json(folder / JOURNAL)
        if journal is not None:
            names = [journal.get("staging"), *journal.get("staged", []), *journal.get("stale", [])]
            if not all(isinstance(n, str) and _relative(n) for n in names) or \
                    not isinstance(journal.get("manifest"), dict):
                raise FolderError(f"{folder / JOURNAL}: not a supportsim journal; remove it and run again")
            _finish(folder, journal)
        remove_leftovers(folder)
    except OSError as exc:
        raise FolderError(f"{folder}: cannot finish the save a killed run left there ({exc.strerror or exc})") from None


def remove_leftovers(folder: Path) -> None:
    """Remove the hidden staging folders and temporary files that saves killed in ``folder`` left behind (those
    of processes still running are theirs: a concurrent save into the same folder)."""
    for path in folder.iterdir():
        if path.name.startswith(STAGING) and path.is_dir():
            pid = path.name[len(STAGING):].split("-")[0]
            if not (pid.isdigit() and _alive(int(pid))):
                shutil.rmtree(path, ignore_errors=True)
        elif (found := _TEMPORARY.match(path.name)) and not _alive(int(found.group(1))):
            path.unlink(missing_ok=True)


def opened(folder: Path) -> dict | None:
    """Before writing into an existing folder: finish a killed save, then check the run there (if any) is whole;
    its manifest, or None."""
    with locked(folder):
        tidy(folder)
        return verified(folder) if (folder / MANIFEST).exists() else None


def verified(folder: Path) -> dict:
    """The manifest of ``folder`` once every file it names is there with its hash; FolderError otherwise.
    Call with the folder locked (see :func:`locked`)."""
    tidy(folder)
    manifest = read_manifest(folder)
    if manifest is None:
        hint = " (a sweep was interrupted there: run it again to finish)" if (folder / PREVIOUS).exists() else ""
        raise FolderError(f"{folder}: no {MANIFEST}, so not one whole run{hint}; run the command that wrote it "
                          "again (supportsim run or sweep) to write a whole run there")
    for name, expected in manifest["files"].items():
        path = folder / name
        try:
            actual = file_digest(path)
        except FileNotFoundError:
            raise FolderError(f"{path}: missing, but {MANIFEST} names it: the folder is not one whole run; "
                              "run again to rewrite it") from None
        except OSError as exc:
            raise FolderError(f"{path}: cannot read it ({exc.strerror or exc})") from None
        if actual != expected:
            raise FolderError(f"{path}: changed since supportsim wrote it ({MANIFEST} has another hash), so the "
                              "folder is not one whole run; run again to rewrite it")
    return manifest


def note_derived(folder: Path, name: str) -> None:
    """Name a file written into the folder's run after it was saved (``supportsim report``'s report.html), so
    that the next run saved there removes it if it does not write it again."""
    with locked(folder):
        manifest = read_manifest(folder)
        if manifest is not None and name not in _written_by_us(manifest):
            _write_json(folder / MANIFEST, {**manifest, "derived": sorted([*manifest.get("derived", []), name])})


def retire(folder: Path, coming: Iterable[str] = ()) -> None:
    """Before a sweep writes its points (``coming``) into ``folder``: the run there is no longer whole, so set
    its manifest aside (readers refuse the folder until the sweep is saved). Whatever is saved there next
    removes the old run's files, and the points of this sweep if it does not write them itself."""
    with locked(folder):
        tidy(folder)
        current, previous = read_manifest(folder), read_manifest(folder, PREVIOUS)
        names = _written_by_us(current) | _written_by_us(previous) | set(coming)
        _write_json(folder / PREVIOUS, {**(current or previous or {}), "files": {}, "derived": sorted(names)})
        (folder / MANIFEST).unlink(missing_ok=True)


def save_run(folder: str | Path, files: Mapping[str, str | bytes], run: Mapping, kept: Iterable[str] = (),
             derive: Callable[[Path], Mapping[str, str | bytes]] | None = None) -> Path:
    """Save one whole run into ``folder``: ``files`` (name -> content), plus ``kept``, files of the run already
    in place (a sweep's points), and ``derive(staged folder)``'s files (the report), named in the manifest but
    not checked by readers (``supportsim report`` rewrites them). ``run`` describes the run in the manifest.

    Interrupted (Ctrl-C) before the commit point, the folder keeps its old run; after it, the save completes
    first. Either way KeyboardInterrupt then says which."""
    folder = Path(folder)
    folder_target(folder, "--out ")
    make_folder(folder, "--out ")
    staging: Path | None = None
    noted: list = []
    try:
        with locked(folder):
            tidy(folder)
            staging = Path(tempfile.mkdtemp(prefix=f"{STAGING}{os.getpid()}-", dir=folder))
            for name, data in files.items():
                _stage(staging / name, _encoded(data))
            derived = {name: _encoded(data) for name, data in (derive(staging) if derive else {}).items()}
            for name, data in derived.items():
                _stage(staging / name, data)
            hashes = {name: digest(_encoded(data)) for name, data in files.items()}
            hashes.update({name: file_digest(folder / name) for name in kept})
            manifest = {"format": FORMAT, "supportsim": __version__, **run, "files": hashes, "derived": sorted(derived)}
            new = set(hashes) | set(derived)
            old = _written_by_us(read_manifest(folder)) | _written_by_us(read_manifest(folder, PREVIOUS))
            journal = {"staging": staging.name, "staged": [*files, *derived], "stale": sorted(old - new),
                       "manifest": manifest}
            fault("staged")
            with _interrupts_held(noted):
                _write_json(folder / JOURNAL, journal)
                staging = None  # committed: from here on the new run is finished, never undone
                fault("committed")
                _finish(folder, journal)
    except KeyboardInterrupt:
        raise KeyboardInterrupt(f"interrupted before the results were saved; {folder} is as it was") from None
    except OSError as exc:
        raise OutputError(f"--out {folder}: cannot save there ({exc.strerror or exc})") from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    if noted:
        raise KeyboardInterrupt(f"interrupted; the results were saved in full in {folder}")
    return folder


def _stage(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        os.fchmod(handle.fileno(), shared_mode())
        handle.write(data)

