"""The guided intake's questions about one party (cli/prompts.py asks for the rest).

Each answer is checked as it is given: an ID number's check digit at once; a sex the ID number's
sex digit contradicts as soon as the second of the two is entered, with one line, and both asked
again. A guardian is asked for only when the party needs one: a minor by the birth date in their
resident ID number (or a birth date entered); an adult when the clerk says the party lacks full
civil capacity (a yes/no question, Civil Code arts. 21-23, 28); when no birth date is known, when
the clerk says so. The guardian's name is checked as a party's is (fields.person_name), so is
the guardian's ID number, asked after the name and optional (parties.guardian_id_number: a
resident ID's check digit at once), the relation is one of the list (vocab.GuardianRelation:
父母, 配偶 ..., or a word for one: 父亲).
An organisation is asked for its representative (法定代表人 of a legal person, 主要负责人 of an
unincorporated organisation: mediation.parties): the name, checked as a person's, may be left
empty when it is not known yet (the case is registered with a note); then the title (职务).

A party is filled in place, one answer at a time, so that what was answered survives an
interruption (the draft, cli/intake_draft.py) and is not asked again when it is resumed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from cli.asking import Back, answer, choose, going_back, optional, phone, refusal, say, yes
from mediation.core import choices, fields, identity, normalise
from mediation.core.calendar import DEFAULT, Calendar
from mediation.core.fields import is_minor
from mediation.core.i18n import _, name
from mediation.core.vocab import GuardianRelation, IdType, PartyKind, PartyRole, Sex
from mediation.parties import guardian_id_number, guardian_kind, representative_label

SEXES = [s.value for s in Sex]
RELATIONS = [r.value for r in GuardianRelation]


# The documents a person is identified by other than a resident ID, asked for when the number
# typed is not one (a credit code is an organisation's: asked of organisations alone).
DOCUMENTS = [t.value for t in IdType if t not in (IdType.resident_id, IdType.credit_code)]


def _identity(kind: str, id_type: str | None
              ) -> Callable[[str], tuple[str | None, str | None]]:
    """The rule of a party's number (fields.identity_of, the one ``case new --file``, ``case
    amend`` and the import apply), as a question's rule: the type and the number in their
    normal form."""
    def rule(value: str) -> tuple[str | None, str | None]:
        found = fields.identity_of(IdType(id_type) if id_type else None, value, None, None,
                                   kind)
        return found[0], found[1]
    return rule


def _looks_resident(value: str) -> bool:
    """Whether a number typed is meant as a resident ID: 18 characters, or 17 digits first."""
    folded = identity.normalise_resident_id(value)
    return len(folded) == 18 or (folded[:17].isdigit() and len(folded) >= 15)


def id_number(default: str | None = None, kind: str = PartyKind.person,
              default_type: str | None = None) -> tuple[str | None, str | None]:
    """The ID type and number, each answer checked at once by the rule of every intake
    (fields.identity_of) and asked again when wrong; ``default``: the current one (masked).
    An organisation is asked for its unified social credit code (GB 32100). A person's number
    that is no resident ID (居民身份证, the usual document) is followed by the question which
    document it is (护照, 港澳居民来往内地通行证 ...), and checked as a number of that document."""
    if kind != PartyKind.person:
        found = answer(_("Unified social credit code (18 characters; empty if unknown)"),
                       _identity(kind, None), default, default)
        return found if found is not None else (None, None)
    while True:
        value = optional(_("ID number (empty if none)"), default, identity.mask_id(default))
        if value is None:
            return None, None
        if not _looks_resident(value) and not identity.DOCUMENT_FORMS[IdType.other][0].match(
                identity.normalise_resident_id(value)):  # ?, 是: no document's number
            say(_(identity.DOCUMENT_FORMS[IdType.other][1]))
            continue
        id_type = IdType.resident_id if _looks_resident(value) else choose(
            _("Which document is it?"), "id_type", DOCUMENTS,
            default_type if default_type in DOCUMENTS else None)
        try:
            return _identity(kind, id_type)(value)
        except ValueError as exc:
            said = refusal(exc)
            if said is None:
                raise
            say(said)


def birth_date(party: dict[str, Any]) -> date | None:
    """The party's birth date as far as it is known: the one in a resident ID number, else one
    entered (a draft, a prefilled record), else None."""
    if party.get("id_type") == IdType.resident_id and party.get("id_number"):
        return identity.birth_date_of_resident_id(party["id_number"])
    try:
        return date.fromisoformat(str(party["birth_date"])) if party.get("birth_date") else None
    except ValueError:
        return None


def minor(party: dict[str, Any], calendar: Calendar | None) -> bool | None:
    """Whether a party is a minor (fields.is_minor, the rule the intake checks), or None when
    no birth date is known."""
    born = birth_date(party)
    return None if born is None else is_minor(born, calendar or DEFAULT)


def check_sex(party: dict[str, Any]) -> None:
    """A sex the resident ID number's sex digit contradicts: said in one line as soon as both
    are entered, and asked again: the sex first (the ID number's as its default), then, if the
    clerk keeps the sex, the ID number."""
    while (in_id := identity.sex_contradicted(party.get("sex"), party.get("id_type"),
                                              party.get("id_number"))) is not None:
        say(_("Sex {sex} but the ID number's sex digit says {in_id}: enter them again",
              sex=name("sex", party["sex"]), in_id=name("sex", in_id)))
        party["sex"] = choose(_("Sex"), "sex", SEXES, in_id)
        if identity.sex_contradicted(party["sex"], party.get("id_type"),
                                     party.get("id_number")) is not None:
            party["id_type"], party["id_number"] = id_number(kind=party["kind"])


def guardian(party: dict[str, Any], calendar: Calendar | None,
             current: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """The guardian of a person who needs one (see the module's text), or None: the relation
    (one of the list, vocab.GuardianRelation), the name and the ID number (each checked as a
    party's is; the number may be left empty), the phone. ``current``: the guardian entered
    before (a correction), each answer's default. Every answer is kept in ``party["guardian"]``
    as it is given (a dict from the "needs one" answer on), so that a draft resumed after an
    interruption asks none of them again."""
    g = current or {}
    kept = party.get("guardian")
    if not isinstance(kept, dict):
        needed = minor(party, calendar)
        if needed:
            say(_("This party is a minor: a minor takes part through a guardian."))
        elif needed is False:  # an adult: a guardian only for one without full civil capacity
            if not yes(_("Is the party an adult without full civil capacity, who takes part "
                         "through a guardian (Civil Code arts. 21-23)?"), default=bool(g)):
                return None
        elif not yes(_("Does the party need a guardian?"), default=bool(g)):
            return None
        kept = party["guardian"] = {}  # the "yes" is an answer: kept in the draft at once
    # the relation first: a residents' committee's name is an organisation's (fields.person_name)
    if "relation" not in kept:
        kept["relation"] = choose(_("Guardian's relation to the party"), "relation", RELATIONS,
                                  g.get("relation"))
    if "name" not in kept:
        kept["name"] = person_name(_("Guardian's name"), guardian_kind(kept["relation"]),
                                   g.get("name"))
    if "id_number" not in kept:  # checked at once by a party's rule (parties.guardian_id_number)
        kept["id_number"] = answer(
            _("Guardian's ID number (empty if none)") if guardian_kind(kept["relation"]) ==
            PartyKind.person else _("Unified social credit code (18 characters; empty if "
                                    "unknown)"),
            lambda v: guardian_id_number(v, kept["relation"]), g.get("id_number"),
            identity.mask_id(g.get("id_number")))
    if "phone" not in kept:
        kept["phone"] = phone(_("Guardian's phone (empty if none)"), g.get("phone"))
    return kept


def representative(party: dict[str, Any], current: dict[str, Any] | None = None
                   ) -> dict[str, Any] | None:
    """An organisation's representative (see the module's text), or None when the clerk does
    not know it yet: the name (checked at its prompt as a person's name is, the rule of
    ``RepresentativeIn``), then the title (职务, empty if unknown). ``current``: the one entered
    before (a correction). Each answer is kept in ``party["representative"]`` as it is given,
    so a draft resumed asks neither again."""
    r = current or {}
    kept = party.get("representative")
    who = _(representative_label(party["kind"]))
    if not isinstance(kept, dict):
        found = answer(_("{who}'s name (empty if not known yet)", who=who),
                       lambda v: fields.person_name(v, PartyKind.person), r.get("name"))
        if found is None:
            return None
        kept = party["representative"] = {"name": found}
    if "title" not in kept:
        title = answer(_("{who}'s title, e.g. 总经理 (empty if unknown)", who=who),
                       lambda v: normalise.text(v), r.get("title"))
        kept["title"] = title
    return kept


def ethnicity(default: str | None = None) -> str | None:
    """An ethnic group (fields.ethnicity: GB/T 3304, by name, 汉 or code), asked until it is
    one, or none."""
    return answer(_("Ethnicity (e.g. 汉族 or 汉; empty if unknown)"), fields.ethnicity, default)


def person_name(label: str, kind: str, default: str | None = None) -> str:
    """A name that looks like one (fields.person_name, the rule the intake checks: a person's
    has no digits or signs), asked until it does."""
    return answer(label, lambda v: fields.person_name(v, kind), default, needed=True) or ""


def party(role: str, calendar: Calendar | None, answered: dict[str, Any] | None = None,
          *, n: int = 1, current: dict[str, Any] | None = None) -> dict[str, Any]:
    """Ask for the ``n``th party of ``role`` (the header says which: 第2位被申请人).
    ``answered``: what was answered already (a resumed draft), filled in place; a question
    answered (even with nothing) is not asked again. ``current``: the party as entered (a
    correction at the summary): each answer's default, Enter keeps it (``-`` clears one)."""
    p: dict[str, Any] = answered if answered is not None else {"role": role}
    was = current or {}
    say(_("— {role} {n} —", role=name("party", p["role"]), n=n))
    if n == 1 and p["role"] == PartyRole.applicant:  # told once, at the first party
        say(_("(Type < to go back one question, to the party's kind if need be.)"))
    with going_back():
        while True:
            try:
                return _party(p, was, calendar)
            except Back:
                if not _forget_last(p):
                    say(_("This is the party's first question."))


# A party's questions in the order asked: what going back one question (asking.BACK) forgets.
ORDER = ("kind", "name", "sex", "ethnicity", "id_number", "representative", "guardian",
         "phone", "address")


def _forget_last(p: dict[str, Any]) -> bool:
    """Forget the party's last answer (of a guardian or a representative, its last one), so
    that it is asked again; whether there was one."""
    for key in reversed(ORDER):
        if key not in p:
            continue
        inner = p[key]
        if isinstance(inner, dict) and inner:
            inner.popitem()  # its answers in the order asked
        else:
            del p[key]
            if key == "id_number":
                p.pop("id_type", None)
        return True
    return False


def _party(p: dict[str, Any], was: dict[str, Any], calendar: Calendar | None
           ) -> dict[str, Any]:
    """The questions of :func:`party` not answered yet, in :data:`ORDER`."""
    if "kind" not in p:
        p["kind"] = choose(_("Kind"), "kind", [k.value for k in PartyKind],
                           was.get("kind", PartyKind.person))
    if "name" not in p:
        p["name"] = person_name(_("Name"), p["kind"], was.get("name"))
    person = p["kind"] == PartyKind.person
    if person and "sex" not in p:
        p["sex"] = choose(_("Sex"), "sex", SEXES, was.get("sex"))
    if person and "ethnicity" not in p:
        p["ethnicity"] = ethnicity(was.get("ethnicity"))
    if "id_number" not in p:
        p["id_type"], p["id_number"] = id_number(was.get("id_number"), p["kind"],
                                                 was.get("id_type"))
    if not person:
        rep = p.get("representative")  # asked now; a partial one (a draft) finished
        if "representative" not in p or (isinstance(rep, dict) and "title" not in rep):
            p["representative"] = representative(p, was.get("representative"))
    if person:
        check_sex(p)
        g = p.get("guardian")  # asked now, not refused at the end; a partial one finished
        if "guardian" not in p or (isinstance(g, dict) and "phone" not in g):
            p["guardian"] = guardian(p, calendar, was.get("guardian"))
    if "phone" not in p:
        p["phone"] = phone(default=was.get("phone"))
    if "address" not in p:
        p["address"] = answer(_("Address or work unit (empty if unknown)"),
                              lambda v: normalise.text(v), was.get("address"))
    return {k: v for k, v in p.items() if v is not None}


def line(p: dict[str, Any]) -> str:
    """A party in one line, as the summary shows it: every answer the party's questions took
    (ID number and phones masked; a document other than a resident ID named). Each value is
    marked to be kept whole (cli.lines.keep: a name, an organisation's representative with
    the title, a guardian's name, relation, masked ID number and phone; an address broken only
    between its places), so the review's wrapping never splits one (issue 14); asking.review
    removes the marks."""
    from cli.lines import keep, keep_message, keep_places, keep_value
    from mediation.core.i18n import get_language

    parts = [keep(name("kind", p["kind"])), keep_value(p["name"])]
    if p.get("sex"):
        parts.append(keep(name("sex", p["sex"])))
    if p.get("ethnicity"):
        parts.append(keep(choices.ethnicity_name(p["ethnicity"]) or p["ethnicity"]))
    if p.get("id_number"):
        masked = identity.mask_id(p["id_number"]) or ""
        parts.append(keep(masked) if p.get("id_type") in (None, IdType.resident_id)
                     else keep_message(lambda **v: "{kind} {number}".format(**v),
                                       kind=name("id_type", p["id_type"]), number=masked))
    if p.get("phone"):
        parts.append(keep(identity.mask_phone(p["phone"]) or ""))
    if p.get("address"):
        parts.append(keep_places(p["address"]))
    if p.get("guardian"):
        g = p["guardian"]
        if g.get("relation"):
            parts.append(keep_message(lambda **v: _("guardian {name} ({relation})", **v),
                                      name=g["name"], relation=name("relation", g["relation"])))
        else:
            parts.append(keep_message(lambda **v: _("guardian {name}", **v), name=g["name"]))
        if g.get("id_number"):
            parts.append(keep_message(lambda **v: _("guardian's ID number {number}", **v),
                                      number=identity.mask_id(g["id_number"]) or ""))
        if g.get("phone"):
            parts.append(keep_message(lambda **v: _("guardian's phone {phone}", **v),
                                      phone=identity.mask_phone(g["phone"]) or ""))
    rep = p.get("representative")
    if isinstance(rep, dict) and rep.get("name"):
        who = _(representative_label(p["kind"]))
        if rep.get("title"):
            parts.append(keep_message(lambda **v: _("{who} {name} ({title})", **v), who=who,
                                      name=rep["name"], title=rep["title"]))
        else:
            parts.append(keep_message(lambda **v: _("{who} {name}", **v), who=who,
                                      name=rep["name"]))
    return "，".join(parts) if get_language() == "zh" else ", ".join(parts)
