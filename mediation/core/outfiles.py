"""Writing output files: owner-only (0600), never through a symbolic link.

Every document, case file and PDF the program writes goes through here (one rule in one place):

- ``private_dir(path)`` makes an output folder (0700 when it creates it) and refuses a folder
  that is a symbolic link.
- ``write_private(path, data)`` writes the bytes to a new temporary name in the same folder,
  created exclusively (``O_CREAT | O_EXCL | O_NOFOLLOW``, mode 0600), then renames it over the
  destination; a destination that is a symbolic link is refused, so a planted link never sends
  the content elsewhere. With ``overwrite=False`` an existing destination is refused too (a
  frozen case file's documents are never overwritten).

- ``destination(given, folder=...)`` is THE rule of a place the user gives a command to write
  to (every such command takes it as its positional argument, ``--out`` an alias: cli/options
  ``destination``): a folder may be new but not a file; a file may not be a folder; either way
  the folder it goes in must exist (a mistyped parent is not created); a file's name ends as its
  kind says. One line naming the place as given, exit 1 (a value read but not allowed:
  errors.Exit), nothing written; a name without its ending is a usage error (exit 2).

Files and folders are created by :mod:`mediation.core.files`, the one helper for outputs (the
export, backups and the monthly report use it directly): owner-only, or the group's in a shared
group directory.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from mediation.core import files
from mediation.core.errors import InvalidInput, UsageError
from mediation.core.i18n import msg

Exists = files.Exists  # the destination exists and may not be overwritten


def _refuse_link(path: Path) -> None:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(st.st_mode):
        raise InvalidInput(msg("{path} is a symbolic link; give the real place to write to",
                               path=str(path)))


# The endings of the files the program writes or reads: a folder given with one (case file 1
# 卷宗/x.docx) or as "-" (standard output elsewhere) is a mistake, not a folder to make.
FILE_ENDINGS = frozenset({".docx", ".pdf", ".xlsx", ".csv", ".json", ".jsonl", ".db", ".png",
                          ".txt", ".zip", ".doc", ".xls"})


def destination(given: str | Path, *, folder: bool, suffix: str | None = None) -> Path:
    """The place ``given`` (as the user typed it) checked for writing a folder (``folder``) or
    a file (ending in ``suffix`` when given); returns it with ``~`` expanded. Errors:
    InvalidInput (exit 1) for a file where a folder is wanted or a folder where a file is, or
    a folder to put it in that does not exist (or is a file); UsageError (exit 2) for a file
    name not ending in ``suffix``, and for a folder given a file's name (``FILE_ENDINGS``) or
    ``-``. Nothing is created here."""
    shown = str(given)
    path = Path(given).expanduser()
    if folder and path.exists() and not path.is_dir():
        raise InvalidInput(msg("{path} exists and is not a folder: give a folder to write "
                               "into (a new one is made)", path=shown))
    if not folder and path.is_dir():
        raise InvalidInput(msg("{path} is a folder: give the name of the file to write",
                               path=shown))
    if folder and (shown.strip() == "-" or path.suffix.lower() in FILE_ENDINGS):
        raise UsageError(msg("{path} is a file's name, not a folder's: give a folder to write "
                             "into, such as out/", path=shown))
    parent = path.absolute().parent
    if parent.exists() and not parent.is_dir():  # afile/x.docx, afile a file
        raise InvalidInput(msg("{path} exists and is not a folder: give a folder to write "
                               "into (a new one is made)", path=str(Path(shown).parent)))
    if not parent.is_dir():
        raise InvalidInput(msg("no folder {folder} to write {path} in: make it first, or "
                               "give another place", folder=str(Path(shown).parent),
                               path=shown))
    if not folder and suffix and path.suffix.lower() != suffix:
        raise UsageError(msg("{path}: the file's name must end in {suffix}", path=shown,
                             suffix=suffix))
    return path


def private_dir(path: Path) -> Path:
    """The output folder ``path``, created owner-only when missing; never a symbolic link."""
    _refuse_link(path)
    if path.exists() and not path.is_dir():
        raise InvalidInput(msg("{path} exists and is not a folder", path=str(path)))
    files.make_dirs(path)
    _refuse_link(path)
    return path


def write_private(path: Path, data: bytes, *, overwrite: bool = True) -> Path:
    """Write ``data`` to ``path``, owner-only, atomically; refuse a symbolic link."""
    _refuse_link(path)
    if path.exists():
        if not overwrite:
            raise Exists(msg("{path} exists and is not overwritten", path=str(path)))
        if not path.is_file():
            raise InvalidInput(msg("{path} exists and is not a file", path=str(path)))
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.partial")
    with files.named_as(path, tmp):
        fd = files.create(tmp)
    try:
        with files.named_as(path, tmp), os.fdopen(fd, "wb") as out:
            fd = -1
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        with files.named_as(path, tmp):
            if overwrite:
                os.replace(tmp, path)
            else:
                try:
                    os.link(tmp, path)  # fails if the destination appeared meanwhile
                except FileExistsError:
                    raise Exists(msg("{path} exists and is not overwritten",
                                     path=str(path))) from None
                finally:
                    tmp.unlink(missing_ok=True)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    return path
