"""The fixed vocabularies of a case: states, sources, roles, reasons and the other enumerations.

Stored as their string values (``StrEnum``), so raw SQL, reports and both database backends read
them plainly; shown through the catalogues under dotted keys (``state.intake``, ``source.grid``).
Pure: the state machine (``mediation.workflow``) and the tables (``mediation.cases``) both read
them, and neither pulls the other in.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    intake = "intake"
    accepted = "accepted"
    declined = "declined"
    mediating = "mediating"
    agreed = "agreed"
    terminated = "terminated"
    confirmed = "confirmed"
    closed = "closed"
    withdrawn = "withdrawn"  # the applicant withdrew before acceptance (not declined)



# The states in which the committee's work on a case is over: closed, or declined (its parties
# were sent elsewhere; only the follow-up visit may still be recorded). A finished case cannot
# be reassigned, and is no probable duplicate of a new one unless registered recently.
FINISHED: tuple[State, ...] = (State.closed, State.declined, State.withdrawn)
# The states in which mediation is under way and the deadline runs (a case there is overdue once
# its deadline has passed).
OPEN_STATES: tuple[str, ...] = (State.accepted, State.mediating)
# The states in which mediation has ended and the case awaits its follow-up, feedback and
# closing: an agreement in effect, mediation terminated, or the dispute declined.
CONCLUDED: tuple[State, ...] = (State.confirmed, State.terminated, State.declined)


class Source(StrEnum):
    application = "application"
    proactive = "proactive"
    grid = "grid"
    court = "court"
    police = "police"
    petition = "petition"
    government = "government"


class PartyRole(StrEnum):
    applicant = "applicant"
    respondent = "respondent"


class PartyKind(StrEnum):
    person = "person"
    legal_person = "legal_person"
    organisation = "organisation"


class Sex(StrEnum):
    male = "male"
    female = "female"


class IdType(StrEnum):
    resident_id = "resident_id"
    passport = "passport"
    hk_macao_permit = "hk_macao_permit"
    taiwan_permit = "taiwan_permit"
    foreign_permanent = "foreign_permanent"
    credit_code = "credit_code"
    other = "other"


class DeclineReason(StrEnum):
    """Law art. 17; Rules arts. 22-23 (≈): when a committee must not accept."""

    already_in_court = "already_in_court"
    already_with_police = "already_with_police"
    already_administrative = "already_administrative"
    reserved_by_law = "reserved_by_law"
    party_refuses = "party_refuses"


class TerminateReason(StrEnum):
    """Law art. 26: mediation ends without agreement."""

    no_agreement = "no_agreement"
    party_withdrew = "party_withdrew"
    party_refused = "party_refused"
    referred_out = "referred_out"
    escalated_to_police = "escalated_to_police"


class AgreementForm(StrEnum):
    written = "written"
    oral = "oral"


class Performance(StrEnum):
    full = "full"
    partial = "partial"
    none = "none"


class FeedbackChannel(StrEnum):
    """How the outcome was reported back to whoever brought the dispute (反馈)."""

    in_person = "in_person"
    phone = "phone"
    message = "message"
    written = "written"


class Recipient(StrEnum):
    """To whom the outcome is fed back (反馈) besides a party named (mediation.recipients): the
    parties, the grid worker who reported the dispute, the body that referred it."""

    parties = "parties"
    applicants = "applicants"
    respondents = "respondents"
    grid_worker = "grid_worker"
    court = "court"
    police = "police"
    petition = "petition"
    government = "government"


class GuardianRelation(StrEnum):
    """Who a guardian (监护人, 法定代理人) is to the party (Civil Code arts. 27-28, 32): of a
    minor, the parents, then grandparents or elder siblings; of an adult without full civil
    capacity, the spouse, parents or adult children, other close relatives; else another person
    or organisation willing, approved by the residents' or villagers' committee or the civil
    affairs department, or that committee or department itself."""

    parent = "parent"
    grandparent = "grandparent"
    spouse = "spouse"
    adult_child = "adult_child"
    sibling = "sibling"
    other_relative = "other_relative"
    willing = "willing"
    committee = "committee"


# The words clerks write for a guardian's relation (父亲, 奶奶, 哥哥), each read as the
# relation of the list it is (choices.parse): a case record written before the list, and the
# way people speak, need no translating.
RELATION_WORDS: dict[str, str] = {
    **dict.fromkeys(("父亲", "母亲", "爸爸", "妈妈", "父子", "父女", "母子", "母女", "养父",
                     "养母", "继父", "继母"), GuardianRelation.parent.value),
    **dict.fromkeys(("祖父", "祖母", "外祖父", "外祖母", "爷爷", "奶奶", "外公", "外婆",
                     "姥爷", "姥姥"), GuardianRelation.grandparent.value),
    **dict.fromkeys(("丈夫", "妻子", "夫妻"), GuardianRelation.spouse.value),
    **dict.fromkeys(("儿子", "女儿"), GuardianRelation.adult_child.value),
    **dict.fromkeys(("哥哥", "姐姐", "弟弟", "妹妹", "兄", "姐", "兄妹", "姐弟", "兄弟",
                     "姐妹"), GuardianRelation.sibling.value),
}


# The words clerks write for a natural person (自然人, Civil Code book 1 ch. 2) as a party's
# kind (a clerk's trial wrote "kind": "个人"), read by choices.parse on every path alike.
KIND_WORDS: dict[str, str] = dict.fromkeys(("个人", "公民"), PartyKind.person.value) | \
    dict.fromkeys(("公司", "企业"), PartyKind.legal_person.value)  # 法人 (Civil Code art. 76:
# a company is a for-profit legal person; written of a party, 企业 means the same)


# A person's ethnic group (民族) by GB/T 3304 (中国各民族名称的罗马字母拼写法和代码): the 56
# groups' codes 01-56, 97 其他 (not identified) and 98 外国血统中国籍人士 (a citizen of foreign
# origin). Their names are in the catalogues (ethnicity.01: 汉族, Han); typed as the code, the
# name in either language or the Chinese name without 族 (汉), read by choices.parse like every
# vocabulary, and stored as the Chinese name of the standard (汉族: what a form prints).
ETHNICITIES: tuple[str, ...] = (*(f"{n:02d}" for n in range(1, 57)), "97", "98")


class Satisfaction(StrEnum):
    satisfied = "satisfied"
    basically_satisfied = "basically_satisfied"
    dissatisfied = "dissatisfied"


class JudicialResult(StrEnum):
    pending = "pending"
    confirmed = "confirmed"
    rejected = "rejected"


class PreventionKind(StrEnum):
    suicide = "suicide"
    civil_to_criminal = "civil_to_criminal"
    group_petition = "group_petition"
    group_fight = "group_fight"


class Role(StrEnum):
    director = "director"
    mediator = "mediator"
    auditor = "auditor"
    clerk = "clerk"
    admin = "admin"
    grid_worker = "grid_worker"  # 网格员: reports leads, sees what became of them (docs/grid.md)
    # The Bureau of Justice (司法局): the district's figures across committees, read only, never
    # case content (docs/district.md)
    district_viewer = "district_viewer"


class LeadStatus(StrEnum):
    """A grid lead (docs/grid.md): in the inbox, taken as a case, or dismissed."""

    open = "open"
    accepted = "accepted"
    dismissed = "dismissed"


class DismissReason(StrEnum):
    """Why a grid lead is not taken as a case."""

    not_a_dispute = "not_a_dispute"
    resolved_on_spot = "resolved_on_spot"
    duplicate = "duplicate"


class RiskLevel(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class OutputFormat(StrEnum):
    """How a command prints its rows (``--format``; cli.tables): a fitted table, tab-separated
    rows, CSV with a header, or one JSON document."""

    table = "table"
    tsv = "tsv"
    csv = "csv"
    json = "json"


ALL_STATES: tuple[str, ...] = tuple(s.value for s in State)


# The fields of an event's changes (at any depth: a follow-up's ``visitor``) whose values are
# staff members' user names: shown to people by display name (``staff_names.label``,
# ``EventView.staff``), kept as user names in JSON. Here, not beside the event's table, so that
# the CLI's timelines read it without importing the tables (``--help`` and completion import
# nothing of the database: tests/cli/test_startup.py).
STAFF_FIELDS = frozenset({"lead_mediator", "co_mediators", "stepped_aside", "visitor",
                          "reporter", "by", "director", "username", "registrar",
                          "recorded_by", "granted_by", "assignee", "actor", "mediator", "user",
                          # a feedback's recipient, when it is the lead's grid worker
                          "to"})
