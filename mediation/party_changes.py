"""What a correction changed in a case's parties (``case amend``; a clerk's trial, issue 14):
the event holds the whole party list before and after (masked, as the registration's); a reader
is shown only what changed, party by party: ``第2位当事人 电话：139****4321 → 139****1111``,
a party added or removed whole. THE one computation of it (``case history``, ``audit case``,
``audit log``, on a terminal and in a pipe: cli.timeline).

How the lists line up (:func:`align`): a correction keeps the parties it does not remove in
their order, each in its place or moved up past one removed, and puts the parties it adds after
them (corrections._parties_amended); of the ways to line them up so, the one that changes
least is taken: a field changed counts 1, a party added or removed 2; on a tie, the parties
kept. An ID number counts 4 (another number is another person) only under a name not alike:
another surname, as the masked lists show it (李某 is not 王某). Under a name alike (the same,
or corrected within the surname: 罗霞 → 罗夏) it is a correction of the same party's number,
and counts 1: a number corrected together with the phone (a clerk's trial, issue 14) is one
party changed, its fields shown (the number masked), not a party removed and another added.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from mediation.core import identity

Field = tuple[str, ...]  # ("phone",), or a guardian's ("guardian", "phone")
_WHOLE = 2  # a party added, or removed: a party replaced costs 4, what 4 fields changed cost
_WEIGHT = {"id_number": 4}  # another ID number under another name: another person


@dataclass(frozen=True)
class PartyChange:
    """One party's change: ``number`` its place (1, 2, ... as case show numbers them) after the
    correction, or before it for one removed; ``fields`` each field that differs, before and
    after (a guardian's field by its path, a guardian added or removed whole by
    ``("guardian",)``); ``corrected`` the fields corrected whose values the masked lists cannot
    show (罗霞 → 罗夏, both 罗某; a sex, an address); ``party`` the whole party added or
    removed."""

    number: int
    kind: Literal["changed", "added", "removed"]
    fields: tuple[tuple[Field, Any, Any], ...] = ()
    corrected: tuple[str, ...] = ()
    party: Mapping[str, Any] | None = None


def _differs(key: str, before: Any, after: Any) -> bool:
    """Whether a field differs; a name and the same name masked (欧阳买买提江, 欧阳某: one
    side put back in full from kept values, the other not) do not."""
    if key == "name" and isinstance(before, str) and isinstance(after, str):
        return before != after and identity.mask_name(after) != before and \
            identity.mask_name(before) != after
    return bool(before != after)


def _keys(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    return [k for k in dict.fromkeys([*after, *before]) if k != "corrected"]


def _alike(before: Any, after: Any) -> bool:
    """Whether two names are alike: the same, or the same masked (the same surname)."""
    return isinstance(before, str) and isinstance(after, str) and (
        before == after or identity.mask_name(before) == identity.mask_name(after))


def _cost(before: Any, after: Any) -> int:
    if not (isinstance(before, Mapping) and isinstance(after, Mapping)):
        return 0 if before == after else 2 * _WHOLE
    alike = _alike(before.get("name"), after.get("name"))
    return sum(1 if alike else _WEIGHT.get(k, 1) for k in _keys(before, after)
               if _differs(k, before.get(k), after.get(k)))


def align(before: Sequence[Any], after: Sequence[Any]) -> list[tuple[int | None, int | None]]:
    """The parties before and after lined up: ``(i, j)`` party ``i`` before is party ``j``
    after (0-based), ``(i, None)`` removed, ``(None, j)`` added; in the order of the list
    after, the removed at their place before."""
    n, m = len(before), len(after)
    inf = float("inf")
    # best[i][j]: before[:i] lined up with after[:j], each of after[:j] paired (j <= i)
    best = [[inf] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0
    for i in range(1, n + 1):
        for j in range(0, min(i, m) + 1):
            removed = best[i - 1][j] + _WHOLE
            paired = best[i - 1][j - 1] + _cost(before[i - 1], after[j - 1]) if j else inf
            best[i][j] = min(removed, paired)
    kept = min(range(min(n, m) + 1), key=lambda k: (best[n][k] + (m - k) * _WHOLE, -k))
    pairs: list[tuple[int | None, int | None]] = []
    i, j = n, kept
    while i > 0:
        if j and best[i][j] == best[i - 1][j - 1] + _cost(before[i - 1], after[j - 1]):
            pairs.append((i - 1, j - 1))
            j -= 1
        else:
            pairs.append((i - 1, None))
        i -= 1
    return pairs[::-1] + [(None, j) for j in range(kept, m)]


def _fields(before: Mapping[str, Any], after: Mapping[str, Any]
            ) -> list[tuple[Field, Any, Any]]:
    out: list[tuple[Field, Any, Any]] = []
    for key in _keys(before, after):
        b, a = before.get(key), after.get(key)
        if not _differs(key, b, a):
            continue
        if isinstance(b, Mapping) and isinstance(a, Mapping):  # a guardian: its fields
            out += [((key, k), b.get(k), a.get(k)) for k in _keys(b, a)
                    if _differs(k, b.get(k), a.get(k))]
        else:
            out.append(((key,), b, a))
    return out


def party_changes(before: Sequence[Any], after: Sequence[Any]) -> list[PartyChange]:
    """Only what a correction changed in the parties (``before``, ``after``: the event's
    lists, each party a mapping of its fields as the log holds them, names masked or put back
    by mediation.known_names): each party changed with the fields that differ, each party
    added or removed whole; parties unchanged are left out."""
    out: list[PartyChange] = []
    for i, j in align(before, after):
        if j is None:
            assert i is not None
            out.append(PartyChange(i + 1, "removed", party=_mapping(before[i])))
        elif i is None:
            out.append(PartyChange(j + 1, "added", party=_mapping(after[j])))
        else:
            b, a = _mapping(before[i]), _mapping(after[j])
            fields = _fields(b, a)
            # a correction the lists show is not named again (a guardian's: by its name)
            seen = {f[0] for f, _b, _a in fields if len(f) == 1 or f[1] == "name"}
            hidden = tuple(str(f) for f in a.get("corrected") or () if f not in seen)
            if fields or hidden:
                out.append(PartyChange(j + 1, "changed", tuple(fields), hidden))
    return out


def _mapping(party: Any) -> Mapping[str, Any]:
    return party if isinstance(party, Mapping) else {"name": party}
