"""THE state machine of a mediation case: every rule of the workflow is in this package.

The transition table below lists, for each trigger, the states it may be fired from, the state it
leads to (``None``: the case stays where it is and the step is recorded), the guards that must
hold, and the legal basis (DOMAIN.md §1). One ``transitions.Machine`` is built from it once per
process with ``model=None`` and ``auto_transitions=False``; a case is bound only for the duration
of one trigger (the machine fires its event against a small :class:`Subject`), so the number of
models the machine holds never grows.

This module knows nothing about SQL or terminals. The services build a :class:`Subject` (the
facts the guards read) and pass the step's command (``mediation.core.commands``: one typed,
frozen class per trigger); :func:`fire` returns the destination state or raises
:class:`~mediation.core.errors.Refused` naming the case, its state, what was asked, why not and
what is allowed now.

Rules marked ≈ in DOMAIN.md come from secondary sources. The rules a committee may adjust are the
named settings of :data:`SETTINGS` (their defaults are the constants right below); a committee's
values reach the guards on the :class:`Subject` (``settings``), set with ``mediation procedure
set`` (docs/settings.md).

The package's modules: ``table.py`` (the transition table, the machine), ``replay.py`` (the
replay of a case's recorded steps, and the steps an earlier table recorded), ``guards.py`` (the
guards the table names, and :class:`Subject`, the facts they read), ``settings.py`` (what a
committee may adjust, and the law's fixed periods), ``dates.py`` (when a step happened: late
entries). This module is their one public face: the names below are
what the services, the CLI and the tools use as ``workflow.NAME``.
"""

from __future__ import annotations

from mediation.workflow.dates import (
    CORRECTIONS,
    LATE_ENTRY_DAYS,
    MAX_LATE_ENTRY_DAYS,
    PLANS,
    RECORDS,
    REGISTRATION,
    UNTIMED,
    DatedInput,
    appointment_holds,
    dated_input_problem,
    earliest,
    occurrence,
    occurrence_problem,
    registration_problem,
    renumbering,
    session_order,
)
from mediation.workflow.guards import (
    AGREEMENT_FIELDS,
    AMENDABLE,
    Guard,
    Subject,
    closable,
    ready_to_close,
)
from mediation.workflow.judicial import judicial_window_end
from mediation.workflow.replay import (
    LEGACY_STEPS,
    Replay,
    legacy_feedback,
)
from mediation.workflow.settings import (
    CONCLUSION_DAYS,
    DUPLICATE_WINDOW_DAYS,
    JUDICIAL_WINDOW_DAYS,
    MAX_EXTENSION_DAYS,
    MAX_EXTENSIONS,
    NAMED,
    SETTINGS,
    Setting,
    Settings,
    named,
    setting,
    setting_name,
)
from mediation.workflow.table import (
    CASE_GUARDS,
    CONCLUDED,
    FINAL,
    FINISHED,
    GUARD_FACTS,
    INITIAL,
    OPEN_STATES,
    ROW_FACTS,
    TRANSITIONS,
    TRIGGERS,
    Transition,
    allowed_now,
    allowed_triggers,
    facts,
    fire,
    machine,
    mermaid,
    offer_facts,
    transition,
    warnings,
)

__all__ = [
    "AGREEMENT_FIELDS",
    "AMENDABLE",
    "CASE_GUARDS",
    "CONCLUDED",
    "CONCLUSION_DAYS",
    "CORRECTIONS",
    "DUPLICATE_WINDOW_DAYS",
    "FINAL",
    "FINISHED",
    "GUARD_FACTS",
    "INITIAL",
    "JUDICIAL_WINDOW_DAYS",
    "LATE_ENTRY_DAYS",
    "LEGACY_STEPS",
    "MAX_EXTENSIONS",
    "MAX_EXTENSION_DAYS",
    "MAX_LATE_ENTRY_DAYS",
    "NAMED",
    "OPEN_STATES",
    "PLANS",
    "RECORDS",
    "REGISTRATION",
    "ROW_FACTS",
    "SETTINGS",
    "TRANSITIONS",
    "TRIGGERS",
    "UNTIMED",
    "DatedInput",
    "Guard",
    "Replay",
    "Setting",
    "Settings",
    "Subject",
    "Transition",
    "allowed_now",
    "allowed_triggers",
    "appointment_holds",
    "closable",
    "dated_input_problem",
    "earliest",
    "facts",
    "fire",
    "judicial_window_end",
    "legacy_feedback",
    "machine",
    "mermaid",
    "named",
    "occurrence",
    "occurrence_problem",
    "offer_facts",
    "ready_to_close",
    "registration_problem",
    "renumbering",
    "session_order",
    "setting",
    "setting_name",
    "transition",
    "warnings",
]
