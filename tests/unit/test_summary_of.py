"""caselist.summary_of makes what CaseSummary.model_construct makes of the same values (a
search's rows, issue 14), without its walk of the fields."""

from __future__ import annotations

from typing import Any

import pytest

from mediation.caselist import CaseSummary, summary_of


def _values(**over: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": 12, "number": "(2026)龙人调字第12号", "state": "mediating", "category": "02",
        "source": "application", "applicants": ["张三"], "respondents": ["李某", "王五"],
        "lead_mediator": "liming", "registered_at": "2026-01-10T20:00:00Z",
        "accepted_at": None, "deadline": "2026-02-10T16:00:00Z", "overdue": True,
        "version": 3, "days_overdue": 4, "deadline_last_day": "2026-02-10",
        "lead_mediator_name": "李明"}
    values.update(over)
    return {k: values[k] for k in CaseSummary.model_fields}


@pytest.mark.parametrize("over", [{}, {"lead_mediator": None, "lead_mediator_name": None},
                                  {"applicants": [], "deadline": None, "days_overdue": 0}])
def test_the_same_row_as_model_construct(over: dict[str, Any]) -> None:
    built, constructed = summary_of(_values(**over)), CaseSummary.model_construct(**_values(**over))
    assert built == constructed
    assert built.model_dump() == constructed.model_dump()
    assert built.model_dump_json() == constructed.model_dump_json()
    assert built.model_fields_set == constructed.model_fields_set
    assert list(vars(built)) == list(vars(constructed))
    assert repr(built) == repr(constructed)


def test_every_field_is_named() -> None:
    values = _values()
    del values["lead_mediator_name"]
    with pytest.raises(ValueError, match="lead_mediator_name"):
        summary_of(values)
