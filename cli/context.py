"""What every command needs: the database, the acting user, and one unit of work."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import typer

if TYPE_CHECKING:
    from mediation.access.acting import Credentials
    from mediation.access.policy import Actor
    from mediation.db.storage import UnitOfWork

T = TypeVar("T")


@dataclass
class Env:
    db: str | None
    user: str | None
    token_file: str | None = None

    def url(self) -> str:
        from mediation.db.engines import database_url

        return database_url(self.db)

    @contextmanager
    def uow(self, *, write: bool = True, need_schema: bool = True) -> Iterator[UnitOfWork]:
        from mediation.db.engines import engine_for, existing_engine, require_schema
        from mediation.db.storage import unit_of_work

        engine = existing_engine(self.url()) if need_schema else engine_for(self.url())
        if need_schema:
            require_schema(engine)
        with unit_of_work(engine, write=write) as uow:
            yield uow

    def credentials(self) -> Credentials:
        """What this command presents: a token (--token-file / MEDIATION_TOKEN_FILE, else the
        session file written by ``mediation login``) and the user name (--user)."""
        from pathlib import Path

        from mediation.access import acting

        if self.token_file:
            token = acting.read_private(Path(self.token_file).expanduser())
            return acting.Credentials(user=self.user, token=token)
        return acting.Credentials(user=self.user, token=acting.load_session(self.url()),
                                  session=True)

    def actor(self, uow: UnitOfWork) -> Actor:
        """Who is acting: decided by ``acting.actor_for`` (the one resolver) from
        :meth:`credentials`."""
        from mediation.access import acting

        return acting.resolve(uow, self.credentials())

    @staticmethod
    def use_calendar(uow: UnitOfWork, actor: Actor) -> None:
        """Read the acting committee's calendar once for this command (settings, memoised in
        the unit of work, so the command's own rules read it without another statement) and
        make it the one every time is shown and read in (clock.use, output.local_time)."""
        from mediation.core import clock
        from mediation.db import settings  # calendars.of, without the workflow it imports

        clock.use(settings.calendar(uow, actor.committee_id))

    def act(self, fn: Callable[..., T], *args: Any, write: bool = True, snapshot: bool = True,
            **kwargs: Any) -> T:
        """Resolve the actor, call ``fn(uow, actor, *args, **kwargs)``, commit if writing
        (``snapshot=False``: a read whose statements need not share a snapshot, UnitOfWork).

        The whole unit of work (actor included) re-runs on a transient failure: a PostgreSQL
        serialization failure or deadlock, or a case changed under us (storage.transaction).
        """
        from mediation.db.engines import existing_engine, require_schema
        from mediation.db.storage import transaction

        engine = existing_engine(self.url())
        require_schema(engine)

        def once(uow: UnitOfWork) -> T:
            actor: Actor = self.actor(uow)
            self.use_calendar(uow, actor)
            return fn(uow, actor, *args, **kwargs)

        # A write reads first (UnitOfWork): who acts, and a workflow step up to its
        # compare-and-set, are read before the SQLite write lock is taken (issue 18).
        return transaction(engine, once, write=write, snapshot=snapshot, read_first=write)


def env(ctx: typer.Context) -> Env:
    obj = ctx.find_root().obj
    assert isinstance(obj, Env)
    return obj
