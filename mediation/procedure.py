"""The rules of the procedure a committee may adjust (``workflow.SETTINGS``) and the numbering
its province gives the dispute categories: ``mediation procedure show|set``.

Stored as per-committee settings rows (like the calendar); each change is a ``procedure_set``
event with before and after values. The rules themselves, their defaults and their legal basis
are in ``mediation/workflow/settings.py``; docs/settings.md says what each one does.
"""

from __future__ import annotations

from typing import Any

from mediation import workflow
from mediation.access.policy import Actor, require
from mediation.core import categories
from mediation.core.changes import Changes, record
from mediation.core.errors import InvalidInput
from mediation.core.i18n import N_, msg
from mediation.db import casestore, eventlog, settings
from mediation.db.storage import UnitOfWork

NUMBERING = "numbering"  # the setting naming a file of data/numbering/ (None: the program's)


def numbering_of(uow: UnitOfWork, committee_id: int) -> str | None:
    """The province numbering the committee chose (a name in data/numbering/), or None."""
    return settings.get(uow, settings.procedure_key(NUMBERING, committee_id)) or None


def view(uow: UnitOfWork, committee_id: int) -> dict[str, Any]:
    values = casestore.procedure_settings(uow, committee_id)
    out: dict[str, Any] = {st.name: getattr(values, st.name) for st in workflow.SETTINGS}
    out[NUMBERING] = numbering_of(uow, committee_id)
    return out


def show(uow: UnitOfWork, actor: Actor) -> dict[str, Any]:
    require(actor, "case.read")  # whoever reads the committee's cases reads its rules
    return view(uow, actor.committee_id)


def set_procedure(uow: UnitOfWork, actor: Actor, *, numbering: str | None = None,
                  **values: int | bool | None) -> dict[str, Any]:
    """Change some of the committee's rules (directors; recorded). ``numbering``: the name of a
    file in data/numbering/, or ``""`` for the program's own codes."""
    require(actor, "committee.settings")
    before = view(uow, actor.committee_id)
    changes: Changes = {}
    for name, value in values.items():
        if value is None:
            continue
        st = workflow.setting(name)  # KeyError: a caller's mistake, not the user's
        if isinstance(st.default, bool) != isinstance(value, bool):
            raise InvalidInput(msg("{setting} is on or off", setting=workflow.named(name))
                               if isinstance(st.default, bool)
                               else msg("{setting} takes a number",
                                        setting=workflow.named(name)))
        if not isinstance(value, bool) and not st.low <= value <= st.high:
            raise InvalidInput(msg("{setting} must be from {low} to {high}",
                                   setting=workflow.named(name), low=st.low, high=st.high))
        if record(changes, f"procedure_{name}", before[name], value):
            stored = ("1" if value else "0") if isinstance(value, bool) else str(value)
            settings.put(uow, settings.procedure_key(name, actor.committee_id), stored)
    if numbering is not None:
        chosen = numbering.strip() or None
        if chosen is not None:
            categories.numbering(chosen)  # InvalidInput naming what is wrong with the file
        if record(changes, "procedure_numbering", before[NUMBERING], chosen):
            settings.put(uow, settings.procedure_key(NUMBERING, actor.committee_id),
                         chosen or "")
    if changes:
        eventlog.append(uow.session, at=uow.now(), actor=actor.username, role=actor.role,
                        action="procedure_set", committee_id=actor.committee_id,
                        changes=changes)
    return {**view(uow, actor.committee_id), "changed": sorted(changes)}


# Display names of the event this module records and of its changed fields (history, audit).
EVENT_NAMES = (N_("trigger.procedure_set"), N_("field.procedure_extension_days"),
               N_("field.procedure_extensions"), N_("field.procedure_agree_needs_session"),
               N_("field.procedure_close_needs_visit"),
               N_("field.procedure_numbering"))
