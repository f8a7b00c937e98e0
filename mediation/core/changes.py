"""THE rule of a change to a recorded value (issue 14, a clerk's trial: ``staff name liming 李明``
to the name it already had said it was corrected, and the audit log showed ``用户名：李明 → 李明``).

A value set to what it already is, is no change: nothing is recorded, nothing written, and the
command says so and succeeds (exit 0). Every setter that records a field's value before and after
(``staff name/role/disable``, ``committee rename``, ``calendar set``, ``procedure set``,
``retention set``) records it here; a case's fields in a step follow the same rule
(``step_machinery.set_field``), and ``case amend`` to the values the case holds raises
:class:`~mediation.core.errors.Unchanged`, which the command says and exits 0 on.
Pure: no database.
"""

from __future__ import annotations

from typing import Any

# What an event records as changed: each field's [before, after].
Changes = dict[str, list[Any]]


def record(changes: Changes, field: str, before: Any, after: Any) -> bool:
    """Record ``field`` changing from ``before`` to ``after`` in ``changes`` (as
    ``[before, after]``) when they differ; whether it did. Equal values record nothing."""
    if before == after:
        return False
    changes[field] = [before, after]
    return True
