"""``mediation db check``: every integrity check of the database (``mediation.db.maintenance``)
and the whole audit chain (``mediation.audit.verify``), each with its verdict (none raises).

It lives above the database layer because it needs both: the database layer never imports the
audit (the import contracts in pyproject.toml).
"""

from __future__ import annotations

from mediation import audit
from mediation.core.i18n import msg
from mediation.db.maintenance import Check, database_checks
from mediation.db.storage import UnitOfWork


def check(uow: UnitOfWork) -> list[Check]:
    """Every integrity check: the database's, then the audit chain's."""
    return [*database_checks(uow), audit_chain(uow)]


def audit_chain(uow: UnitOfWork) -> Check:
    """The whole hash chain and every case file, by :func:`mediation.audit.verify`
    (docs/audit.md)."""
    result = audit.verify(uow)
    first = result.first
    if first is None:
        return Check("audit_chain", True, f"{result.events} events, chain intact",
                     msg("{count} events, chain intact", count=result.events))
    return Check("audit_chain", False, f"seq {first.seq}: {first.kind.value}: "
                                       f"{first.detail.render()}")
