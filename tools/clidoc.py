"""Write docs/cli.md from the live command tree: every command, its help and its options.

    python tools/clidoc.py            rewrite docs/cli.md
    python tools/clidoc.py --check    exit 1 if docs/cli.md is not what this would write
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

INTRO = """# Command reference

Generated from the command tree by `python tools/clidoc.py` (`make docs`); the help texts are the
same in Chinese with `mediation --lang zh COMMAND --help`.

Global options, before the command or anywhere after it (`mediation case list --lang zh` is
`mediation --lang zh case list`; a command with an option of that name of its own, `report
monthly --lang`, keeps it; nothing after `--` is moved): `--db URL` (or `MEDIATION_DB`: a file
path means SQLite, or a URL such as `postgresql+psycopg://user@host/db`), `--user NAME` (or
`MEDIATION_USER`), `--token-file FILE` (or `MEDIATION_TOKEN_FILE`), `--lang zh|en` (or
`MEDIATION_LANG`; default from `LANG`). `mediation --version` prints the
version. `mediation --install-completion` installs shell completion for the current shell (bash,
zsh, fish, PowerShell; `--show-completion` prints the script instead): it completes commands,
options, and enumerated values both as codes and as Chinese names (`--state 调` → `调解中`).

Values: every enumerated value (state, reason, satisfaction, role, source...) may be typed as its
code or its name in either language, in full-width characters too (`--state 调解中` is `--state
mediating`), or as a part of exactly one Chinese name, two characters or more (`--state 结案` is
`closed`, `--channel 微信` is `message`, `--format 表格` is `table`; a part of several names, as
`--state 调解` of 调解中 and 终止调解, is refused naming them); a category by code, name, a part of
one name (`邻里`) or a code without its leading zero (`2` → `02`). A case is named by its id, its
full number in half- or full-width brackets, or a short form (`龙12`: this year's case 12, as are
`第12号` and `12号`; `2025龙12`); a reference in none of these forms is refused listing them. A
period may be said as `本月`, `上月`, `本季度`, `上季度`, `今年` (`本年`), `去年` (`上年`) or `this
month` ... `last year`, counted from today in the committee's calendar (`stats 上月`). Every month
(`--month`, the period of `stats`) is read by one parser: `2026-11`, `2026年11月`, or `11月`
without the year (the most recent November not in the future); `report monthly` without `--month`
reports the last complete month. Lists show the newest first with the total, page with `--limit`,
`--page` and `--all`, and print a table fitted to the terminal, or tab-separated rows when standard
output is not a terminal (`--format table|tsv|csv|json` chooses); so do `audit log` and `case
history` (a timeline on a terminal, one row per event in a pipe). On a terminal no identifier,
name, state, date, number or amount is ever split across two lines, at any width (rows too wide for
a table are shown as records); in a pipe nothing is wrapped, so `| grep` finds every word. Amounts
are written one way (`1,200.00`).

Files: a command that writes where `--out` says (`case print`, `case file`, `export nightly`,
`report ...`, `audit checkpoint`, `token create`; likewise `db backup FILE`) never replaces a file
that is there: it refuses in one line (exit 1), before anything is written or recorded, unless
`--force` is given (`mediation.core.files.refuse_existing`, the one rule). `templates export`
never replaces a template there, `--force` or not.

Exit codes (one list, `mediation.core.errors.Exit`): 0 done; 1 refused by the domain (illegal
transition, failed guard, permission), a well-formed reference to something the database does not
hold (`case show 999`, `case assign 1 --mediator 无此人`, `lead dismiss 99`), or a file whose
content fails validation; 2 a usage error: a value that cannot be read or is not one of a fixed
list (`case show abc`, `case list --state 无此状态`, `report monthly --month 13月`, `--limit x`), or
an option missing or misplaced, always naming the allowed forms; 3 concurrent-edit conflict (or
the database stayed busy); 4 integrity failure; 70 an internal error (a bug, or the database
unreachable: nothing is recorded; `MEDIATION_DEBUG=1` shows the traceback); 130 cancelled at a
prompt. Every refusal is one line on standard error, in the `--lang` chosen, without a
traceback; `--json` output is one JSON document on standard output.
"""


def commands() -> list[tuple[str, Any]]:
    import typer

    from cli.main import build_app
    from mediation.core.i18n import set_language

    set_language("en")
    root = typer.main.get_command(build_app())
    found: list[tuple[str, Any]] = []

    def walk(prefix: str, cmd: Any) -> None:
        subs = getattr(cmd, "commands", None)
        if subs:
            for name in sorted(subs):
                walk(f"{prefix} {name}", subs[name])
        else:
            found.append((prefix, cmd))

    walk("mediation", root)
    return found


def _shown(arg: Any) -> str:
    """An argument as the usage line shows it: ``CASE``, ``[PERIOD]``, ``[NAME]...``."""
    text = (arg.metavar or arg.name or "").upper()
    return (text if arg.required else f"[{text}]") + ("..." if arg.nargs == -1 else "")


def render() -> str:
    parts = [INTRO]
    for path, cmd in commands():
        parts.append(f"## {path}\n")
        parts.append((cmd.help or "").strip() + "\n")
        args = [p for p in cmd.params if p.param_type_name == "argument"]
        usage = " ".join([path, *(_shown(a) for a in args), "[OPTIONS]"])
        parts.append(f"```\n{usage}\n```\n")
        from cli.examples import EXAMPLES

        shown = EXAMPLES.get(path.removeprefix("mediation").strip())
        if shown:
            parts.append("Examples:\n\n```\n" + "\n".join(shown) + "\n```\n")
        opts = [p for p in cmd.params if p.param_type_name == "option" and p.name != "help"]
        if opts:
            for p in opts:
                names = ", ".join(f"`{o}`" for o in [*p.opts, *p.secondary_opts])
                required = " (required)" if p.required else ""
                parts.append(f"- {names}{required}: {(p.help or '').strip()}")
            parts.append("")
    return "\n".join(parts).rstrip() + "\n"


def main(argv: list[str]) -> int:
    from docgen import write_or_check

    return write_or_check(ROOT / "docs" / "cli.md", render(), argv, "python tools/clidoc.py")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
