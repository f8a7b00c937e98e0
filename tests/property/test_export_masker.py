"""The nightly export's masker gives exactly redaction.shown_name(..., full=False) for every name
and kind, however often names repeat and when its bounded memory is forgotten."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mediation.core import redaction
from mediation.reporting import export_csv

_NAMES = st.one_of(
    st.sampled_from(["张三", " 张三 ", "欧阳娜娜", "司马懿", "Zhang San", "=HYPERLINK(1)", "",
                     "阿依古丽·买买提", "王", "x"]),
    st.text(alphabet=st.sampled_from(list("张欧阳司马 ·abZ=-@\t王某*")), max_size=8))
_KINDS = st.sampled_from(["person", "organisation", "other"])


@given(st.lists(st.tuples(_NAMES, _KINDS), max_size=40), st.integers(1, 5))
def test_same_as_shown_name(parties: list[tuple[str, str]], kept: int) -> None:
    masked = export_csv.masker(kept)  # forgets often: the answers stay the same
    for name, kind in parties + parties:
        assert masked(name, kind) == redaction.shown_name(name, kind, full=False)
