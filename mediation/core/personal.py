"""Which columns of a case hold personal data: the one declaration, by table and column.

Every text column of every table of the case file (``mediation.db.casefile_changes.MODELS``),
and of every other table that belongs to a case (a ``case_id`` column), is named here exactly
once, in one of three kinds:

- :data:`FREE_TEXT`: what people typed about the dispute, which may name people and hold their
  numbers. Searched (the search index, ``mediation.db.searchindex``), shown masked by the
  reader's right to names with numbers scrubbed (``queries.build_view``), recorded in the event
  log as keyed hashes only (``casefile_changes.HASHED``), redacted by retention
  (``mediation.retention``), never in an export file.
- :data:`PARTY_DATA`: a party's own personal data (name, numbers, address, birth date, guardian),
  each with its own mask (``cases.PartyView``) and retention rule; hashed in the event log.
- :data:`NOT_PERSONAL`: codes of a vocabulary, staff members' user names, case numbers, keyed
  hashes: nothing to mask.

:data:`LINKED_TEXT` is the free text of rows that belong to a case without being its file (the
grid worker's report a case came from): not searched with the case nor shown in ``case show``,
but redacted by retention with it.

A new column is classified here, or tests/unit/test_personal_fields.py fails; every consumer
derives its list from this module, so classifying it is all it takes.
"""

from __future__ import annotations

# Free text of the case file, by table, in the order the search index and retention read it.
FREE_TEXT: dict[str, tuple[str, ...]] = {
    "cases": ("referral_ref", "summary", "requests", "advice"),
    "mediation_session": ("place", "attendees", "minutes"),
    "agreement": ("terms", "superseded_reason"),
    "extension": ("reason",),
    "follow_up": ("visited", "note", "measures", "escalation"),  # who was visited: names
    "judicial_confirmation": ("court",),
    "urging": ("note",),
    "feedback": ("recipient", "note"),  # the recipient: a person's name, often
}

# A party's own personal data (the ``party`` table).
PARTY_TABLE = "party"
PARTY_DATA: tuple[str, ...] = ("name", "birth_date", "id_number", "phone", "address",
                               "guardian_name", "guardian_relation", "guardian_phone")

# Text columns that hold no personal data.
NOT_PERSONAL: dict[str, tuple[str, ...]] = {
    "cases": ("number", "state", "category", "source", "risk_level", "registrar",
              "duplicate_of", "decline_reason", "lead_mediator", "conclusion",
              "termination_reason", "first_outcome"),
    "party": ("role", "kind", "sex", "ethnicity", "id_type", "id_hash"),  # id_hash: keyed
    "case_mediator": ("username",),
    "mediation_session": ("recorded_by",),
    "agreement": ("form",),
    "extension": ("granted_by",),
    # the visitor: a staff member's user name, or the committee member typed (not a party)
    "follow_up": ("visitor", "performance", "satisfaction"),
    "judicial_confirmation": ("result",),
    "prevention": ("kind", "recorded_by"),
    "urging": ("urged_by",),
    "feedback": ("fed_back_by", "channel"),
    "lead": ("cell", "risk", "status", "reported_by", "dismiss_reason", "decided_by"),
}

# Free text of rows that belong to a case but are not its file: redacted by retention only.
LINKED_TEXT: dict[str, tuple[str, ...]] = {
    "lead": ("place", "seen", "parties", "dismiss_note"),
}

# Everything the event log records as keyed hashes only (casefile_changes.HASHED).
PERSONAL: dict[str, tuple[str, ...]] = {**FREE_TEXT, PARTY_TABLE: PARTY_DATA}
