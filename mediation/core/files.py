"""Files at rest: created owner-only, never written through a link. One helper for every output.

The database, its ``-wal``/``-shm`` (SQLite gives them the database file's mode), backups, the
nightly export and the monthly report hold personal data. Everything we create is readable by its
owner only (files 0600, folders 0700), or by the owner's group too when it is created in a
*shared group directory*: a folder with the setgid bit, as docs/deploy.md recommends for a
database several OS users share (mode 2770: files 0660, folders 2770).

An output is never opened through a symbolic link: a destination or temporary name that is a link
is refused, and every file is created exclusively (``O_CREAT | O_EXCL | O_NOFOLLOW``), so a link
planted at the name, or a file put there meanwhile, makes the write fail instead of going where
it points. :func:`write_atomically` writes a temporary ``NAME.partial`` that way and renames it
into place (a rename replaces a name, never follows it).

A file a command writes where the user said (``--out``, a backup's FILE) never replaces one
that is there unless the user said ``--force``: :func:`refuse_existing`, the one rule, checked by
every such command before it does anything, and by :func:`write_atomically` (``replace=False``)
as it writes.

What it does not cover: files other programs create (``pg_dump``'s own temporary files, a
spreadsheet's lock file), a folder an administrator made readable on purpose (we create folders
private, we never loosen or tighten existing ones), and PostgreSQL's data files.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from mediation.core.errors import InvalidInput
from mediation.core.i18n import Msg, msg


class Exists(InvalidInput):
    """The destination exists and may not be overwritten (exit 1)."""


def refuse_existing(path: Path, *, force: bool) -> None:
    """The one rule for a file (or a folder of files) written where the user said: one that
    exists already is replaced only with ``--force``; else one line, exit 1, nothing written.
    A symbolic link there is refused, ``--force`` or not (:func:`refuse_link`)."""
    refuse_link(path)
    if not force and path.exists():
        raise Exists(msg("{path} exists; give --force to overwrite it", path=str(path)))


PRIVATE_FILE, PRIVATE_DIR = 0o600, 0o700
GROUP_FILE, GROUP_DIR = 0o660, 0o2770
PARTIAL = ".partial"


def not_readable(path: Path) -> Msg | None:
    """Why ``path``, given as a file to read (a case, an import, a backup), cannot be read as
    one, or None: the one check of every input file, which tells a folder from a missing file
    (``--file /tmp`` is a folder, not a file)."""
    if path.is_dir():
        return msg("{file} is a folder, not a file", file=str(path))
    if not path.is_file():
        return msg("no such file: {file}", file=str(path))
    return None


def _existing(folder: Path) -> Path:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def shared_group_dir(folder: Path) -> bool:
    """Whether ``folder`` (or, when it does not exist yet, its nearest existing ancestor) is a
    shared group directory: it has the setgid bit, so what is created inside is the group's."""
    try:
        return bool(_existing(folder).stat().st_mode & stat.S_ISGID)
    except OSError:
        return False


def file_mode(folder: Path) -> int:
    """The mode of a file we create in ``folder``: 0600, or 0660 in a shared group directory."""
    return GROUP_FILE if shared_group_dir(folder) else PRIVATE_FILE


def dir_mode(parent: Path) -> int:
    """The mode of a folder we create in ``parent``: 0700, or 2770 in a shared group one."""
    return GROUP_DIR if shared_group_dir(parent) else PRIVATE_DIR


def make_dirs(folder: Path) -> None:
    """Create ``folder`` and its missing parents, each owner-only (or shared-group, see
    :func:`dir_mode`); folders that exist are left as they are."""
    missing = []
    at = folder
    while not at.exists() and at != at.parent:
        missing.append(at)
        at = at.parent
    for d in reversed(missing):
        mode = dir_mode(d.parent)
        try:
            os.mkdir(d, mode)
        except FileExistsError:
            continue
        os.chmod(d, mode)  # the umask may have taken bits away, or setgid off
    if not folder.is_dir():
        raise InvalidInput(msg("{path} is not a folder", path=str(folder)))


def make_dir(folder: Path) -> None:
    """Create one new folder, owner-only (refused if the name exists, a link included)."""
    refuse_link(folder)
    mode = dir_mode(folder.parent)
    os.mkdir(folder, mode)
    os.chmod(folder, mode)


def refuse_link(path: Path) -> None:
    """Refuse to write at ``path`` when it is a symbolic link (exit 1, nothing written)."""
    if path.is_symlink():
        raise InvalidInput(msg("{path} is a symbolic link; refusing to write through it "
                               "(remove the link or choose another name)", path=str(path)))


def create(path: Path, mode: int | None = None) -> int:
    """A new file at ``path`` opened for writing: created exclusively, never through a link,
    with ``mode`` (default :func:`file_mode` of its folder). Returns the descriptor."""
    refuse_link(path)
    mode = file_mode(path.parent) if mode is None else mode
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) \
        | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, mode)
    except FileExistsError:
        raise InvalidInput(msg("{path} exists; choose another name", path=str(path))) from None
    os.fchmod(fd, mode)  # exactly this mode, whatever the umask
    return fd


def open_new(path: Path, mode: int | None = None) -> BinaryIO:
    """:func:`create` as a binary file object."""
    return os.fdopen(create(path, mode), "wb")


def clear_partial(tmp: Path) -> None:
    """Remove a temporary ``….partial`` file an interrupted run left; refuse a link there."""
    refuse_link(tmp)
    if tmp.exists():
        tmp.unlink()


@contextmanager
def named_as(dest: Path, tmp: Path) -> Iterator[None]:
    """While writing ``dest`` through its temporary ``tmp``: an OSError about ``tmp`` (it
    cannot be created, written or renamed) names ``dest``, the path the user gave, so the
    refusal (cli/main ``_os_error``: 无法使用 FILE：REASON) never shows a temporary name."""
    try:
        yield
    except OSError as exc:
        if exc.filename is not None and os.fsdecode(exc.filename) == str(tmp):
            exc.filename = str(dest)
            exc.filename2 = None
        raise


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(dest: Path, write: Callable[[BinaryIO], object] | bytes, *,
                     replace: bool = True, mode: int | None = None,
                     parents: bool = True) -> int:
    """Write ``dest`` through ``dest.partial`` (created exclusively, owner-only), fsynced and
    renamed into place. ``write`` is the bytes, or a function writing to the file. A ``dest``
    or ``dest.partial`` that is a link is refused; an existing ``dest`` is replaced only when
    ``replace``. ``mode`` overrides :func:`file_mode` (a token file is 0600 even in a shared
    group directory). ``parents=False`` refuses a ``dest`` whose folder does not exist
    (a file the user named with ``--out``: a mistyped folder is a mistake to report, not
    to create). Returns the number of bytes written."""
    refuse_link(dest)
    if not parents and not dest.parent.is_dir():
        if dest.parent.exists():
            raise InvalidInput(msg("{path} is not a folder", path=str(dest.parent)))
        raise InvalidInput(msg("no such folder: {path}", path=str(dest.parent)))
    refuse_existing(dest, force=replace)
    make_dirs(dest.parent)
    tmp = dest.with_name(dest.name + PARTIAL)
    with named_as(dest, tmp):
        clear_partial(tmp)
        fh = open_new(tmp, mode)
    try:
        with named_as(dest, tmp), fh:
            if isinstance(write, bytes):
                fh.write(write)
            else:
                write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        refuse_link(dest)
        with named_as(dest, tmp):
            os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)  # ours: created exclusively above
        raise
    fsync_dir(dest.parent)
    return dest.stat().st_size
