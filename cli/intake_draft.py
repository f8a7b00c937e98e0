"""The guided intake's draft: what was typed survives Ctrl-C (or end of input).

Interrupted, ``case new`` (or ``lead accept LEAD``'s guided intake) keeps the answers given so far
in a draft, says where in one line and exits 130; the next ``case new`` (``lead accept LEAD``) at
a terminal on the same database, by the same staff member, offers to continue it
("上次未完成的登记，是否继续？"). The
draft is deleted once the case is written, when the clerk declines to continue it or decides not
to register a probable duplicate. A cancel at the summary (n) keeps it, says where and how to
continue or discard it, and exits 1 (a deliberate cancel, not an interruption); continued, it
opens at the summary, as a draft interrupted there does.

The draft holds personal data (names, ID numbers, phones) as typed: it is a private file (0600,
even in a shared group directory; folder 0700) under the user's data folder
(``$XDG_DATA_HOME/mediation/drafts``, or ``MEDIATION_DRAFTS``), written through
core/files.py (never through a link), one per database and staff member (named by a hash of
the database's URL, which may hold a password, the committee and the user name of who signed in:
a draft belongs to whoever typed it; another member signed in on the same operating-system
account is never offered it nor told what it holds), and never in the database or the event log
(docs/access.md). A draft of an earlier version, named by the database alone, has no known owner:
it is deleted, said in one line, and offered to nobody.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import typer

from cli import render
from cli.asking import yes
from cli.main import INTERRUPTED_EXIT
from mediation.core import files, paths
from mediation.core.i18n import _

if TYPE_CHECKING:
    from mediation.access.policy import Actor


class Typed(Protocol):
    def state(self) -> dict[str, Any] | None:
        """What was typed so far (JSON), or None when nothing was."""


def folder() -> Path:
    return paths.user_path("data", "drafts", env="MEDIATION_DRAFTS")


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:16]


def _private_folder(where: Path) -> None:
    """The drafts' folder, owner-only (0700) even in a shared group directory: the names of
    the files in it are nobody else's business either. One we own that others may enter is
    made owner-only again."""
    files.make_dirs(where.parent)
    try:
        os.mkdir(where, files.PRIVATE_DIR)
    except FileExistsError:
        pass
    st = where.stat()
    if st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) != files.PRIVATE_DIR:
        os.chmod(where, files.PRIVATE_DIR)


def _text_or_none(v: object) -> bool:
    return v is None or isinstance(v, str)


def _party_ok(p: object) -> bool:
    if not isinstance(p, dict) or not isinstance(p.get("role"), str):
        return False
    nested = ("guardian", "representative")  # each a record of its own, of text
    return all(_text_or_none(v) for k, v in p.items() if k not in nested) and all(
        p.get(k) is None or (isinstance(p[k], dict) and all(
            _text_or_none(v) for v in p[k].values())) for k in nested)


def readable(state: object) -> bool:
    """Whether ``state`` has the shape the guided intake's form saves (Form.state): its
    values are checked again, as every answer is, when the record is confirmed."""
    if not isinstance(state, dict):
        return False
    record, parties, current = state.get("record"), state.get("parties"), state.get("current")
    return (isinstance(record, dict) and all(_text_or_none(v) for v in record.values())
            and isinstance(parties, list) and all(_party_ok(p) for p in parties)
            and (current is None or _party_ok(current)))


class Draft:
    """The draft of the guided intake of one staff member (``owner``) on one database."""

    def __init__(self, db_url: str, owner: Actor, lead: int | None = None) -> None:
        """``lead``: the draft of ``lead accept LEAD``'s guided intake, one per lead, apart from
        ``case new``'s (a case taken from a lead is registered only by taking that lead)."""
        digest = _digest(db_url, str(owner.committee_id), owner.username)
        self.path = folder() / (f"intake-{digest}.json" if lead is None
                                else f"lead-{lead}-{digest}.json")
        unowned = _digest(db_url)  # an earlier version's name: the database alone
        self.unowned = folder() / (f"intake-{unowned}.json" if lead is None
                                   else f"lead-{lead}-{unowned}.json")
        self.resume = "mediation case new" if lead is None else f"mediation lead accept {lead}"
        self.form: Typed | None = None

    def offer(self) -> dict[str, Any] | None:
        """A draft left by an interrupted intake, if the clerk continues it; a declined or
        unreadable one is deleted. An earlier version's draft, whose owner is unknown, is
        deleted unread and offered to nobody."""
        if self.unowned.is_file():
            self.unowned.unlink(missing_ok=True)
            render.err(_("An unfinished intake kept by an earlier version, whose owner is "
                         "not known, is deleted unread.") + "\n")
        if not self.path.is_file():
            return None
        try:
            state = json.loads(self.path.read_bytes().decode("utf-8"))
        except (OSError, ValueError):
            state = None
        if not readable(state):
            render.err(_("The draft {path} cannot be read; it is deleted.",
                         path=str(self.path)) + "\n")
            self.discard()
            return None
        if yes(_("An intake was left unfinished last time. Continue it?"), default=True):
            return dict(state)
        self.discard()
        return None

    def watch(self, form: Typed) -> None:
        """The form whose answers an interruption keeps."""
        self.form = form

    def save(self, state: dict[str, Any]) -> None:
        _private_folder(self.path.parent)
        files.write_atomically(self.path, json.dumps(state, ensure_ascii=False).encode(),
                               mode=files.PRIVATE_FILE)

    def discard(self) -> None:
        self.form = None
        self.path.unlink(missing_ok=True)
        self.path.with_name(self.path.name + files.PARTIAL).unlink(missing_ok=True)

    def cancelled(self, form: Typed) -> None:
        """The clerk cancelled at the summary (n): what was typed is kept all the same (a
        cancel by mistake loses nothing), said in one line with how to continue or discard it;
        the next intake offers it at the summary."""
        state = form.state()
        self.form = None  # not saved again on the way out
        if state is None:
            return
        self.save(state)
        render.err(_("What was typed is kept in {path}: `{command}` continues it; answer n "
                     "there to discard it.", path=str(self.path), command=self.resume) + "\n")

    @contextmanager
    def kept(self) -> Iterator[None]:
        """Ctrl-C or end of input inside: the answers typed so far saved, where said in one
        line, exit 130. With nothing typed (or after a cancel), the usual cancel."""
        try:
            yield
        except (KeyboardInterrupt, typer.Abort):
            state = self.form.state() if self.form is not None else None
            if state is None:
                raise typer.Abort() from None
            self.save(state)
            render.err("\n" + _("cancelled; nothing was registered. What was typed is kept in "
                                "{path}; `{command}` continues it.", path=str(self.path),
                                command=self.resume) + "\n")
            raise typer.Exit(INTERRUPTED_EXIT) from None
