"""identity.phone_hash (keyed once per key, each hash continuing a copy) gives exactly the HMAC it
gave before: HMAC-SHA256 of ``phone\\0`` and the canonical number, under the key."""

from __future__ import annotations

import hashlib
import hmac

from hypothesis import given
from hypothesis import strategies as st

from mediation.core import identity, normalise


def _before(key: bytes, phone: str) -> str:
    canonical = normalise.phone_or_none(phone) or "".join(phone.split())
    return hmac.new(key, b"phone\x00" + canonical.encode(), hashlib.sha256).hexdigest()


@given(st.lists(st.tuples(st.sampled_from([b"", b"k", bytes(range(32)), b"x" * 100]),
                          st.one_of(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
                                    st.text(alphabet="0123456789 -+()８", max_size=16))),
                max_size=10))
def test_same_as_before(pairs: list[tuple[bytes, str]]) -> None:
    for key, phone in pairs + pairs:
        assert identity.phone_hash(key, phone) == _before(key, phone)
