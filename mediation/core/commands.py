"""What a step is asked to do, one typed, frozen command per trigger of the workflow, and what
it did (:class:`StepDone`).

The CLI and the library's callers pass a step's inputs as keyword arguments to its service
(``mediation.steps``), which builds the trigger's command; the guards of the transition table
(``mediation.workflow``) read the command's fields, so a misspelt input fails at type-check time,
not as a silently missing key. The defaults are what a step means when an input is left out;
whether the step may then happen is the guards' decision, never the command's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class Command:
    """The inputs of one trigger; ``trigger`` names the row of the transition table."""

    trigger: ClassVar[str]


@dataclass(frozen=True, slots=True)
class Accept(Command):
    trigger: ClassVar[str] = "accept"


@dataclass(frozen=True, slots=True)
class Decline(Command):
    trigger: ClassVar[str] = "decline"
    reason: str | None = None
    advice: str | None = None


@dataclass(frozen=True, slots=True)
class Mediate(Command):
    trigger: ClassVar[str] = "mediate"
    mediator: str | None = None
    co_mediators: tuple[str, ...] = ()
    rights_notified: bool = False


@dataclass(frozen=True, slots=True)
class Session(Command):
    trigger: ClassVar[str] = "session"
    minutes: str | None = None
    place: str | None = None
    attendees: str | None = None


@dataclass(frozen=True, slots=True)
class Schedule(Command):
    """约定下次调解: the next session agreed with the parties (``when``, naive UTC), or none."""

    trigger: ClassVar[str] = "schedule"
    when: datetime | None = None
    place: str | None = None
    note: str | None = None
    cancel: bool = False


@dataclass(frozen=True, slots=True)
class Extend(Command):
    trigger: ClassVar[str] = "extend"
    days: int | None = None
    reason: str | None = None
    consent: bool = False


@dataclass(frozen=True, slots=True)
class Agree(Command):
    trigger: ClassVar[str] = "agree"
    terms: str | None = None
    written: bool = True
    amount: Decimal | None = None
    due: date | None = None


@dataclass(frozen=True, slots=True)
class Terminate(Command):
    trigger: ClassVar[str] = "terminate"
    reason: str | None = None
    advice: str | None = None


@dataclass(frozen=True, slots=True)
class Confirm(Command):
    trigger: ClassVar[str] = "confirm"


@dataclass(frozen=True, slots=True)
class Judicial(Command):
    """A filing (``court``, ``filed_on``) or, with ``result``, the court's decision on it."""

    trigger: ClassVar[str] = "judicial"
    court: str | None = None
    filed_on: date | None = None
    result: str | None = None
    decided_on: date | None = None


@dataclass(frozen=True, slots=True)
class Feedback(Command):
    """反馈: the outcome was reported back to whoever brought the dispute."""

    trigger: ClassVar[str] = "feedback"
    to: str | None = None
    channel: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Close(Command):
    """结案归档: the case is closed and filed."""

    trigger: ClassVar[str] = "close"
    reason: str | None = None  # a director's, to close an agreement not fully performed


@dataclass(frozen=True, slots=True)
class Remediate(Command):
    trigger: ClassVar[str] = "remediate"
    reason: str | None = None
    consent: bool = False


@dataclass(frozen=True, slots=True)
class Prevent(Command):
    trigger: ClassVar[str] = "prevent"
    kind: str | None = None
    persons: int | None = None


@dataclass(frozen=True, slots=True)
class Assign(Command):
    trigger: ClassVar[str] = "assign"
    mediator: str | None = None
    co_mediators: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Visit(Command):
    """回访: one follow-up visit (a case may have several)."""

    trigger: ClassVar[str] = "visit"
    satisfaction: str | None = None
    performance: str | None = None
    visitor: str | None = None
    visited: str | None = None
    measures: str | None = None
    escalation: str | None = None
    lawsuit: bool = False
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Urge(Command):
    """督促履行: a party is urged to perform the agreement."""

    trigger: ClassVar[str] = "urge"
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Recuse(Command):
    """回避: a party asks for another mediator; the lead mediator is replaced."""

    trigger: ClassVar[str] = "recuse"
    party: str | None = None
    reason: str | None = None
    mediator: str | None = None


@dataclass(frozen=True, slots=True)
class ReportPolice(Command):
    """A dispute likely to turn criminal reported to the police (Law art. 25)."""

    trigger: ClassVar[str] = "police"
    to: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Withdraw(Command):
    """The applicant withdraws the application before it is accepted (not a decline)."""

    trigger: ClassVar[str] = "withdraw"
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Amend(Command):
    """A correction of a registered case: the names of the fields it changes (``parties`` for
    any party added, edited or removed) and why."""

    trigger: ClassVar[str] = "amend"
    fields: tuple[str, ...] = ()
    reason: str | None = None


COMMANDS: dict[str, type[Command]] = {
    c.trigger: c
    for c in (Accept, Decline, Mediate, Session, Extend, Agree, Terminate, Confirm, Judicial,
              Feedback, Close, Remediate, Prevent, Assign, Recuse, ReportPolice, Withdraw,
              Amend, Visit, Urge, Schedule)
}



@dataclass(frozen=True, slots=True)
class StepDone:
    """What a recorded step did: the case, its state and version after it, and its event."""

    id: int
    number: str
    state: str
    version: int
    event: int
    # What the table's warning checks said (workflow.warnings), in the user's language.
    warnings: tuple[str, ...] = field(default=(), kw_only=True)
    # Who recorded it, as named to people (``Actor.label``), when they signed in (a session or
    # token); None where MEDIATION_USER only names them (a committee without sign-in).
    by: str | None = field(default=None, kw_only=True)


@dataclass(frozen=True, slots=True)
class Assigned(StepDone):
    """``assign``: the mediators now appointed."""

    lead_mediator: str
    co_mediators: list[str]
