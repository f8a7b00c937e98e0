"""``case show`` for people: the facts, the parties, the mediators, sessions, agreements and
visits. On a terminal fitted to its width without splitting a value (cli.lines, cli.tables); in
a pipe a record (cli.records): each fact, mediator, session, agreement (its 履行期限 a row of its
own), visit... a ``label<TAB>value`` row, then the parties a headed block, nothing wrapped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from cli import lines, records, tables
from cli.lines import keep, keep_short, width
from cli.output import category_name, emit_json, local_time, out
from cli.tables import Column
from mediation.core import choices, money
from mediation.core.i18n import NOT_AGREED, _, name, or_absent

if TYPE_CHECKING:
    from mediation.cases import CaseView

LABEL_MOST = 16  # terminal cells: a label column wider than this is not padded to
# Stands for a line's last value until it is known to be there (:func:`ending`); a private-use
# character other than the marks of a value kept whole (lines.keep: U+E000, U+E001).
TAIL = "\ue0ff"
_EMPTY_TAIL = re.compile(f"[\\s:：.。,，;；]*{TAIL}$")


def ending(line: str, value: str | None) -> str:
    """THE rule that no label is shown with nothing after it: ``line``, a message formatted
    with :data:`TAIL` as its last field, ends with ``value``; without one (none, or only white
    space), the line ends before the mark that would introduce it (``反馈对象 张三：`` is
    ``反馈对象 张三``; ``满意。`` is ``满意``)."""
    if value is not None and value.strip():
        return line.replace(TAIL, value)
    return _EMPTY_TAIL.sub("", line).replace(TAIL, "")


def _facts(rows: list[tuple[str, str]], cells: int) -> None:
    """``label  value`` lines on a terminal ``cells`` wide, the values aligned and wrapped
    beside the labels (in a pipe: cli.records.facts). A fact without a value is not shown (no
    label with nothing beside it: :func:`ending`)."""
    rows = [(label, value) for label, value in rows if lines.unmarked(value).strip()]
    if not rows:
        return
    pad = min(max(width(label) for label, _v in rows), LABEL_MOST) + 2
    beside = cells - pad >= 20
    for label, value in rows:
        if beside and width(label) + 2 <= pad:
            lead = label + " " * (pad - width(label))
            lines.emit(value, indent=" " * pad, first_indent=lead)
        else:  # a long label, or a narrow terminal: the value on the lines below
            lines.emit(label)
            lines.emit(value, indent="    ")


def case_view(view: CaseView, *, as_json: bool) -> None:
    if as_json:
        emit_json(view.model_dump())
        return
    cells = lines.columns()
    facts: list[tuple[str, str]] = []
    if cells is None:  # a record in a pipe (cli.records): the number and committee labelled
        facts += [(name("field", "number"), view.number),
                  (name("field", "committee"), view.committee)]
    else:
        lines.emit(f"{keep(view.number)}  {keep(view.committee)}", bold=True)
    facts.append((_("State"), _("{state} (version {version})", state=keep(name(
        "state", view.state)), version=keep(view.version))))
    facts.append((_("Category"), keep(category_name(view.category))))
    source = keep(name("source", view.source))
    facts.append((_("Source"), f"{source} ({keep(view.referral_ref)})" if view.referral_ref
                  else source))
    facts.append((_("Facts"), view.summary))
    facts.append((_("Requests"), view.requests))
    if view.amount:
        facts.append((_("Amount (yuan)"), keep(money.shown(view.amount))))
    for key, value in view.dates.items():
        if value:
            facts.append((name("date", key), keep(local_time(value))))
    if view.deadline_last_day:  # the period's last day, not 00:00 of the day after it
        deadline = keep(view.deadline_last_day)
        facts.append((_("Deadline"), _("{date} (overdue)", date=deadline) if view.overdue
                      else deadline))
    if view.next_session:  # 约定下次调解 (case schedule)
        nxt = view.next_session
        facts.append((_("Next session"), " ".join(
            [keep(local_time(nxt["at"])), *([nxt["place"]] if nxt.get("place") else [])])
            + (f"（{nxt['note']}）" if nxt.get("note") else "")))
    if view.decline_reason:
        facts.append((_("Decline reason"), keep(name("decline", view.decline_reason))))
    if view.termination_reason:
        facts.append((_("Termination reason"), keep(name("terminate",
                                                         view.termination_reason))))
    if view.advice:
        facts.append((_("Advice given"), keep_short(view.advice)))
    if view.duplicate_of:
        facts.append((_("Registered despite probable duplicate of"), keep(view.duplicate_of)))
    if view.elsewhere:
        facts.append((_("Same party, open in another committee"), "、".join(
            _("{committee} {number}", committee=keep(e["committee"]), number=keep(e["number"]))
            for e in view.elsewhere)))
    if cells is None:  # label<TAB>value rows (the mediators, sessions, agreements... too),
        records.facts(facts + _lines(view, piped=True))  # then the parties, a headed block
        _parties(view, cells)
        return
    _facts(facts, cells)
    out("\n")
    _parties(view, cells)
    for _label, line in _lines(view):
        lead = " " * (len(line) - len(line.lstrip(" ")))
        lines.emit(line, first_indent=lead, indent=lead + "    ")


def _parties(view: CaseView, cells: int | None) -> None:
    # every value shown: a column that does not fit goes under its party's row (field: value),
    # the address, guardian and representative first, then the birth date, ethnicity, sex,
    # phone, ID number;
    # the number (what case amend --edit-party N takes), the role and the name are the row
    columns = [Column(_("No.")), Column(_("Role")), Column(_("Name")),
               Column(_("Sex"), 5, under=True),
               Column(_("Ethnicity"), 6, under=True),
               Column(_("Date of birth"), 7, under=True),
               Column(_("ID number"), 3, under=True), Column(_("Phone"), 4, under=True),
               Column(_("Address"), 8, wrap=True, under=True),
               Column(_("Guardian"), 8, wrap=True, under=True),
               # an organisation's 法定代表人 or 主要负责人: the name, then its title (职务)
               Column(_("Representative"), 8, under=True)]
    body = []
    for no, p in enumerate(view.parties, 1):
        guardian = ""
        if p.guardian:
            relation = p.guardian.get("relation")
            guardian = "\n".join(v for v in (p.guardian.get("name"), relation and name(
                "relation", relation), p.guardian.get("id_number"), p.guardian.get("phone"))
                if v)
        body.append([str(no), name("party", p.role), p.name, name("sex", p.sex) if p.sex else "",
                     choices.ethnicity_name(p.ethnicity) or "",
                     p.birth_date or "",  # revealed only (PartyView.of): else not shown
                     p.id_number or "", p.phone or "",
                     lines.keep_places(p.address or ""), "\n".join(
                         keep_short(g) for g in guardian.split("\n") if g),
                     representative_cell(p.representative)])
    if cells is None:  # every column in its place and named, for a script reading the rows
        records.block(_("Parties"), columns, body)
        return
    # on a terminal a column no party has a value in is left out (a case without guardians):
    # the others fit where they would not beside an empty one
    used = [i for i in range(len(columns)) if i < 3 or any(row[i] for row in body)]
    tables.emit_rows([columns[i] for i in used], [[row[i] for i in used] for row in body],
                     "table", title=_("Parties"))


def representative_cell(rep: dict[str, str | None] | None) -> str:
    """An organisation's representative (法定代表人 or 主要负责人, the column says) in its cell:
    the name, its title (职务) on the next line; empty without one."""
    if not rep or not rep.get("name"):
        return ""
    return "\n".join([keep(rep["name"]), *([keep_short(rep["title"])] if rep.get("title")
                                             else [])])


def _lines(view: CaseView, *, piped: bool = False) -> list[tuple[str, str]]:
    """The mediators, sessions, agreements, extensions, confirmations, visits, urgings,
    feedbacks and preventions, one paragraph each, their values kept whole; each with its
    label (what it is: 调解会谈, 履行期限), by which a pipe's ``label<TAB>value`` row names
    it. ``piped``: an agreement's amount and due date each a row of its own.

    THE rule of a pipe's labels (issue 14, a clerk's trial: ``case show 1 | grep 金额`` gave
    涉及金额（元） for the case and for each agreement alike): every label is unique. A record's
    field is named as the record's where the case has one of that name (协议金额（元）: the
    agreement's amount, as case history names it, beside the case's 涉及金额（元）), and where a
    case holds more than one record of a kind (sessions, agreements, co-mediators, visits...)
    each row of the n-th is numbered: 调解会谈（2）, 协议金额（元）（2）, the same n for a record
    and its fields."""
    said: list[tuple[str, str]] = []
    where: list[tuple[int, int]] = [(1, 1)]  # the record being added: (n, how many of its kind)

    def add(key: str, line: str) -> None:
        label = name("field", key)
        n, count = where[0]
        if piped and count > 1:
            label = _("{field} ({n})", field=label, n=n)
        said.append((label, line))

    def each(records: list[Any]) -> Iterator[Any]:
        for n, record in enumerate(records, 1):
            where[0] = (n, len(records))
            yield record
        where[0] = (1, 1)

    for m in each([m for m in view.mediators if m["lead"]]) if piped else ():
        add("lead_mediator", keep(m["label"]))
    for m in each([m for m in view.mediators if not m["lead"]] if piped else view.mediators):
        label = _("lead mediator") if m["lead"] else _("co-mediator")
        add("lead_mediator" if m["lead"] else "co_mediators", keep(m["label"]) if piped else
            _("Mediator: {name}, {label}", name=keep(m["label"]), label=keep(label)))
    for s in each(view.sessions):
        add("session", ending(_("Session {no}, {time}: {minutes}", no=keep(s["no"]),
                                time=keep(local_time(s["held_at"])), minutes=TAIL),
                              s["minutes"]))
    for a in each(view.agreements):
        status = _("superseded") if a.superseded_at else (
            _("in effect") if a.effective_at else _("not yet in effect"))
        add("agreement", ending(_("Agreement v{version} ({form}, {status}): {terms}",
                                  version=keep(a.version), form=keep(name("form", a.form)),
                                  status=keep(status), terms=TAIL), a.terms))
        if piped:  # 协议金额（元） (the agreement's, not the case's 涉及金额), 履行期限
            add("agreement_amount", money.shown(a.amount) or "")
            add("due", a.due or "")
        elif a.amount or a.due:
            add("agreement", _("    amount {amount} yuan, due {due}",
                               amount=keep(or_absent(money.shown(a.amount), NOT_AGREED)),
                               due=keep(or_absent(a.due, NOT_AGREED))))
    for e in each(view.extensions):
        add("new_deadline", _("Extension: {days} more days, to {deadline} ({reason})",
                              days=keep(e["days"]), deadline=keep(e["new_last_day"]),
                              reason=keep_short(e["reason"])))
    for j in each(view.judicial_confirmations):
        add("judicial", _("Judicial confirmation: {court}, filed {filed}, {result}",
                          court=keep_short(j["court"]), filed=keep(j["filed_on"]),
                          result=keep(name("judicial", j["result"]))))
    for f in each(view.follow_ups):
        add("follow_up", ending(_(
            "Follow-up {time}: performance {performance}, {satisfaction}. {note}",
            time=keep(local_time(f["visited_at"])),
            performance=keep(or_absent(f["performance"] and name(
                "performance", f["performance"]))),
            satisfaction=keep(name("satisfaction", f["satisfaction"])),
            note=TAIL), f["note"]))
        if piped:  # who visited whom, what was done, the signs seen: values alone
            for key in ("visitor", "visited", "measures", "escalation"):
                add(key, f.get(key) or "")
        elif f.get("visited") or f.get("visitor"):
            add("visitor", _("    visited by {visitor}; visited: {visited}",
                             visitor=keep_short(or_absent(f.get("visitor"))),
                             visited=keep_short(or_absent(f.get("visited")))))
        if not piped and f.get("measures"):
            add("measures", ending(_("    measures taken: {measures}", measures=TAIL),
                                   f["measures"]))
        if not piped and f.get("escalation"):
            add("escalation", ending(_("    signs of escalation: {escalation}",
                                       escalation=TAIL), f["escalation"]))
    for u in each(view.urgings):
        add("urge", ending(_("Urged to perform {time} ({by}): {note}",
                             time=keep(local_time(u["at"])), by=keep(u["by"]), note=TAIL),
                           u["note"]))
    for fb in each(view.feedbacks):
        add("feedback", ending(_("Fed back {time} ({by}) by {channel} to {to}: {note}",
                                 time=keep(local_time(fb["at"])), by=keep(fb["by"]),
                                 channel=keep(name("channel", fb["channel"])),
                                 to=keep_short(or_absent(fb["to"] and name("recipient",
                                                                           fb["to"]))),
                                 note=TAIL), fb["note"]))
    for pr in each(view.preventions):
        add("prevention", _("Escalation prevented: {kind}, {persons} persons",
                            kind=keep(name("prevention", pr["kind"])),
                            persons=keep(pr["persons"])))
    return [(label, line.rstrip()) for label, line in said]
