"""To whom a case's outcome may be fed back (反馈, ``case feedback --to``): whoever brought the
dispute, or its parties (Law art. 31; DOMAIN.md, feed back).

- the parties: by name, by a part of exactly one party's name (``张`` for 张三, one character
  being enough for a surname), or by the words ``双方当事人`` (all parties), ``申请人``,
  ``被申请人``;
- the grid worker, for a case from a grid report: by ``网格员``, or, for a case taken from a
  lead, by the lead's reporter's user name or (a part of) display name;
- the referring body, for a referred case: the court (``法院``), the police (``公安机关``,
  ``派出所``), the petition office (``信访部门``) or the government office (``政府部门``),
  only the one of the case's source.

A party who has a guardian (法定代理人: a minor, an adult lacking full capacity; Civil Code
arts. 23, 27-28) is told through the guardian: naming the party, or the guardian, stores the
guardian's name (masked like a party's wherever names are masked).

Anyone else is refused in one line naming who may receive it. Without ``--to``, whoever brought
the dispute: the lead's grid worker (or ``网格员``), the referring body, the applicants (a party's
application) or the parties (a dispute the committee found itself). The value stored is a
party's name, the grid worker's user name or a recipient code (shown by its name,
``recipient.court`` → 法院); the words are a vocabulary like every other (``choices.parse``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import col, select

from mediation.access.policy import Actor, sees_names
from mediation.cases import Case, Party
from mediation.core import choices, normalise, redaction
from mediation.core.errors import InvalidInput
from mediation.core.i18n import join, msg, name
from mediation.core.vocab import PartyRole, Recipient, Source
from mediation.db.storage import UnitOfWork
from mediation.tables import Lead

# The referring body of each referred source (fields.REFERRED), as a recipient.
REFERRER = {Source.court: Recipient.court, Source.police: Recipient.police,
            Source.petition: Recipient.petition, Source.government: Recipient.government}


@dataclass(frozen=True)
class Allowed:
    """Who may receive a case's feedback."""

    codes: list[str]  # recipient codes (choices kind "recipient")
    parties: list[str]  # the parties' names, in their order
    kinds: dict[str, str]  # each party's kind (person, legal person ...), by name
    worker: str | None  # the lead's grid worker's user name, for a case from a lead
    worker_name: str | None  # and their display name
    default: str  # what is stored without --to
    guardians: dict[str, str] = field(default_factory=dict)  # a party's guardian, by its name

    def listing(self, names_ok: bool) -> str:
        """Who may receive it, as a refusal names them: the words (code and Chinese name under
        zh), the parties' names (masked for a reader without the right to names), the grid
        worker's display name."""
        shown = [choices.listing("recipient", self.codes)]
        shown += [self.shown(p, names_ok) if p not in self.guardians else msg(
            "{party} (legal representative {guardian})", party=self.shown(p, names_ok),
            guardian=self.shown(self.guardians[p], names_ok)).render() for p in self.parties]
        if self.worker:
            shown.append(self.worker_name or self.worker)
        return join([s for s in shown if s])

    def shown(self, key: str, names_ok: bool) -> str:
        """A party or the grid worker as a refusal names them."""
        if key == self.worker:
            return self.worker_name or key
        return redaction.shown_name(key, self.kinds.get(key, "person"), full=names_ok)


def allowed(uow: UnitOfWork, case: Case) -> Allowed:
    """Who may receive the feedback of ``case``."""
    s = uow.session
    parties = s.exec(select(Party).where(Party.case_id == case.id)
                     .order_by(col(Party.position))).all()
    roles = {p.role for p in parties}
    codes = [Recipient.parties.value]
    codes += [c.value for c, role in ((Recipient.applicants, PartyRole.applicant),
                                      (Recipient.respondents, PartyRole.respondent))
              if role in roles]
    worker = s.exec(select(Lead.reported_by).where(Lead.case_id == case.id)).first()
    worker_name = None
    if worker is not None:
        from mediation.access import staff_names

        worker_name = staff_names.labels(uow, [worker]).get(worker)
    if worker is not None or case.source == Source.grid:
        codes.append(Recipient.grid_worker.value)
    referrer = REFERRER.get(Source(case.source))
    if referrer is not None:
        codes.append(referrer.value)
    default: str = (worker or (referrer.value if referrer else None)
                    or (Recipient.grid_worker.value if case.source == Source.grid else None)
                    or (Recipient.applicants.value if case.source == Source.application
                        and PartyRole.applicant in roles else Recipient.parties.value))
    guardians = {p.name: p.guardian_name for p in parties if p.guardian_name}
    return Allowed(codes=codes, parties=[p.name for p in parties],
                   kinds={**{g: "person" for g in guardians.values()},
                          **{p.name: p.kind for p in parties}}, worker=worker,
                   worker_name=worker_name, default=default, guardians=guardians)


def resolve(uow: UnitOfWork, actor: Actor, case: Case, typed: str | None) -> str:
    """The recipient ``typed`` names, as stored (see the module's text); refused naming who may
    receive it."""
    who = allowed(uow, case)
    text = normalise.text(typed or "").strip()
    if not text:
        return who.default
    if (found := _exact(who, text)) is not None:
        return who.guardians.get(found, found)
    parties = {n: n for n in [*who.parties, *who.guardians.values()]}
    if who.worker and who.worker_name:
        parties[who.worker] = who.worker_name
    # a party with a guardian (a minor ...) is told through the guardian: the two are one
    matched = list(dict.fromkeys(who.guardians.get(m, m) for m in choices.parts(
        text, parties, shortest=1)))
    if len(matched) == 1:
        return matched[0]
    names_ok = sees_names(actor)
    if matched:
        raise InvalidInput(msg("{typed!r} is part of several names: {found}; give one of them",
                               typed=text, found=join([who.shown(m, names_ok)
                                                       for m in matched])))
    try:  # a part of one word (当事人 → 双方当事人), or refused naming the words
        return choices.parse("recipient", text, who.codes)
    except choices.ChoiceError:
        pass
    raise InvalidInput(msg("{typed!r} may not receive this case's feedback; who may: {allowed}",
                           typed=text, allowed=who.listing(names_ok)))


def through(uow: UnitOfWork, actor: Actor, case: Case, recipient: str) -> str:
    """What a clerk is told when the feedback went to a party's guardian (法定代理人) rather
    than the party named: to whom, for whom (names masked as for the reader); else ''."""
    who = allowed(uow, case)
    wards = [p for p, g in who.guardians.items() if g == recipient]
    if not wards:
        return ""
    names_ok = sees_names(actor)
    return msg("fed back to {guardian} ({party}'s legal representative)",
               guardian=who.shown(recipient, names_ok),
               party=join([who.shown(p, names_ok) for p in wards])).render()


def _exact(who: Allowed, text: str) -> str | None:
    """A recipient named in full: a word (code or name), a party, the grid worker."""
    wanted = choices.fold(text)
    for code in who.codes:
        if wanted in {choices.fold(code), choices.fold(name("recipient", code, "zh")),
                      choices.fold(name("recipient", code, "en"))}:
            return _worker_or(who, code)
    normal = redaction.normal_name(text)
    for party in [*who.parties, *who.guardians.values()]:
        if party == normal or choices.fold(party) == wanted:
            return party
    if who.worker and wanted in {choices.fold(who.worker),
                                 choices.fold(who.worker_name or who.worker)}:
        return who.worker
    return None


def _worker_or(who: Allowed, code: str) -> str:
    """网格员 on a case from a lead is that lead's grid worker."""
    return who.worker if code == Recipient.grid_worker and who.worker else code
