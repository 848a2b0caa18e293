"""Faults of the machine said plainly, and outputs published all or nothing."""
from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from pathlib import Path

from texsheet.errors import BuildError


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


@contextlib.contextmanager
def described(folder: Path):
    """Turn an OSError in the block into a BuildError of one line: what happened, to which path
    (folder, when the error names none), and what to do."""
    try:
        yield
    except OSError as error:
        raise BuildError(describe(error, folder)) from None


def describe(error: OSError, folder: Path) -> str:
    path = error.filename or folder
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        written = Path(error.filename2 or path)  # a copy names its source first, then what it was writing
        where = written if written.is_dir() else written.parent
        return f"no space left in {where}: free some space there and build again"
    if error.errno in (errno.EACCES, errno.EPERM):
        return f"cannot write {path}: permission denied; make it writable, or build elsewhere with -o"
    if error.errno == errno.EROFS:
        return f"cannot write {path}: the file system is read-only; build elsewhere with -o"
    if error.errno == errno.EISDIR:  # a rename names what it moved first, then its target
        return f"{error.filename2 or path} is a folder where texsheet keeps a file: remove or rename it"
    if error.errno == errno.ENOTDIR:
        return f"{path}: a part of this path is a file where a folder should be"
    return f"{path}: {error.strerror or error}"


def check_writable(folder: Path) -> None:
    """Refuse, before any work, a folder texsheet could not write its outputs to (the OSError
    of trying to make a file there)."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(folder)) from None


def publish(made: dict[Path, Path]) -> None:
    """Put each made file at its target, all or nothing: every file is first copied beside its
    target under a hidden name, then all are renamed over their targets (a rename needs no
    space). If a copy fails (a full disk), the copies are removed and every target is as it was.
    Copies left by a texsheet that was killed are removed first; those of a texsheet still at
    work (another sheet publishing the same icon) are left to it."""
    for target in made.values():
        if target.is_dir():
            raise IsADirectoryError(errno.EISDIR, "is a folder", str(target))
        for partial in target.parent.glob(f".{target.name}.*.*"):
            if not _alive(partial.name[len(target.name) + 2:].partition(".")[0]):
                partial.unlink(missing_ok=True)
    partials: list[tuple[Path, Path]] = []
    try:
        for source, target in made.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", dir=target.parent)
            os.close(handle)
            partials.append((Path(name), target))
            shutil.copyfile(source, name)
            os.chmod(name, 0o666 & ~_UMASK)
    except BaseException:
        for partial, _ in partials:
            partial.unlink(missing_ok=True)
        raise
    for partial, target in partials:
        os.replace(partial, target)


def _alive(pid: str) -> bool:
    """Whether the process of a partial copy's name still runs (a name not of that form: no)."""
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's, running
        return True
    return True
