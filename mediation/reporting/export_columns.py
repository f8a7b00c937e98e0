"""The nightly export's column dictionary (``字段说明.csv`` under zh, ``columns.csv`` under en):
one row per column of ``cases.csv``, ``events.csv`` and ``corrections.csv``: the file, the
column's code (its header), its Chinese and English names, what it holds, and the values it may
hold, each code with its Chinese name (issue 14).

Why the CSVs themselves keep their code header and coded values under every language: they are
the Bureau of Justice's machine contract (columns only ever added at the end, read by position
or by code; a header or a value that changed with the language of whoever ran the export would
break every reader of a committee that switched). The clerk opening them in WPS or Excel reads
this file beside them, written in the language of the export (docs/deploy.md, The nightly
export). Names come from the catalogues' ``field.*`` table (what case show calls the field)
where the column is that field, otherwise from a name of its own here; values from the
vocabularies' names (``state.*``, ``source.*`` …) and data/categories.json.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mediation.core import categories
from mediation.core.i18n import N_, get_language, msg, name
from mediation.core.vocab import Role, Source, State
from mediation.reporting import export_corrections, export_csv
from mediation.reporting import nightly_files as day_files

Values = Callable[[], list[tuple[str, str]]]  # (code, Chinese name) of each allowed value


def _kind(kind: str, codes: list[str]) -> Values:
    return lambda: [(c, name(kind, c, "zh")) for c in codes]


def _categories(reporting: bool) -> Values:
    return lambda: [(c.code, c.name("zh")) for c in categories.all_categories()
                    if not reporting or c.code == c.reporting_code]


STATES = _kind("state", [s.value for s in State])


@dataclass(frozen=True)
class Column:
    meaning: str  # an English message id, translated when written
    label: str | None = None  # a message id for the name; None: the field.* name of ``field``
    field: str | None = None  # the field.* entry it is named by (default: the column's code)
    values: Values | None = None


_WHEN = N_("when it happened, UTC (YYYY-MM-DDTHH:MM:SSZ); empty if not yet")
_STATE_WORDS = N_("the case's state")

CASES: dict[str, Column] = {
    "number": Column(N_("the case number, as (2026)龙人调字第12号")),
    "state": Column(N_("the case's state at the end of the day exported"), values=STATES),
    "category": Column(N_("the category code (data/categories.json), a local sub-category "
                          "included"), values=_categories(False)),
    "reporting_category": Column(N_("the national reporting category it is counted under"),
                                 label=N_("reporting category"), values=_categories(True)),
    "source": Column(N_("how the dispute came"), values=_kind("source", [s.value for s in Source])),
    "risk_level": Column(N_("the risk of escalation"),
                         values=_kind("risk", ["low", "medium", "high"])),
    "persons_involved": Column(N_("the number of persons involved")),
    "amount_yuan": Column(N_("the amount in dispute in yuan, two decimals; empty if none"),
                          field="amount"),
    "discovered_at": Column(_WHEN),
    "registered_at": Column(_WHEN),
    "accepted_at": Column(_WHEN),
    "declined_at": Column(_WHEN),
    "concluded_at": Column(_WHEN),
    "conclusion": Column(N_("how mediation ended; empty while it goes on"),
                         values=_kind("conclusion", ["agreement", "termination"])),
    "confirmed_at": Column(_WHEN),
    "closed_at": Column(_WHEN),
    "lead_mediator": Column(N_("the lead mediator's user name")),
    "applicants": Column(N_("the applicants, names masked (张某), separated by 、"),
                         label="party.applicant"),
    "respondents": Column(N_("the respondents, names masked (张某), separated by 、"),
                          label="party.respondent"),
    "withdrawn_at": Column(_WHEN),
    "reporting_category_name": Column(N_("the report form's name of the reporting category"),
                                      label=N_("reporting category name")),
    "province_code": Column(N_("the reporting category's code in the province's numbering the "
                               "committee loaded; empty if none"), label=N_("province code")),
    "fed_back_at": Column(N_("when the outcome was first fed back to the referring body, UTC; "
                             "empty before")),
}
_SEQ = Column(N_("the event's number in the log"), label=N_("sequence number"))
_RECORDED = Column(N_("when it was recorded, UTC"), label=N_("recorded at"))
_OCCURRED = Column(N_("when its step happened, UTC (earlier for a late entry)"),
                   label=N_("occurred at"))
_CASE = Column(N_("the case number; empty for an event of no case"), field="number")
_ACTOR = Column(N_("the user name of who did it"), label=N_("by whom"))
_ACTION = Column(N_("what was done: a step or a record kept (docs/audit.md)"),
                 label=N_("action"))
EVENTS: dict[str, Column] = {
    "seq": _SEQ, "at": _RECORDED, "occurred_at": _OCCURRED, "case": _CASE, "actor": _ACTOR,
    "role": Column(N_("the role they acted in"), values=_kind("role", [r.value for r in Role])),
    "action": _ACTION,
    "from_state": Column(_STATE_WORDS, label=N_("state before"), values=STATES),
    "to_state": Column(_STATE_WORDS, label=N_("state after"), values=STATES),
    "version": Column(N_("the case's version after the event")),
    "hash": Column(N_("the event's hash in the log's chain (docs/audit.md)"), label=N_("hash")),
}
CORRECTIONS: dict[str, Column] = {
    "seq": _SEQ, "recorded_at": _RECORDED, "occurred_at": _OCCURRED, "case": _CASE,
    "action": _ACTION,
    "kind": Column(N_("a step entered late, or a correction of the record"),
                   values=lambda: [("late_entry", msg("late entry").render("zh")),
                                   ("correction", msg("correction").render("zh"))]),
    "period": Column(N_("the month whose figures it touched (YYYY-MM)"),
                     label=N_("month touched")),
    "fields": Column(N_("the fields a correction changed (codes)"), label=N_("fields changed")),
    "actor": _ACTOR,
}
# Each CSV's columns, in the order of its header (checked: tests/integration/test_export.py)
FILES: dict[str, dict[str, Column]] = {day_files.CASES: CASES, day_files.EVENTS: EVENTS,
                                       day_files.CORRECTIONS: CORRECTIONS}
assert tuple(CASES) == export_csv.CASE_COLUMNS and tuple(EVENTS) == export_csv.EVENT_COLUMNS
assert tuple(CORRECTIONS) == export_corrections.COLUMNS


def column_name(code: str, column: Column, lang: str) -> str:
    if column.label is None:
        return name("field", column.field or code, lang)
    if "." in column.label and " " not in column.label:  # a vocabulary's name: party.applicant
        kind, _, value = column.label.partition(".")
        return name(kind, value, lang)
    return msg(column.label).render(lang)


def rows(lang: str | None = None) -> list[tuple[str, ...]]:
    """The dictionary's rows (its header first), in ``lang`` (default: the current language)."""
    lang = lang or get_language()
    header = tuple(msg(h).render(lang) for h in (
        N_("file"), N_("column (code)"), N_("Chinese name"), N_("English name"), N_("meaning"),
        N_("values (code and Chinese name)")))
    out = [header]
    for file, columns in FILES.items():
        for code, column in columns.items():
            values = column.values() if column.values is not None else []
            out.append((file, code, column_name(code, column, "zh"),
                        column_name(code, column, "en"), msg(column.meaning).render(lang),
                        ("、" if lang == "zh" else "; ").join(f"{c} {n}" for c, n in values)))
    return out


def write(path: Path, lang: str | None = None) -> dict[str, Any]:
    """Write the dictionary as the other CSVs are written (UTF-8 with a BOM, owner-only)."""
    header, *body = rows(lang)
    out = export_csv.CsvOut(path, header)
    out.rows_(body)
    return out.close()
