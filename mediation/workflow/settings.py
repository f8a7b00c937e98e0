"""The rules of the workflow a committee may adjust (``mediation procedure set``,
docs/settings.md): each with its default, bounds and legal basis; and the fixed periods of the
law the guards apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mediation.core.i18n import N_, Msg, msg

CONCLUSION_DAYS = 30  # Rules art. 33: mediation normally concludes within one month of acceptance
JUDICIAL_WINDOW_DAYS = 30  # Law art. 33: joint application within 30 days of the agreement's effect
# Local practice, not the 2002 Rules (which set only the one month, art. 33): one consented
# extension of up to a further month, applied for before the period ends.
MAX_EXTENSION_DAYS = 30
MAX_EXTENSIONS = 1
DUPLICATE_WINDOW_DAYS = 90  # same parties and category within this many days: probable duplicate


@dataclass(frozen=True)
class Setting:
    """One rule a committee may adjust: its name (``mediation procedure set --NAME``), default,
    bounds (numbers), what it does and where it comes from."""

    name: str
    default: int | bool
    help: str
    basis: str
    low: int = 0
    high: int = 0


SETTINGS: tuple[Setting, ...] = (
    Setting("extension_days", MAX_EXTENSION_DAYS,
            N_("How many days one consented extension may add at most."),
            N_("local practice, not the 2002 Rules"), 1, 90),
    Setting("extensions", MAX_EXTENSIONS,
            N_("How many consented extensions a case may have (0: none)."),
            N_("local practice, not the 2002 Rules"), 0, 3),
    Setting("agree_needs_session", True,
            N_("Whether an agreement needs at least one recorded mediation session."),
            N_("Law arts. 22, 27-28")),
    Setting("close_needs_visit", True,
            N_("Whether a case is closed and filed only after at least one follow-up visit."),
            N_("Law art. 31; Rules art. 36 ≈ (follow-up before filing)")),
)


@dataclass(frozen=True)
class Settings:
    """A committee's values of :data:`SETTINGS` (the defaults unless it changed them)."""

    extension_days: int = MAX_EXTENSION_DAYS
    extensions: int = MAX_EXTENSIONS
    agree_needs_session: bool = True
    close_needs_visit: bool = True

    @classmethod
    def from_stored(cls, stored: dict[str, str]) -> Settings:
        """From the stored text values by setting name; a value that does not parse, or lies
        outside its bounds, is the default (a setting is checked when it is set)."""
        values: dict[str, Any] = {}
        for st in SETTINGS:
            raw = stored.get(st.name)
            if raw is None:
                continue
            if isinstance(st.default, bool):
                values[st.name] = raw == "1"
            elif raw.isdigit() and st.low <= int(raw) <= st.high:
                values[st.name] = int(raw)
        return cls(**values)


def setting(name_: str) -> Setting:
    for st in SETTINGS:
        if st.name == name_:
            return st
    raise KeyError(name_)


# Every setting a committee keeps (docs/settings.md's table, a row each), by the code messages
# name it by (``procedure set --NAME``'s NAME; the calendar's and retention's by their
# options), with the key its changes are recorded under in the log, whose name
# (``field.KEY``: 延期次数, 时区) is the setting's name wherever it is shown: the one list.
NAMED: dict[str, str] = {
    "zone": "calendar_zone",
    "holidays": "calendar_holidays",
    "late_entry_days": "late_entry_days",
    "retention_days": "retention_days",
    "extension_days": "procedure_extension_days",
    "extensions": "procedure_extensions",
    "agree_needs_session": "procedure_agree_needs_session",
    "close_needs_visit": "procedure_close_needs_visit",
    "numbering": "procedure_numbering",
}


def setting_name(code: str) -> Msg:
    """A setting's name alone (延期次数; extensions per case), for a label: KeyError for a
    code not in :data:`NAMED` (a caller's mistake)."""
    return msg(f"field.{NAMED[code]}")


def named(code: str) -> Msg:
    """THE way a message names a setting: under zh its name alone, ``设置“延期次数”``; under
    en its name and its code, ``setting "extensions per case" (extensions)``."""
    return msg("setting \"{name}\" ({code})", name=setting_name(code), code=code)
