"""A party's fields: what comes in (``PartyIn``, its ``GuardianIn`` and ``RepresentativeIn``) and
what is shown (``PartyView``), and the rules that read several of them. Split out of
``mediation.cases`` (which re-exports every name here and keeps the ``party`` table): the one
place a party field is declared, checked and masked.

The representative (issue 14): a party that is an organisation acts through one person, whom
the Ministry of Justice's forms (人民调解申请书, 调解协议书, 受理登记表) print beside its name and
address: ``法定代表人（主要负责人）姓名、职务``. A legal person's is its 法定代表人 (Civil Code art.
61); an unincorporated organisation's (非法人组织) its 主要负责人 (art. 102 ff.; Civil Procedure
Law art. 51). Stored as ``representative_name`` and ``representative_title`` (migration 0025);
the name is a person's, so personal data, masked like a party's name (``王某``) wherever names
are masked, searched, and wiped by retention with the party (``core.personal.PARTY_DATA``).

A case may be registered before the clerk knows who the representative is (a landlord company
named by a tenant at the counter): an organisation without one is registered, with a note that
says so (:func:`missing_representatives`), never refused; a person with one is refused (a
natural person acts in person or through a guardian or an agent, not a representative).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import BaseModel, ValidationInfo, field_validator, model_validator
from sqlmodel import Field

from mediation.core import fields, identity, redaction
from mediation.core.clock import iso
from mediation.core.fields import DateIn, FieldError, Ident, Text
from mediation.core.i18n import N_, msg
from mediation.core.vocab import GuardianRelation, IdType, PartyKind, PartyRole, Sex

# ---------------------------------------------------------------------------------------------
# The rules of a representative


def has_representative(kind: object) -> bool:
    """Whether a party of this kind acts through a representative: a legal person (法定代表人)
    or an unincorporated organisation (主要负责人); never a natural person."""
    return not redaction.is_person(kind)


def representative_label(kind: object) -> str:
    """The message id of what a party's representative is called: ``法定代表人`` (a legal
    person's) or ``主要负责人`` (an unincorporated organisation's)."""
    return N_("Legal representative") if str(getattr(kind, "value", kind)) == \
        PartyKind.legal_person else N_("Person in charge")


def check_representative(kind: object, given: bool) -> None:
    """A person has no representative (:func:`has_representative`): refused at the field."""
    if given and not has_representative(kind):
        raise FieldError("representative", N_(
            "only an organisation or a legal person has a legal representative or person in "
            "charge; a person takes part in person or through a guardian"))


def missing_representatives(parties: list[PartyIn], case_id: int) -> list[str]:
    """The note for each organisation of a record that names no representative
    (:func:`representative_notes`), for intake (``case new``, ``lead accept``)."""
    return representative_notes([(p.kind, p.name, p.representative is not None)
                                 for p in parties], case_id)


def representative_notes(parties: Sequence[tuple[object, str, bool]], case_id: int
                         ) -> list[str]:
    """THE note for each organisation that names no representative, of a case's parties
    (``(kind, name, whether it has one)`` each, in order), for intake and ``case import``
    (per line) alike: the forms print one (法定代表人（主要负责人）姓名、职务), so the clerk is
    told which party lacks it and the command that adds it (:func:`representative_command`),
    on a line of its own after the note's first; registration goes on (a clerk may not know it
    yet). ``case_id``: the case's id (what ``case amend`` takes, no brackets to quote in a
    shell)."""
    out: list[str] = []
    for i, (kind, name, has) in enumerate(parties, 1):
        if has_representative(kind) and not has:
            note = msg("party {n} ({name}) has no legal representative on record: the forms "
                       "print their name and title. Add them with this command (name and title "
                       "filled in):", n=i, name=name) \
                if str(getattr(kind, "value", kind)) == PartyKind.legal_person \
                else msg("party {n} ({name}) has no person in charge on record: the forms print "
                         "their name and title. Add them with this command (name and title "
                         "filled in):", n=i, name=name)
            out.append(f"{note.render()}\n{representative_command(case_id, i)}")
    return out


def representative_command(case_id: int, n: int) -> str:
    """The command that records party ``n``'s representative: ``mediation case amend 12
    --edit-party '2:{"representative": {"name": "姓名", "title": "职务"}}' --reason 补录法定代表
    人`` (the keys ``case amend --edit-party`` takes: ``representative``, an object of ``name``
    and ``title``), its placeholders and reason in the reader's language. One line, to copy
    whole."""
    import json
    import shlex

    edit = json.dumps({"representative": {"name": msg("NAME").render(),
                                          "title": msg("TITLE").render()}}, ensure_ascii=False)
    reason = msg("representative added").render()
    return (f"mediation case amend {case_id} --edit-party {shlex.quote(f'{n}:{edit}')} "
            f"--reason {shlex.quote(reason)}")


def representative_shown(name: str | None, title: str | None, *,
                         names: bool) -> dict[str, str | None] | None:
    """A party's representative as shown: the name as a person's (``王某`` unless ``names``),
    the title (职务) as typed; None without one (which one it is, 法定代表人 or 主要负责人, the
    party's kind says: :func:`representative_label`). THE one shape: ``case show``
    (PartyView) and the events that record a party (intake, import, correction: ``names``
    false) hold the same."""
    if not name:
        return None
    return {"name": redaction.shown_name(name, redaction.PERSON, full=names), "title": title}


# ---------------------------------------------------------------------------------------------
# What comes in


def guardian_kind(relation: object) -> PartyKind:
    """What a guardian is: a person, or an organisation when it is the residents' or villagers'
    committee (vocab.GuardianRelation.committee, Civil Code art. 32)."""
    return PartyKind.organisation if str(getattr(relation, "value", relation)) == \
        GuardianRelation.committee else PartyKind.person


def guardian_id_number(v: str | None, relation: object = None) -> str | None:
    """A guardian's ID number (身份证号) in its normal form, checked by THE rule of a party's
    (:func:`mediation.core.fields.resident_id`, ``identity_of``): a person's is a resident ID
    (GB 11643: 18 characters, a real birth date, the check digit), a committee's its unified
    social credit code (GB 32100); refused with :class:`~mediation.core.fields.FieldError`
    naming what is wrong. None or empty: none (it may be left out). The one check of
    ``GuardianIn`` and the guided intake's question."""
    return fields.resident_id(v, None, guardian_kind(relation)) or None


class GuardianIn(fields.In):
    """A guardian (监护人): a name by a party's rule (fields.person_name; an organisation's for a
    committee), a relation of the list (vocab.GuardianRelation: code, name or 父亲), an ID number
    by a party's rule (:func:`guardian_id_number`; stored with its keyed hash, migration 0026),
    a phone."""

    relation: Annotated[GuardianRelation, fields.code("relation")] | None = None
    name: Text = Field(min_length=1)
    id_number: Ident | None = None
    phone: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, v: str, info: ValidationInfo) -> str:
        if fields.refused_before(info.data, "relation"):
            return v
        return fields.person_name(v, guardian_kind(info.data.get("relation")))

    @field_validator("id_number")
    @classmethod
    def _id_number(cls, v: str | None, info: ValidationInfo) -> str | None:
        if fields.refused_before(info.data, "relation"):
            return v
        return guardian_id_number(v, info.data.get("relation"))

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str | None) -> str | None:
        return fields.phone(v)


class RepresentativeIn(fields.In):
    """An organisation's representative (法定代表人 or 主要负责人, see the module's text): a
    person's name (fields.person_name, in its normal form) and a title (职务: 总经理, 主任),
    which may be left out. In a record: ``{"name": "王建华", "title": "总经理"}``, or the name
    alone as a string."""

    name: Text = Field(min_length=1, max_length=50)
    title: Text | None = Field(default=None, min_length=1, max_length=30)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        return fields.person_name(v, PartyKind.person)


class PartyIn(fields.In):
    role: Annotated[PartyRole, fields.code("party")]
    kind: Annotated[PartyKind, fields.code("kind")] = PartyKind.person
    name: Text = Field(min_length=1, max_length=100)
    sex: Annotated[Sex, fields.code("sex")] | None = None
    ethnicity: fields.EthnicityIn | None = None
    birth_date: DateIn | None = None
    id_type: Annotated[IdType, fields.code("id_type")] | None = None
    id_number: Ident | None = None
    phone: str | None = None
    address: Text | None = None
    guardian: GuardianIn | None = None
    representative: RepresentativeIn | None = None

    @field_validator("guardian", "representative", mode="before")
    @classmethod
    def _name_alone(cls, v: Any) -> Any:
        return {"name": v} if isinstance(v, str) else v

    @field_validator("name")
    @classmethod
    def _name(cls, v: str, info: ValidationInfo) -> str:
        """A name that looks like one (fields.person_name), in its one normal form (middle
        dots, stray spaces: redaction.py), so that the duplicate check and the masking of names
        find every spelling."""
        if fields.refused_before(info.data, "kind"):
            return v
        return fields.person_name(v, info.data.get("kind", PartyKind.person))

    @field_validator("id_number")  # checked alone, so found with the record's other problems
    @classmethod
    def _id_number(cls, v: str | None, info: ValidationInfo) -> str | None:
        if fields.refused_before(info.data, "kind", "id_type"):
            return v
        return fields.resident_id(v, info.data.get("id_type"), info.data.get("kind"))

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str | None) -> str | None:
        return fields.phone(v)

    @field_validator("representative")  # a field's check: found with the record's others
    @classmethod
    def _representative(cls, v: RepresentativeIn | None,
                        info: ValidationInfo) -> RepresentativeIn | None:
        if fields.refused_before(info.data, "kind"):
            return v
        check_representative(info.data.get("kind", PartyKind.person), v is not None)
        return v

    @model_validator(mode="after")
    def _identity(self, info: ValidationInfo) -> PartyIn:
        id_type, number, born, sex = fields.identity_of(self.id_type, self.id_number,
                                                        self.birth_date, self.sex, self.kind)
        if id_type != self.id_type:
            self.id_type = id_type
        if number != self.id_number:
            self.id_number = number
        if born != self.birth_date:
            self.birth_date = born
        if sex != self.sex:
            self.sex = sex
        fields.check_guardian(self.kind, self.birth_date, self.guardian is not None, info)
        return self


# ---------------------------------------------------------------------------------------------
# What is shown


class PartyView(BaseModel):
    role: str
    kind: str
    name: str
    sex: str | None
    ethnicity: str | None
    birth_date: str | None
    id_type: str | None
    id_number: str | None
    phone: str | None
    address: str | None
    guardian: dict[str, str | None] | None
    masked: bool
    # {"name", "title"}: representative_shown; None without one (a person never has one)
    representative: dict[str, str | None] | None = None

    @classmethod
    def of(cls, p: Any, *, reveal: bool = False, names: bool = True) -> PartyView:
        """``p``: a ``cases.Party`` row. ``names=False`` (roles without access to names) masks
        persons' names too (``张某``), a representative's among them; the names of legal
        persons and organisations are not personal data and stay."""
        idn = p.id_number if reveal else identity.mask_id(p.id_number)
        phone = p.phone if reveal else identity.mask_phone(p.phone)
        show_names = reveal or names
        guardian = redaction.guardian_shown(p.guardian_name, p.guardian_relation,
                                            p.guardian_phone, reveal=reveal, names=show_names,
                                            id_number=p.guardian_id_number)
        return cls(
            role=p.role,
            kind=p.kind,
            name=redaction.shown_name(p.name, p.kind, full=show_names),
            sex=p.sex,
            ethnicity=p.ethnicity,
            birth_date=iso(p.birth_date) if reveal else None,
            id_type=p.id_type,
            id_number=idn,
            phone=phone,
            address=p.address if reveal else redaction.mask_address(p.address),
            guardian=guardian,
            masked=not reveal,
            representative=representative_shown(p.representative_name, p.representative_title,
                                                names=show_names),
        )
