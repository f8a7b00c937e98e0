"""Random case histories built through the real services, and a brute-force statistics oracle.

The oracle replays the event log in plain Python (and reads the judicial, follow-up and
prevention rows) to recompute every figure of ``mediation.reporting.stats`` from the definitions,
without
SQL aggregates. Property tests compare the two.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from sqlmodel import Session, select

from mediation import committee, intake, steps
from mediation.access.policy import Actor
from mediation.cases import Case, FollowUp, JudicialConfirmation, Prevention
from mediation.core import categories
from mediation.core.clock import local_date
from mediation.core.periods import Period
from mediation.db.engines import create_schema, engine_for
from mediation.db.storage import UnitOfWork
from mediation.reporting.figures import INTERVALS, Figures, Interval, blank, from_raw
from mediation.reporting.stats import CONCLUSIONS
from mediation.tables import Event
from mediation.workflow import OPEN_STATES
from tests.conftest import Clock, case_record

BASE = datetime(2026, 1, 28, 15, 30)  # 23:30 in China: local-day boundaries get crossed
CATEGORIES = ["01", "0101", "02", "04", "13"]
SOURCES = ["application", "grid", "proactive"]

# From each state, the triggers a history may take next ("stop" ends it).
NEXT: dict[str, list[str]] = {
    "intake": ["accept", "accept", "accept", "decline", "withdraw", "prevent", "stop"],
    "accepted": ["mediate", "mediate", "terminate", "extend", "stop"],
    "mediating": ["agree", "agree", "agree", "terminate", "session", "prevent", "stop"],
    "agreed": ["confirm", "confirm", "remediate", "stop"],
    "confirmed": ["feedback", "close", "remediate", "judicial", "visit", "visit", "urge",
                  "stop"],
    "terminated": ["feedback", "visit", "close", "stop"],
    "declined": ["feedback", "visit", "close", "stop"],
    "closed": ["stop"],  # a feedback after closing is only a late entry (fed_back_before_closing)
    "withdrawn": ["stop"],
}


@dataclass
class History:
    category: str
    source: str
    committee: int  # 0 .. committees - 1 (at most len(PEOPLE))
    mediator: int
    start_hours: int
    discovered_hours: int
    amount: int | None
    choices: list[int]
    gaps: list[int]
    written: list[bool] = field(default_factory=list)


def histories(max_cases: int = 6, committees: int = 1) -> st.SearchStrategy[list[History]]:
    one = st.builds(
        History,
        category=st.sampled_from(CATEGORIES),
        source=st.sampled_from(SOURCES),
        committee=st.integers(0, committees - 1),
        mediator=st.integers(0, 1),
        start_hours=st.integers(0, 24 * 60),
        discovered_hours=st.integers(0, 72),
        amount=st.one_of(st.none(), st.integers(1, 5000)),
        choices=st.lists(st.integers(0, 99), min_size=0, max_size=9),
        gaps=st.lists(st.integers(1, 24 * 25), min_size=9, max_size=9),
        written=st.lists(st.booleans(), min_size=3, max_size=3),
    )
    return st.lists(one, min_size=1, max_size=max_cases)


@dataclass
class Built:
    url: str
    engine: Any
    clock: Clock
    directors: list[Actor]
    committee_ids: list[int]

    def uow(self, write: bool = False) -> UnitOfWork:
        return UnitOfWork(self.engine, write=write, clock=self.clock)


PEOPLE = [("wangfang", "王芳", "龙", "liming"), ("zhangwei", "张伟", "虎", "zhaomin"),
          ("liuyang", "刘洋", "凤", "chenmo"), ("sunhao", "孙浩", "鹤", "heping")]


def setup(url: str, committees: int = 1) -> Built:
    engine = engine_for(url)
    create_schema(engine)
    clock = Clock(BASE - timedelta(days=3))
    directors, ids = [], []
    for director, dname, prefix, mediator in PEOPLE[:committees]:
        with UnitOfWork(engine, clock=clock) as uow:
            made = committee.init_committee(uow, name=f"{prefix}社区人民调解委员会",
                                            prefix=prefix, director=director,
                                            director_name=dname)
            actor = committee.resolve_actor(uow, director)
            committee.add_staff(uow, actor, username=mediator, name="调解员", role="mediator")
            uow.commit()
        directors.append(actor)
        ids.append(int(made["committee_id"]))
    return Built(url, engine, clock, directors, ids)


def _plan(h: History) -> list[tuple[int, str, dict[str, Any]]]:
    """The (hour offset, trigger, params) of one history, walking the workflow's graph."""
    state, t = "intake", h.start_hours
    out: list[tuple[int, str, dict[str, Any]]] = []
    agreements = 0
    judicial_pending = False
    confirmed_t = 0
    sessions = extensions = visits = urges = 0
    fed_back, performance = False, None  # the latest visit's finding (workflow.ready_to_close)
    prevented: set[tuple[str, int]] = set()
    period_t = 0  # when the current period to conclude started (accept, remediate)
    written = True  # the form of the current agreement
    for i, choice in enumerate(h.choices):
        options = NEXT[state]
        trigger = options[choice % len(options)]
        if trigger == "stop":
            break
        if trigger == "close" and not visits:  # closed after a follow-up visit (setting)
            trigger = "visit"
        if trigger == "close" and not fed_back:  # and after the outcome is fed back
            trigger = "feedback"
        if trigger == "close" and state == "confirmed" and performance in ("partial", "none") \
                and not urges:  # not performed: urged first, then a director's reason
            trigger = "urge"
        visits += trigger == "visit"
        urges += trigger == "urge"
        fed_back = fed_back or trigger == "feedback"
        if trigger == "judicial" and not judicial_pending:
            if t + 1 - confirmed_t > 24 * 28 or not written:
                break  # too late to file, or an oral agreement: the history ends here
            t += 1
        else:
            t += h.gaps[i]
        if trigger == "extend" and (extensions or t - period_t > 24 * 29):
            break  # one extension, applied for before the period ends (local practice)
        if trigger in ("accept", "remediate"):
            period_t = t
        if trigger == "agree" and not sessions:  # an agreement is reached in mediation
            out.append((t, "session", {"minutes": "双方陈述。"}))
            sessions += 1
        sessions += trigger == "session"
        extensions += trigger == "extend"
        if trigger == "confirm":
            confirmed_t = t
        params: dict[str, Any] = {}
        if trigger == "decline":
            params = {"reason": "party_refuses", "advice": "告知向法院起诉"}
        elif trigger == "withdraw":
            params = {"reason": "申请人撤回申请"}
        elif trigger == "mediate":
            params = {"mediator": PEOPLE[h.committee][0 if h.mediator == 0 else 3],
                      "rights_notified": True}
        elif trigger == "terminate":
            params = {"reason": "no_agreement", "advice": "可向法院起诉"}
        elif trigger == "extend":
            params = {"days": 10, "reason": "双方同意延长", "consent": True}
        elif trigger == "session":  # each record differs: one typed twice is kept once
            params = {"minutes": f"第{i}次：双方陈述。"}
        elif trigger == "agree":
            written = h.written[agreements % 3]
            params = {"terms": "赔偿并道歉。", "written": written,
                      "amount": Decimal(h.amount) if h.amount else None}
            agreements += 1
        elif trigger == "prevent":
            params = {"kind": ["suicide", "group_fight"][choice % 2], "persons": 1 + choice % 4}
            if (params["kind"], params["persons"]) in prevented:
                continue  # the same prevention again would be refused as typed twice
            prevented.add((params["kind"], params["persons"]))
        elif trigger == "remediate":
            params = {"reason": "协议显失公平", "consent": True}
            judicial_pending = False
        elif trigger == "judicial":
            if judicial_pending:
                params = {"result": ["confirmed", "rejected"][choice % 2]}
                judicial_pending = False
            else:
                params = {"court": "岳麓区人民法院"}
                judicial_pending = True
        elif trigger == "visit":
            params = {"satisfaction": "satisfied", "visited": "张三", "note": f"第{i}次回访"}
            if state == "confirmed":
                params["performance"] = ["full", "partial", "none"][(choice // 3) % 3]
                performance = params["performance"]
        elif trigger == "urge":
            params = {"note": f"第{i}次电话督促履行"}
        elif trigger == "feedback":
            params = {"to": "张三", "channel": ["phone", "in_person", "written"][choice % 3]}
        elif trigger == "close" and state == "confirmed" and performance in ("partial", "none"):
            params = {"reason": "已督促履行，告知当事人可向法院起诉"}
        out.append((t, trigger, params))
        dest = {"accept": "accepted", "decline": "declined", "withdraw": "withdrawn",
                "mediate": "mediating",
                "agree": "agreed", "terminate": "terminated", "confirm": "confirmed",
                "close": "closed", "remediate": "mediating"}.get(trigger)
        state = dest or state
    return out


def build(url: str, hs: Sequence[History], committees: int = 1, *,
          order: str = "time") -> Built:
    """Register and run every history: in time order (``time``), or case by case with the
    clock jumping back and forth (``cases``: list order; ``reversed``: the last case first)."""
    b = setup(url, committees)
    actions: list[tuple[int, int, int, str, dict[str, Any]]] = []
    for index, h in enumerate(hs):
        actions.append((h.start_hours, index, 0, "new", {}))
        for step_no, (t, trigger, params) in enumerate(_plan(h)):
            actions.append((t, index, step_no + 1, trigger, params))
    if order == "time":
        actions.sort(key=lambda a: (a[0], a[1], a[2]))
    else:
        actions.sort(key=lambda a: (-a[1] if order == "reversed" else a[1], a[2]))
    ids: dict[int, int] = {}
    for hours, index, _step, trigger, params in actions:
        h = hs[index]
        b.clock.now = BASE + timedelta(hours=hours)
        actor = b.directors[h.committee]
        with b.uow(write=True) as uow:
            if trigger == "new":
                record = case_record(
                    category=h.category, source=h.source, persons_involved=6,
                    discovered_at=(b.clock.now - timedelta(hours=h.discovered_hours)).isoformat(),
                    amount=h.amount)
                parsed = intake.parse_case(record, origin="test")
                ids[index] = intake.new_case(uow, actor, parsed, force=True)["id"]
            else:
                steps.STEPS[trigger](uow, actor, ids[index], **params)
            uow.commit()
    return b


# ---------------------------------------------------------------------------------------------
# The oracle


def _days(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / 86400


def _nearest_rank(values: list[float], p: float) -> float:
    ordered = sorted(values)
    import math

    return ordered[max(1, math.ceil(p * len(ordered))) - 1]


def oracle(session: Session, ids: Sequence[int], period: Period, by: str | None,
           as_of: datetime) -> dict[str, Figures]:
    cases = {c.id: c for c in session.exec(select(Case)).all() if c.committee_id in ids}
    events = sorted(session.exec(select(Event)).all(), key=lambda e: e.seq)
    events = [e for e in events if e.case_id in cases]
    raw: dict[str, dict[str, Any]] = {}
    spans: dict[str, dict[str, list[float]]] = {}

    def in_p(ts: datetime) -> bool:
        return period.start <= local_date(ts) < period.end

    def in_pd(d: Any) -> bool:
        return d is not None and period.start <= d < period.end

    def key(c: Case, month: str) -> str:
        if by is None:
            return ""
        if by == "category":
            cat = categories.get(c.category)
            return cat.reporting_code if cat else c.category
        if by == "mediator":
            return c.lead_mediator or "-"
        if by == "committee":
            return str(c.committee_id)
        if by == "source":
            return c.source
        return month

    def r(c: Case, month: str) -> dict[str, Any]:
        return raw.setdefault(key(c, month), blank())

    def span(c: Case, month: str, name: str, d: float) -> None:
        r(c, month)
        spans.setdefault(key(c, month), {}).setdefault(name, []).append(d)

    if by is None:
        raw[""] = blank()
    first: dict[tuple[int, str], Event] = {}
    for e in events:
        assert e.case_id is not None
        group = "conclusion" if e.action in CONCLUSIONS else e.action
        first.setdefault((e.case_id, group), e)

    def effective(e: Event) -> datetime:
        """When a confirmed agreement took effect: an oral one the day it was reached (Law art.
        30), which the confirm event records; a written one at the confirm step."""
        at = json.loads(e.changes)["agreement_effective"][1]["effective_at"]
        return datetime.fromisoformat(at.removesuffix("Z"))

    for e in events:
        assert e.case_id is not None
        c = cases[e.case_id]
        when = effective(e) if e.action == "confirm" else e.at
        mon = local_date(when).strftime("%Y-%m")
        if not in_p(when):
            continue
        discovered = c.discovered_at or c.registered_at
        if e.action == "new":
            x = r(c, mon)
            x["intake"] += 1
            x["sources"][c.source] = x["sources"].get(c.source, 0) + 1
        elif e.action == "accept":
            r(c, mon)["accepted"] += 1
            span(c, mon, "discovered_to_accepted", _days(e.at, discovered))
        elif e.action == "decline":
            r(c, mon)["declined"] += 1
        elif e.action == "withdraw":
            r(c, mon)["withdrawn"] += 1
        elif e.action in CONCLUSIONS and first[(e.case_id, "conclusion")] is e:
            x = r(c, mon)
            x["amount_fen"] += c.amount_fen or 0
            assert c.accepted_at is not None
            span(c, mon, "accepted_to_concluded", _days(e.at, c.accepted_at))
            if e.action == "terminate":
                x["terminated"] += 1
            else:
                x["succeeded"] += 1
                form = json.loads(e.changes)["agreement"][1]["form"]
                x[form] += 1
        elif e.action == "confirm" and first[(e.case_id, "confirm")] is e:
            concluded = first[(e.case_id, "conclusion")]
            span(c, mon, "concluded_to_confirmed", _days(when, concluded.at))
        elif e.action == "feedback" and first[(e.case_id, "feedback")] is e:
            confirmed = first.get((e.case_id, "confirm"))
            if confirmed is not None:
                span(c, mon, "confirmed_to_feedback", _days(e.at, effective(confirmed)))
            span(c, mon, "whole", _days(e.at, discovered))
    for j in session.exec(select(JudicialConfirmation)).all():
        c2 = cases.get(j.case_id)
        if c2 is None:
            continue
        if in_pd(j.filed_on):
            r(c2, j.filed_on.strftime("%Y-%m"))["filed"] += 1
        if j.decided_on is not None and in_pd(j.decided_on) and j.result != "pending":
            r(c2, j.decided_on.strftime("%Y-%m"))[j.result] += 1
    # Several visits of a case: it counts once per group, by its last visit there (issue 15).
    last: dict[tuple[str, int], FollowUp] = {}
    for f in sorted(session.exec(select(FollowUp)).all(), key=lambda f: (f.visited_at, f.id)):
        c2 = cases.get(f.case_id)
        if c2 is None or f.performance is None or not in_p(f.visited_at):
            continue
        last[(key(c2, local_date(f.visited_at).strftime("%Y-%m")), f.case_id)] = f
    for f in last.values():
        c2 = cases[f.case_id]
        x = r(c2, local_date(f.visited_at).strftime("%Y-%m"))
        x["followed_up"] += 1
        assert f.performance is not None
        x[f.performance] += 1
    prevented: dict[str, dict[str, tuple[set[int], int]]] = {}
    for p in session.exec(select(Prevention)).all():
        c2 = cases.get(p.case_id)
        if c2 is None or not in_p(p.recorded_at):
            continue
        k = key(c2, local_date(p.recorded_at).strftime("%Y-%m"))
        r(c2, local_date(p.recorded_at).strftime("%Y-%m"))
        for kind in (p.kind, "total"):
            seen, persons = prevented.setdefault(k, {}).get(kind, (set(), 0))
            prevented[k][kind] = (seen | {p.case_id}, persons + p.persons)
    for k, kinds in prevented.items():
        for kind, (seen, persons) in kinds.items():
            if kind == "total":
                raw[k]["prevention_total"] = (len(seen), persons)
            else:
                raw[k]["prevention"][kind] = (len(seen), persons)
    as_of_month = local_date(as_of - timedelta(microseconds=1)).strftime("%Y-%m")
    for c in cases.values():
        if c.state in OPEN_STATES and c.deadline is not None and c.deadline < as_of:
            r(c, as_of_month)["overdue"] += 1
    for k, names in spans.items():
        raw[k]["intervals"] = {
            name: Interval(n=len(v), median_days=round(_nearest_rank(v, 0.5), 2),
                           p90_days=round(_nearest_rank(v, 0.9), 2))
            for name, v in names.items()}
    return {k: from_raw(k or None, v) for k, v in raw.items()}


def same(a: Figures, b: Figures) -> list[str]:
    """Differences between two sets of figures (interval days within 0.011). The group's key
    and its display name (``name``: a mediator's 李明, a committee's name) label the figures
    and are not figures themselves: the tests check the keys apart."""
    da, db = a.model_dump(), b.model_dump()
    problems = []
    for k in Figures.model_fields:
        if k in ("key", "name"):
            continue
        if k == "intervals":
            for name in INTERVALS:
                x, y = da[k][name], db[k][name]
                if x["n"] != y["n"]:
                    problems.append(f"{name}.n {x['n']} != {y['n']}")
                for q in ("median_days", "p90_days"):
                    if (x[q] is None) != (y[q] is None) or (
                            x[q] is not None and abs(x[q] - y[q]) > 0.011):
                        problems.append(f"{name}.{q} {x[q]} != {y[q]}")
        elif da[k] != db[k]:
            problems.append(f"{k}: {da[k]!r} != {db[k]!r}")
    return problems
