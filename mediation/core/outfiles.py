"""Writing output files: owner-only (0600), never through a symbolic link.

Every document, case file and PDF the program writes goes through here (one rule in one place):

- ``private_dir(path)`` makes an output folder (0700 when it creates it) and refuses a folder
  that is a symbolic link.
- ``write_private(path, data)`` writes the bytes to a new temporary name in the same folder,
  created exclusively (``O_CREAT | O_EXCL | O_NOFOLLOW``, mode 0600), then renames it over the
  destination; a destination that is a symbolic link is refused, so a planted link never sends
  the content elsewhere. With ``overwrite=False`` an existing destination is refused too (a
  frozen case file's documents are never overwritten).

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
from mediation.core.errors import InvalidInput
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
    fd = files.create(tmp)
    try:
        with os.fdopen(fd, "wb") as out:
            fd = -1
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
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
