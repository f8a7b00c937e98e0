"""The documents of a case: the Ministry of Justice's 2010 forms (人民调解文书格式), filled in.

What each document holds, and in which order the case file (卷宗) binds them, is decided in
``mediation/reporting/forms.py``; this module reads the case for the reader, prints one document,
binds the case file and files it; ``mediation/reporting/printing.py`` renders a template with the
fields and writes the files. Each document's fields are built from the case file as
``queries.build_view`` shows it, so masking has one rule: a reader who may reveal gets the full
record, every other reader the masked one.

Printing names the parties in full (they sign the agreement), so printing is a reveal: allowed to
the case's mediator and the director (``case.print``; a mediator only on their own cases),
recorded as a ``reveal`` event with the reason ``print`` naming the documents. Any other reader
who may read the case gets a masked copy marked as such on the page.

Filing (``archive``, 归档) records the retention period and the digest of every document; the
file is frozen from then on: a document whose content changed later (a correction) gets a new
version with a new file name, recorded as a ``document_version`` event and listed in the contents
beside the version it corrects; no file of the filed case is ever overwritten.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from mediation import calendars
from mediation.access.policy import Actor, allowed
from mediation.cases import Case
from mediation.committee import committee_of
from mediation.core import choices, documentkinds, paths, zhnum
from mediation.core.errors import InvalidInput, NotFound, UsageError
from mediation.core.i18n import N_, join, msg, name
from mediation.core.vocab import Role, State
from mediation.db import eventlog, settings
from mediation.db.storage import UnitOfWork
from mediation.queries import build_view, case_for
from mediation.reporting import forms
from mediation.reporting.forms import Planned
from mediation.tables import Event, Staff

ARCHIVE = "archive"
VERSION = "document_version"
PRINT_REASON = "print"

# Display names of the events this feature records, and of their changed fields.
EVENT_NAMES = (N_("trigger.archive"), N_("trigger.document_version"), N_("field.documents"),
               N_("field.retention_days"), N_("field.document"), N_("field.version"))


@dataclass
class CaseFile:
    """What ``case file`` writes: the cover, the contents, then every document in order."""

    number: str
    committee_prefix: str
    revealed: bool
    archived: bool
    cover: Planned
    contents: Planned
    documents: list[Planned] = field(default_factory=list)
    pdf_name: str = "卷宗.pdf"


# ---------------------------------------------------------------------------------------------
# Reading the case as the reader may see it


def _read(uow: UnitOfWork, actor: Actor, ref: str | int, *, masked: bool) -> forms.Reader:
    """Check the reader, decide reveal or masked, build the view (``_printed`` records it)."""
    case, assigned = case_for(uow, actor, ref)
    assert case.id is not None
    reveal = not masked and may_print(actor, assigned=assigned, registrar=case.registrar)
    names_ok = reveal or allowed(actor, "case.names")
    view = build_view(uow, actor, case, reveal=reveal, names_ok=names_ok)
    staff = dict(uow.session.exec(select(Staff.username, Staff.name)).all())
    prefix = committee_of(uow, actor).prefix
    return forms.Reader(case=case, view=view, staff=staff, revealed=reveal, prefix=prefix,
                   cal=calendars.of(uow, case.committee_id))


def _printed(uow: UnitOfWork, actor: Actor, r: forms.Reader, documents: list[str]) -> None:
    """A full copy was printed: a ``reveal`` event with the reason ``print``, naming the
    documents (by key: ``agreement-1``, ``session-2``, ``cover``, ...)."""
    if r.revealed:
        eventlog.append(uow.session, at=uow.now(), actor=actor.username, role=actor.role,
                        action="reveal", committee_id=r.case.committee_id, case_id=r.case.id,
                        reason=PRINT_REASON, changes={"documents": [None, documents]})


def may_print(actor: Actor, *, assigned: set[str], registrar: str) -> bool:
    """Whether ``actor`` prints the full (revealed) copy: ``case.print``, and a mediator only
    on their own cases (assigned to them, or registered by them)."""
    if not allowed(actor, "case.print"):
        return False
    return actor.role != Role.mediator or actor.username in assigned | {registrar}


# ---------------------------------------------------------------------------------------------
# Printing one document


def document_kind(text: str) -> str:
    """The document ``text`` names: its code (``agreement``), its Chinese or English name
    (人民调解协议书), or a part of exactly one Chinese name (调解协议书, 协议书: the one rule,
    choices.parse); else :class:`InvalidInput` listing each document as code and name (or the
    documents whose names the part is in)."""
    codes = list(forms.KINDS)
    try:
        return choices.parse("document", text, codes)
    except choices.ChoiceError as exc:
        if choices.part_of("document", choices.fold(text), codes):
            raise UsageError(exc.message) from None
        raise UsageError(msg("{value!r} is not a document; allowed: {allowed}", value=text,
                               allowed=choices.listing("document", codes))) from None


def print_document(uow: UnitOfWork, actor: Actor, ref: str | int, kind: str, *,
                   version: int | None = None, masked: bool = False) -> tuple[Planned, bool, str]:
    """One document: ``(planned, revealed, committee prefix)``. ``version`` picks the session,
    agreement version or visit (default the latest)."""
    kind = document_kind(kind)
    if kind in ("cover", "contents"):
        plan = case_file(uow, actor, ref, masked=masked, only=kind)
        chosen = plan.cover if kind == "cover" else plan.contents
        return chosen, plan.revealed, plan.committee_prefix
    k = forms.KINDS[kind]
    if version is not None and k.repeated is None:
        raise UsageError(msg("--version applies to session, agreement, oral and visit only"))
    r = _read(uow, actor, ref, masked=masked)
    if kind in forms.ON_DEMAND:
        _printed(uow, actor, r, [kind])
        return forms.on_demand(r, kind), r.revealed, r.prefix
    every = forms.documents_of(r)
    docs = [d for d in every if d.kind == kind]
    if version is not None and docs and not any(d.key == f"{kind}-{version}" for d in docs):
        numbers = [d.key.rpartition("-")[2] for d in docs]
        raise NotFound(msg(  # 第3版: which ones there are
            "case {case} has no {document} number {no}; it has numbers: {numbers}",
            case=r.case.number, document=documentkinds.shown(kind), no=version,
            nth=forms.nth(kind, version).strip("（）"), numbers=", ".join(numbers),
            existing=join([forms.nth(kind, n).strip("（）") for n in numbers])))
    if version is not None:
        docs = [d for d in docs if d.key == f"{kind}-{version}"]
    if not docs:  # what can be printed for this case now, in its state
        kinds = list(dict.fromkeys([d.kind for d in every] + list(forms.ON_DEMAND)))
        raise NotFound(msg("case {case} has no {document}; what can be printed for it now: "
                           "{available}", case=r.case.number,
                           document=documentkinds.shown(kind),
                           available=join([documentkinds.shown(x) for x in kinds])))
    _printed(uow, actor, r, [docs[-1].key])
    return docs[-1], r.revealed, r.prefix


# ---------------------------------------------------------------------------------------------
# The case file


def _digest(key: bytes, context: dict[str, Any]) -> str:
    body = json.dumps(context, sort_keys=True, ensure_ascii=False, default=str)
    return hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def _file_name(seq: int, doc: Planned) -> str:
    suffix = "" if doc.version == 1 else f"-更正{doc.version}"
    return f"{seq:02d}-{doc.title}{suffix}.docx"


def _filed(uow: UnitOfWork, case: Case) -> tuple[Event | None, list[dict[str, Any]]]:
    """The filing event and the manifest of filed document versions (in file order)."""
    events = uow.session.exec(
        select(Event).where(Event.case_id == case.id,
                            col(Event.action).in_((ARCHIVE, VERSION)))
        .order_by(col(Event.seq))).all()
    archive = next((e for e in events if e.action == ARCHIVE), None)
    manifest: list[dict[str, Any]] = []
    for e in events:
        changes = json.loads(e.changes)
        if e.action == ARCHIVE:
            manifest.extend(changes["documents"][1])
        else:
            manifest.append(changes["document"][1])
    return archive, manifest


def case_file(uow: UnitOfWork, actor: Actor, ref: str | int, *, masked: bool = False,
              only: str | None = None) -> CaseFile:
    """The whole case file. On a filed case, documents whose content changed since the filing
    become new versions (recorded) and the filed versions keep their file names."""
    r = _read(uow, actor, ref, masked=masked)
    docs = forms.documents_of(r)
    # two terminals filing corrections at once must not both number the same new version:
    # the case row is locked while the filed versions are read and extended (PostgreSQL; a
    # SQLite write transaction is already exclusive)
    uow.session.exec(select(Case.id).where(Case.id == r.case.id).with_for_update()).all()
    archive, manifest = _filed(uow, r.case)
    if archive is not None:
        docs = _freeze(uow, actor, r, docs, manifest)
    else:
        for seq, d in enumerate(docs, start=1):
            d.file_name = _file_name(seq, d)
    base = forms.common(r)
    # a corrected filed case gets a new cover, contents and PDF (稿, draft): none is overwritten
    drafts = max((int(e.get("draft", 1)) for e in manifest), default=1)
    revision = "" if drafts == 1 else f"-第{drafts}稿"
    filed_by, filed_on, retention = "", "", ""
    if archive is not None:
        changes = json.loads(archive.changes)
        filed_by = r.staff.get(archive.actor, archive.actor)
        filed_on = zhnum.date_plain(r.cal.local_date(archive.at))
        retention = retention_text(int(changes["retention_days"][1]))
    cover = Planned(kind="cover", key="cover", title=forms.KINDS["cover"].title, context={
        **base,
        "opened": forms.plain_date(r.view.dates.get("accepted")
                                   or r.view.dates.get("registered"), r.cal),
        "closed": forms.plain_date(r.view.dates.get("closed"), r.cal) or "（未结案）",
        "filer": filed_by, "filed": filed_on, "retention": retention,
        "remark": "" if archive is not None else "尚未归档",
    }, file_name=f"00-卷宗封面{revision}.docx", keep_existing=archive is not None)
    contents = Planned(kind="contents", key="contents", title=forms.KINDS["contents"].title,
                       context={**base, "documents": contents_rows(docs)},
                       file_name=f"00-卷内目录{revision}.docx",
                       keep_existing=archive is not None)
    _printed(uow, actor, r, [only] if only else
             ["cover", "contents", *(d.key for d in docs if d.write)])
    return CaseFile(number=r.case.number, committee_prefix=r.prefix, revealed=r.revealed,
                    archived=archive is not None, cover=cover, contents=contents,
                    documents=docs, pdf_name=f"卷宗{revision}.pdf")


def contents_rows(docs: list[Planned], pages: dict[str, str] | None = None
                  ) -> list[dict[str, str]]:
    return [{"seq": str(i),
             "title": d.title + ("" if d.version == 1 else f"（更正第{d.version}版）"),
             "pages": (pages or {}).get(d.file_name, ""), "remark": d.remark}
            for i, d in enumerate(docs, start=1)]


def _freeze(uow: UnitOfWork, actor: Actor, r: forms.Reader, docs: list[Planned],
            manifest: list[dict[str, Any]]) -> list[Planned]:
    """Match the documents against the filed versions: an unchanged one keeps its filed name;
    a changed one is listed as corrected and its new version (recorded) follows the filed ones,
    as does a document that did not exist when the case was filed."""
    full = _full_documents(uow, actor, r)
    key = settings.hash_key(uow)
    latest = {entry["key"]: entry for entry in manifest}
    by_key = {d.key: d for d in docs}
    filed: list[Planned] = []
    added: list[Planned] = []
    filed_manifest = list(manifest)
    draft = max(int(e.get("draft", 1)) for e in manifest) + 1

    def new_version(d: Planned, version: int, remark: str) -> None:
        digest = _digest(key, full[d.key])
        d.version = version
        d.file_name = _file_name(len(manifest) + 1, d)
        d.remark = remark
        entry = {"key": d.key, "version": d.version, "file": d.file_name, "digest": digest,
                 "draft": draft}
        _record_version(uow, actor, r.case, entry)
        manifest.append(entry)
        added.append(d)

    for entry in filed_manifest:
        d = by_key.get(entry["key"])
        title = d.title if d is not None else entry["key"]
        old = Planned(kind=entry["key"].split("-")[0], key=entry["key"], title=title,
                      context={}, file_name=entry["file"], version=entry["version"],
                      keep_existing=True, write=False, remark="原件见归档卷宗")
        if d is None:
            filed.append(old)
        elif entry is not latest[entry["key"]]:
            old.remark = f"已更正，见第{latest[entry['key']]['version']}版"
            filed.append(old)
        elif _digest(key, full[d.key]) == entry["digest"]:
            d.file_name, d.version, d.keep_existing = entry["file"], entry["version"], True
            filed.append(d)
        else:
            old.remark = f"已更正，见第{entry['version'] + 1}版"
            filed.append(old)
            new_version(d, entry["version"] + 1, "更正版本")
    for d in docs:
        if d.key not in latest:
            new_version(d, 1, "归档后补入")
    return filed + added


def _record_version(uow: UnitOfWork, actor: Actor, case: Case, entry: dict[str, Any]) -> None:
    eventlog.append(uow.session, at=uow.now(), actor=actor.username, role=actor.role,
                    action=VERSION, committee_id=case.committee_id, case_id=case.id,
                    changes={"document": [None, entry]})


def _full_documents(uow: UnitOfWork, actor: Actor, r: forms.Reader) -> dict[str, dict[str, Any]]:
    """Each document's fields from the full record (for digests only; never shown)."""
    if r.revealed:
        full = r
    else:
        view = build_view(uow, actor, r.case, reveal=True, names_ok=True)
        full = forms.Reader(case=r.case, view=view, staff=r.staff, revealed=True, prefix=r.prefix,
                       cal=r.cal)
    return {d.key: {k: v for k, v in d.context.items() if k != "masked"}
            for d in forms.documents_of(full)}


def retention_text(days: int) -> str:
    if days % 365 == 0:
        return f"{days // 365}年"
    return f"{days}日"


# ---------------------------------------------------------------------------------------------
# Filing


def archive(uow: UnitOfWork, actor: Actor, ref: str | int, *,
            retention_days: int | None = None) -> dict[str, Any]:
    """File the closed case (归档): record who filed it, when, the retention period and the
    digest of every document; the file is frozen from then on."""
    from mediation.retention import MAX_DAYS

    case, _ = case_for(uow, actor, ref, "case.workflow")
    assert case.id is not None
    if case.state != State.closed:
        raise InvalidInput(msg("case {case} is {state}: only a closed case is filed (归档)",
                          case=case.number, state=name("state", case.state)))
    done, _ = _filed(uow, case)
    if done is not None:
        raise InvalidInput(msg("case {case} was filed on {date}; its file is frozen",
                          case=case.number,
                          date=calendars.of(uow, case.committee_id).local_date(done.at)
                          .isoformat()))
    days = retention_days
    if days is None:
        days = settings.retention_days(uow, case.committee_id)
    if days is None:
        raise InvalidInput(msg("no retention period: give --retention-days N, or a director "
                               "sets one with `mediation retention set --days N`"))
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(msg("--retention-days must be between 1 and {max}", max=MAX_DAYS))
    view = build_view(uow, actor, case, reveal=True, names_ok=True)
    staff = dict(uow.session.exec(select(Staff.username, Staff.name)).all())
    cal = calendars.of(uow, case.committee_id)
    full = forms.Reader(case=case, view=view, staff=staff, revealed=True,
                   prefix=committee_of(uow, actor).prefix, cal=cal)
    key = settings.hash_key(uow)
    manifest = []
    for seq, d in enumerate(forms.documents_of(full), start=1):
        d.file_name = _file_name(seq, d)
        ctx = {k: v for k, v in d.context.items() if k != "masked"}
        manifest.append({"key": d.key, "version": 1, "file": d.file_name,
                         "digest": _digest(key, ctx)})
    eventlog.append(uow.session, at=uow.now(), actor=actor.username, role=actor.role,
                    action=ARCHIVE, committee_id=case.committee_id, case_id=case.id,
                    changes={"retention_days": [None, days], "documents": [None, manifest]})
    return {"case": case.number, "filed_on": cal.local_date(uow.now()).isoformat(),
            "retention_days": days, "retention": retention_text(days),
            "documents": [m["file"] for m in manifest]}


def templates_root() -> Path:
    return paths.user_path("data", "templates", env="MEDIATION_TEMPLATES")
