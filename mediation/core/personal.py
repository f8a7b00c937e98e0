"""Which columns hold personal data: the one declaration, by table and column.

Every text column of every table of the database (the models of ``mediation.cases`` and
``mediation.tables``; the event log aside, which never holds raw personal data) is named here
exactly once, in one of five kinds:

- :data:`FREE_TEXT`: what people typed about the dispute, which may name people and hold their
  numbers. Searched (the search index, ``mediation.db.searchindex``), shown masked by the
  reader's right to names with numbers scrubbed (``queries.build_view``), recorded in the event
  log as keyed hashes only (``casefile_changes.HASHED``), redacted by retention
  (``mediation.retention``), never in an export file.
- :data:`PARTY_DATA`: a party's own personal data (name, numbers, address, birth date, guardian,
  an organisation's representative),
  each with its own mask (``cases.PartyView``) and retention rule; hashed in the event log.
- :data:`RECORD_TEXT`: the free text of records that are not a case's file (a grid worker's
  report, a sweep's note): not searched with a case nor shown in ``case show``. Retention
  redacts a record that became part of a case (its ``case_id`` set: the report a case came
  from) with that case; it erases every other one once the committee's period has run from
  the record's own start (:data:`PERIOD_START`).
- :data:`KEPT_VALUES`: personal values an event refers to, kept out of the immutable log
  (``mediation.db.kept``); retention deletes them with their case or record.
- :data:`NOT_PERSONAL`: codes of a vocabulary, staff members' user names and names, case
  numbers, keyed hashes: nothing to mask.

A new column is classified here, or tests/unit/test_personal_fields.py fails; every consumer
derives its list from this module, so classifying it is all it takes. A new record kind of
:data:`RECORD_TEXT` names its start in :data:`PERIOD_START` (where a case's start is declared
too), and retention covers it
(tests/property/test_retention_covers_everything.py checks each column, on the database).
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
                               "guardian_name", "guardian_relation", "guardian_phone",
                               "guardian_id_number",  # since migration 0026
                               # an organisation's representative (mediation.parties)
                               "representative_name", "representative_title")

# Text columns that hold no personal data.
NOT_PERSONAL: dict[str, tuple[str, ...]] = {
    "cases": ("number", "state", "category", "source", "risk_level", "registrar",
              "duplicate_of", "decline_reason", "lead_mediator", "conclusion",
              "termination_reason", "first_outcome"),
    # the ID numbers' keyed hashes (the party's, its guardian's)
    "party": ("role", "kind", "sex", "ethnicity", "id_type", "id_hash", "guardian_id_hash"),
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
    # The area swept (a compound, a street) and who swept: the committee's own members and
    # grid workers at their work, as staff names are (docs/grid.md); the note is free text.
    "sweep": ("area", "swept_by", "recorded_by"),
    # The tables that are no case's and hold nothing typed about a dispute.
    "committee": ("name", "prefix"),
    "staff": ("username", "name", "role"),  # the committee's staff: seen by every member
    "credential": ("password_hash", "second_half"),  # hashes
    "access_token": ("kind", "token_hash", "created_by"),
    "setting": ("key", "value"),
    "log_head": ("hash",),
    "stat_month": ("month", "figure"),
    "kept_value": ("record", "field"),  # which row's column: "party/12", "name"
}

# Free text of records that are not a case's file: redacted by retention with the case the
# record became part of (its case_id), else erased from its own start (PERIOD_START) on.
RECORD_TEXT: dict[str, tuple[str, ...]] = {
    # the grid worker's report: where, what was seen, who (names, as typed), why dismissed
    "lead": ("place", "seen", "parties", "dismiss_note"),
    "sweep": ("note",),  # a sweep's note may name the households visited
}

# Personal values an event refers to but the log must not hold (mediation.db.kept: a party's
# name before and after a correction, a lead's place as reported; the event holds their keyed
# hash): deleted by retention with the case, or the record, they are a value of.
KEPT_VALUES: dict[str, tuple[str, ...]] = {"kept_value": ("before", "after")}

# When a record's retention period starts: the first of these columns that is set. A case:
# when it was closed; one that never reaches closing, when its purpose ended otherwise -- the
# applicant withdrew it (withdrawn_at) or the committee declined it (不予受理, declined_at: a
# declined case may still get its follow-up visit and be closed, and then counts from its
# closing, the later date). A lead:
# when it was dismissed (decided_at), else, still in the inbox, when it was reported, the last
# time anything touched it (an open lead nobody took up within the whole period is no longer
# needed either: PIPL art. 19). A lead taken as a case is kept with its case. A sweep: when it
# was recorded (a sweep is never changed after).
PERIOD_START: dict[str, tuple[str, ...]] = {
    "cases": ("closed_at", "withdrawn_at", "declined_at"),
    "lead": ("decided_at", "reported_at"),
    "sweep": ("recorded_at",),
}

# Everything the event log records as keyed hashes only (casefile_changes.HASHED).
PERSONAL: dict[str, tuple[str, ...]] = {**FREE_TEXT, PARTY_TABLE: PARTY_DATA}
