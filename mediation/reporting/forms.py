"""What each document of a case holds: the Ministry of Justice's 2010 forms (人民调解文书格式),
their fields built from the case as the reader may see it (``queries.build_view``), and the
order in which the case file (卷宗) binds them. Pure: no database, no files; reading the case,
printing, binding and filing are in ``mediation.reporting.documents``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from mediation.cases import Case, CaseView
from mediation.core import categories, zhnum
from mediation.core.calendar import Calendar, age_on
from mediation.core.documentkinds import KINDS as KINDS  # (re-exported: the forms by name)
from mediation.core.documentkinds import nth as nth
from mediation.core.i18n import name


@dataclass
class Planned:
    """A document ready to render: which template, with which fields, written under which name."""

    kind: str
    key: str  # "agreement-2": the kind and its number, stable across runs
    title: str  # as the contents list names it
    context: dict[str, Any]
    file_name: str = ""
    version: int = 1
    keep_existing: bool = False  # a filed version: an existing file of that name is left as is
    write: bool = True  # False: a corrected filed version, listed but not reproduced
    remark: str = ""


# ---------------------------------------------------------------------------------------------
# Reading the case's dates, amounts and names as the forms write them


def _dt(value: str | None) -> datetime | None:
    return None if value is None else datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")


def _day(value: str | None, cal: Calendar) -> date | None:
    """The committee's local date of a stored (UTC) time."""
    dt = _dt(value)
    return None if dt is None else cal.local_date(dt)


def plain_date(value: str | None, cal: Calendar) -> str:
    """A stored time as the committee's local date, written plainly (2026年11月30日)."""
    day = _day(value, cal)
    return zhnum.date_plain(day) if day else ""


def _upper(value: str | None, cal: Calendar) -> str:
    day = _day(value, cal)
    return zhnum.date_upper(day) if day else "年　　月　　日"


def _time(value: str | None, cal: Calendar) -> str:
    dt = _dt(value)
    if dt is None:
        return ""
    local = cal.local(dt)
    return f"{zhnum.date_plain(local.date())}{local.hour}时{local.minute:02d}分"


def _zh(kind: str, value: str | None) -> str:
    return name(kind, value, "zh") if value else ""


def _age(birth: str | None, on: date | None) -> str:
    if not birth or on is None:
        return ""
    years = age_on(date.fromisoformat(birth), on)
    return f"{years}岁" if years >= 0 else ""


def _fen(amount: str | None) -> int | None:
    if amount is None:
        return None
    yuan, _, cents = amount.partition(".")
    return int(yuan) * 100 + int((cents + "00")[:2])


@dataclass
class Reader:
    """The case as this reader may see it (revealed or masked), with what the forms name."""

    case: Case
    view: CaseView
    staff: dict[str, str]
    revealed: bool
    prefix: str
    cal: Calendar


# ---------------------------------------------------------------------------------------------
# The fields of each document


def guardian_text(guardian: dict[str, str | None] | None) -> str:
    """``法定代理人：周建国（父子），身份证号：110101198001011234``: a party's guardian in the
    party's block, identified as the party is (the forms' 法定代理人 姓名、身份证号; a
    residents' committee by its 统一社会信用代码), as shown to the reader (the name masked like
    a party's, the ID number like a party's ``110***********1234``, where masking applies);
    empty without one."""
    if not guardian:
        return ""
    relation = _zh("relation", guardian.get("relation"))
    number = guardian.get("id_number")
    label = "统一社会信用代码" if guardian.get("relation") == "committee" else "身份证号"
    return "法定代理人：" + (guardian.get("name") or "") + (
        f"（{relation}）" if relation else "") + (f"，{label}：{number}" if number else "")


def representative_text(kind: str, rep: dict[str, str | None] | None) -> str:
    """``法定代表人：王建华（总经理）`` (a legal person's) or ``主要负责人：…`` (an unincorporated
    organisation's): the forms' 法定代表人（主要负责人）姓名、职务, in the party's block, as
    shown to the reader (the name masked like a person's where masking applies); empty
    without one."""
    if not rep or not rep.get("name"):
        return ""
    who = "法定代表人" if kind == "legal_person" else "主要负责人"
    title = rep.get("title")
    return f"{who}：{rep['name']}" + (f"（{title}）" if title else "")


def contact(p: Any) -> str:
    """A party's phone on a form (联系方式), as shown to the reader (masked where masking
    applies); a party without one (a minor) is reached through the guardian's, so labelled:
    ``138****5678（法定代理人）``."""
    if p.phone:
        return str(p.phone)
    phone = (p.guardian or {}).get("phone")
    return f"{phone}（法定代理人）" if phone else ""


def signer(p: Any) -> str:
    """Who signs for a party on a form's signature line: the party, and for a party without
    full civil capacity the guardian who signs for them (``周小宝（法定代理人：周建国）``), for an
    organisation its representative (``某物业公司（法定代表人：王建华）``)."""
    if p.guardian and p.guardian.get("name"):
        return f"{p.name}（法定代理人：{p.guardian['name']}）"
    if p.representative and p.representative.get("name"):
        return f"{p.name}（{representative_text(p.kind, {**p.representative, 'title': None})}）"
    return str(p.name)


def facts(summary: str | None, requests: str | None) -> str:
    """纠纷主要事实、争议事项: the facts, then the parties' requests after a separator
    (``…拒绝赡养。当事人请求：每月支付赡养费``), never run together."""
    said = (summary or "").strip()
    asked = (requests or "").strip()
    if not asked:
        return said
    if said and said[-1] not in "。！？.!?；;":
        said += "。"
    return f"{said}当事人请求：{asked}"


def common(r: Reader) -> dict[str, Any]:
    """The fields every document of the case shares."""
    v = r.view
    applicants = [p.name for p in v.parties if p.role == "applicant"]
    respondents = [p.name for p in v.parties if p.role == "respondent"]
    applicant_signers = [signer(p) for p in v.parties if p.role == "applicant"]
    category = categories.get(v.category)
    cat_name = category.zh if category else v.category
    dispute = cat_name.removesuffix("纠纷") + "纠纷"
    registered = _day(v.dates.get("registered"), r.cal)
    lead = [m for m in v.mediators if m["lead"]]
    others = [m for m in v.mediators if not m["lead"]]
    mediators = "、".join(m["name"] for m in lead + others)
    parties = []
    for i, p in enumerate(v.parties, start=1):
        same_role = [q for q in v.parties if q.role == p.role]
        role = _zh("party", p.role)
        if len(same_role) > 1:
            role += f"（{same_role.index(p) + 1}）"
        guardian = guardian_text(p.guardian)
        parties.append({
            "no": i, "role": role, "name": p.name, "sex": _zh("sex", p.sex),
            "ethnicity": p.ethnicity or "", "age": _age(p.birth_date, registered),
            "id_number": p.id_number or "", "phone": contact(p),
            "address": p.address or "", "guardian": guardian,
            "representative": representative_text(p.kind, p.representative),
        })
    amount_fen = _fen(v.amount)
    return {
        "committee": v.committee,
        "number": v.number,
        "masked": not r.revealed,
        "title": f"{'、'.join(applicants)}与{'、'.join(respondents)}{dispute}"
        if respondents else f"{'、'.join(applicants)}{dispute}",
        "category": cat_name,
        "dispute": dispute,
        "source": _zh("source", v.source),
        "referral_ref": v.referral_ref or "",
        "summary": v.summary,
        "requests": v.requests,
        "facts": facts(v.summary, v.requests),
        "persons_involved": str(v.persons_involved or len(v.parties)),
        "amount_text": (f"{zhnum.amount_figures(amount_fen)}（{zhnum.amount_capital(amount_fen)}）"
                        if amount_fen is not None else ""),
        "applicants": "、".join(applicants),
        "respondents": "、".join(respondents),
        "all_parties": "、".join(p.name for p in v.parties),
        # who signs: a party without full capacity through their guardian (法定代理人)
        "signers": "、".join(signer(p) for p in v.parties),
        "applicant_signers": "、".join(applicant_signers),
        "parties": parties,
        "mediators": mediators,
        "registrar": r.staff.get(v.registrar, v.registrar),
        "registered_plain": plain_date(v.dates.get("registered"), r.cal),
        "accepted_plain": plain_date(v.dates.get("accepted"), r.cal),
        "accepted_upper": _upper(v.dates.get("accepted"), r.cal),
    }


def _agreement_number(number: str, version: int) -> str:
    return number if version == 1 else f"{number}（第{version}版）"


def documents_of(r: Reader) -> list[Planned]:
    """Every document of the case file, in the order of the 2010 cover list, from the record."""
    v = r.view
    base = common(r)
    out: list[Planned] = []

    def add(kind: str, no: int | None, extra: dict[str, Any], remark: str = "") -> None:
        k = KINDS[kind]
        key = kind if no is None else f"{kind}-{no}"
        title = k.title if no is None else k.title + nth(kind, no)
        out.append(Planned(kind=kind, key=key, title=title, context={**base, **extra},
                           remark=remark))

    if v.source == "application":
        add("application", None, {"date_upper": _upper(v.dates.get("registered"), r.cal)})
    if v.dates.get("accepted"):
        add("registration", None, {})
    if v.dates.get("declined"):
        add("decline", None, {"reason": _zh("decline", v.decline_reason),
                              "advice": v.advice or "",
                              "date_upper": _upper(v.dates.get("declined"), r.cal)})
    if v.dates.get("rights_notified"):
        add("rights", None, {"date_upper": _upper(v.dates.get("rights_notified"), r.cal)})
    last_session = max((s["no"] for s in v.sessions), default=None)
    for s in v.sessions:
        result = "继续调解"
        if s["no"] == last_session and v.agreements:
            result = "达成调解协议"
        elif s["no"] == last_session and v.termination_reason:
            result = "终止调解：" + _zh("terminate", v.termination_reason)
        add("session", s["no"], {
            "no": s["no"], "held": _time(s["held_at"], r.cal), "place": s["place"] or "",
            "attendees": s["attendees"] or "", "minutes": s["minutes"] or "",
            "result": result, "recorder": r.staff.get(s["recorded_by"], s["recorded_by"]),
            "date_upper": _upper(s["held_at"], r.cal),
        })
    performance = _zh("performance", v.follow_ups[-1]["performance"]) if v.follow_ups else ""
    for a in v.agreements:
        fen = _fen(a.amount)
        due = date.fromisoformat(a.due) if a.due else None
        remark = ""
        if a.superseded_at:
            remark = "已被重新调解取代"
        add("agreement" if a.form == "written" else "oral", a.version, {
            "agreement_number": _agreement_number(v.number, a.version),
            "terms": a.terms,
            "amount_figures": zhnum.amount_figures(fen) if fen is not None else "",
            "amount_capital": zhnum.amount_capital(fen) if fen is not None else "",
            "performance_terms": (f"于{zhnum.date_plain(due)}前履行完毕" if due
                                  else "按上述协议内容履行"),
            "copies": zhnum.small_number(len(v.parties) + 1),
            "performance": performance,
            "date_upper": _upper(a.reached_at, r.cal),
        }, remark)
    if v.termination_reason:
        add("termination", None, {"reason": _zh("terminate", v.termination_reason),
                                  "advice": v.advice or "",
                                  "date_upper": _upper(v.dates.get("concluded"), r.cal)})
    current = next((a for a in reversed(v.agreements) if not a.superseded_at), None)
    for i, f in enumerate(v.follow_ups, start=1):
        add("visit", i, {
            "no": i,
            "agreement_number": (_agreement_number(v.number, current.version)
                                 if current else "（无调解协议）"),
            "visited": plain_date(f["visited_at"], r.cal),
            "performance": _zh("performance", f["performance"]) or "不适用",
            "satisfaction": _zh("satisfaction", f["satisfaction"]),
            "lawsuit": "是" if f["lawsuit"] else "否",
            "note": f["note"] or "",
            "visitor": r.staff.get(f["visitor"], f["visitor"]),
            "date_upper": _upper(f["visited_at"], r.cal),
        })
    return out


# Forms printed on demand, never bound by themselves: the investigation record (nothing of an
# investigation is recorded yet) and the oral application's registration (the record does not
# say whether an application was oral; the clerk prints this one instead of the application).
ON_DEMAND = ("investigation", "oral_application")


def on_demand(r: Reader, kind: str) -> Planned:
    """A form printed on demand (``ON_DEMAND``), with the case's common fields."""
    return Planned(kind=kind, key=kind, title=KINDS[kind].title, context={
        **common(r), "date_upper": _upper(r.view.dates.get("registered"), r.cal)})
