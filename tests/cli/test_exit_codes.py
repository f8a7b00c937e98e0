"""The exit-code rule, over every option and argument of every command (issue 14).

The rule (mediation.core.errors: ``Exit``, ``UsageError``, ``NotFound``; docs/cli.md): a value
that cannot be read or is not one of a fixed list is a usage error, exit 2, naming the allowed
forms; a well-formed reference to something the database does not hold (a case number, a staff
member's name, a lead's or a token's number) is exit 1. Either way one line on standard error,
no traceback, in both languages.

The parameters are taken from the live command tree; each is classified by what it takes
(:func:`kind`): a parameter nobody classified FAILS ``test_every_parameter_is_classified``, so
an option added later is walked too. Each command runs from its entry in the role matrix
(tests/cli/test_role_matrix.py: arguments that work on tests/access_world.py, acting as the
director, or a role that may run it) with one value replaced.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer

from tests.access_world import ROLES, build
from tests.cli.test_role_matrix import EXPECTED, Cmd, holds, run_as

# What each kind of parameter is given: a malformed value (exit 2), and for a reference a
# well-formed one that names nothing (exit 1).
MALFORMED = {
    "case": "abc", "int": "abc", "choice": "无此值", "date": "2026-13-45",
    "datetime": "2026-13-45 99:99", "month": "13月", "quarter": "2026Q5", "year": "二〇二六年",
    "period": "2026-13", "lang": "fr", "document": "无此文书", "json": "[不是JSON",
    "party": "abc", "zone": "Mars/Olympus", "numbering": "无此编号", "username": "X!",
    "amount": "五百",
}
MISSING = {"case": "99999", "staff": "无此人", "lead": "99999", "token": "99999", "party": "9"}

# Parameters whose values are free (text, a file, a filter that may match nothing): nothing is
# malformed there. (command, parameter name); "*" for every command.
FREE = {
    ("*", "reason"), ("*", "note"), ("*", "advice"), ("*", "minutes"), ("*", "terms"),
    ("*", "place"), ("*", "attendees"), ("*", "court"), ("*", "out"), ("*", "file"),
    ("*", "folder"), ("*", "destination"),
    ("*", "db"), ("*", "key"), ("*", "anchor"), ("*", "name"), ("*", "summary"),
    ("*", "requests"), ("*", "referral"), ("*", "to"), ("*", "visited"), ("*", "measures"),
    ("*", "escalation"), ("*", "party"), ("*", "query"), ("*", "text"),
    ("*", "committee"), ("*", "prefix"), ("*", "director_name"), ("*", "committee_name"),
    ("*", "full_name"), ("*", "form_no"), ("*", "unit"), ("*", "head"), ("*", "filler"),
    ("*", "area"), ("*", "seen"), ("*", "cell"), ("*", "parties"), ("*", "swept_by"),
    ("*", "action"), ("*", "actor"), ("*", "words"), ("case visit", "visitor"),
    ("case amend", "agreement_terms"),
}


@dataclass(frozen=True)
class Param:
    command: str
    name: str
    opts: tuple[str, ...]  # () for an argument
    position: int  # an argument's place among the arguments
    kind: str | None


def kind(command: str, p: Any) -> str | None:
    """What the parameter takes: a key of MALFORMED or MISSING (or both), ``free``, or None
    (not classified: the test says so)."""
    from cli.choices import ChoiceParser

    name = p.name or ""
    metavar = (p.metavar or "").upper()
    if getattr(p, "is_flag", False) or getattr(p, "count", False):
        return "free"
    info = getattr(getattr(p, "type_descriptor", None), "parameter_info", None)
    if isinstance(getattr(info, "callback", None), ChoiceParser):
        return "choice"
    special = {("case print", "kind"): "document", ("templates export", "kind"): "document",
               ("case print", "version"): "int", ("lead dismiss", "lead_id"): "lead",
               ("lead accept", "lead_id"): "lead", ("token revoke", "token_id"): "token",
               ("report monthly", "lang"): "lang", ("report quarterly", "lang"): "lang",
               ("report yearly", "lang"): "lang", ("stats", "period"): "period",
               ("report monthly", "period"): "period", ("report quarterly", "period"): "period",
               ("report yearly", "period"): "period",
               ("case mediate", "mediator"): "staff", ("case assign", "mediator"): "staff",
               ("case recuse", "mediator"): "staff", ("case mediate", "co"): "staff",
               ("case assign", "co"): "staff", ("lead report", "found"): "datetime",
               ("case list", "category"): "choice", ("stats", "category"): "choice",
               ("templates export", "names"): "document", ("staff role", "role"): "choice",
               ("case amend", "amount"): "amount", ("case agree", "amount"): "amount",
               ("case amend", "agreement_amount"): "amount",
               ("case amend", "add_party"): "json", ("case amend", "edit_party"): "json",
               ("case amend", "prevention"): "json", ("case amend", "remove_party"): "party",
               ("calendar set", "zone"): "zone", ("procedure set", "numbering"): "numbering",
               ("staff add", "username"): "username", ("committee add", "director"): "username",
               ("case search", "mediator"): "staff",
               ("case search", "to"): "date", ("case list", "to"): "date"}
    if (command, name) in special:  # before FREE: a --to that is a date, not a recipient
        return special[(command, name)]
    if ("*", name) in FREE or (command, name) in FREE:
        return "free"
    if metavar == "CASE":
        return "case"
    if metavar == "DATE" or name in ("due", "since", "until", "date", "reported", "filed",
                                     "decided"):
        return "date"
    if metavar == "WHEN" or name == "at":
        return "datetime"
    if name in ("month", "quarter", "year"):
        return name
    if metavar in ("USER",) or name in ("user", "username", "by_user"):
        return "staff"
    annotation = getattr(getattr(p, "type_descriptor", None), "annotation", None)
    if annotation in (int, float, int | None, float | None):
        return "int"
    return None


def parameters() -> list[Param]:
    from cli.main import build_app

    root = typer.main.get_command(build_app())
    found: list[Param] = []

    def walk(cmd: Any, prefix: str) -> None:
        subs = getattr(cmd, "commands", None)
        if subs:
            for sub_name, sub in subs.items():
                walk(sub, f"{prefix} {sub_name}".strip())
            return
        position = 0
        for p in cmd.params:
            is_option = type(p).__name__ == "TyperOption"
            found.append(Param(prefix, p.name or "", tuple(p.opts) if is_option else (),
                               -1 if is_option else position, kind(prefix, p)))
            position += 0 if is_option else 1

    walk(root, "")
    return found


PARAMS = parameters()
# Commands left out: `demo` builds a whole committee; `init` and `db` commands act on the
# database file itself (their references are files, walked by test_edges); `login`'s refusal
# is one line for any name by design (it never says whether an account exists).
SKIPPED = {"demo", "login", "logout"}
CASES = [(p, what, value, code) for p in PARAMS if p.command not in SKIPPED
         for what, value, code in (("malformed", MALFORMED.get(p.kind or ""), 2),
                                   ("missing", MISSING.get(p.kind or ""), 1))
         if value is not None]


def test_every_parameter_is_classified() -> None:
    """A new option or argument must say what it takes (kind), so it is walked here."""
    unclassified = [f"{p.command} {p.opts[0] if p.opts else p.name}" for p in PARAMS
                    if p.kind is None]
    assert not unclassified, "classify these in tests/cli/test_exit_codes.py: kind()"


def test_the_walk_covers_every_kind() -> None:
    kinds = {p.kind for p in PARAMS}
    assert {"case", "staff", "choice", "date", "int", "month", "lead", "token"} <= kinds


@pytest.fixture
def backend() -> str:
    return "sqlite"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("exitcodes") / "template.db"
    build(path)
    return path


# An entry whose arguments would clash with the value walked (stats takes one period).
BASES = {"stats": ("stats", "--json")}


def with_value(p: Param, base: tuple[str, ...], value: str) -> tuple[str, ...]:
    """``base`` (a role-matrix entry's arguments) with ``p`` given ``value``."""
    args = list(base)
    words = len(p.command.split())
    if not p.opts:  # the n-th argument, after the command's words
        index = words + p.position
        if index < len(args) and not args[index].startswith("-"):
            args[index] = value
        else:
            args.insert(index, value)
        return tuple(args)
    for i, a in enumerate(args):
        if a in p.opts:
            args[i + 1] = value
            return tuple(args)
    return (*args, p.opts[0], value)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("param", "what", "value", "code"), CASES,
                         ids=[f"{p.command}:{p.opts[0] if p.opts else p.name}:{what}"
                              for p, what, _v, _c in CASES])
def test_a_bad_value_gets_its_exit_code_and_one_line(
        cli: Callable[..., Any], template: Path, tmp_path: Path, param: Param, what: str,
        value: str, code: int, lang: str) -> None:
    entry = EXPECTED[param.command]
    args = with_value(param, BASES.get(param.command, entry.args), value)
    role = next(r for r in ("director", *ROLES) if holds(r, entry.permission))
    got, out, err = run_as(cli, template, tmp_path, role,
                           Cmd(entry.permission, ("--lang", lang, *args), input=entry.input))
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith(("note:", "注"))]
    assert got == code, (args, got, err)
    assert "Traceback" not in err + out, err
    assert len(lines) == 1, (args, err)
    assert value in lines[0] or any(o in lines[0] for o in param.opts) or param.kind in (
        "int",), (args, err)
