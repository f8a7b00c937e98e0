"""A form's 联系方式 (issue 14): a minor without a phone of their own is reached through the
guardian's phone, as the case view shows it (masked unless revealed), labelled as theirs."""

from __future__ import annotations

from types import SimpleNamespace

from mediation.core import redaction
from mediation.reporting.forms import contact


def test_a_party_without_a_phone_shows_the_guardians_labelled() -> None:
    guardian = redaction.guardian_shown("张大山", "parent", "13812345678", reveal=False,
                                        names=False)
    minor = SimpleNamespace(phone=None, guardian=guardian)
    assert contact(minor) == "138****5678（法定代理人）"
    assert contact(SimpleNamespace(phone="139****0000", guardian=guardian)) == "139****0000"
    assert contact(SimpleNamespace(phone=None, guardian=None)) == ""
