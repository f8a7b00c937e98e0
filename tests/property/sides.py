"""Generated cases keep one person off both sides, by the rule itself (fields.check_sides: the
same ID number, or the same name while one has none, on opposite sides is refused): a filter
for the property tests that draw parties independently."""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from mediation.core.fields import FieldError, check_sides


def one_person_per_side(parties: Sequence[dict[str, Any]],
                        roles: Sequence[str] | None = None) -> bool:
    """Whether ``parties`` (dicts with ``name`` and ``id_number`` or ``id``; each ``role``, or
    ``roles`` in order) would be accepted by the both-sides rule."""
    shown = [SimpleNamespace(role=(roles[i] if roles else p["role"]), name=p["name"],
                             id_number=p.get("id_number", p.get("id")))
             for i, p in enumerate(parties)]
    try:
        check_sides(shown)
    except FieldError:
        return False
    return True


def first_applies(parties: Sequence[dict[str, Any]]) -> bool:
    """:func:`one_person_per_side` for parties whose first is the applicant, the rest
    respondents."""
    return one_person_per_side(parties, ["applicant"] + ["respondent"] * (len(parties) - 1))
