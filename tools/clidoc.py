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
a table are shown as records); in a pipe nothing is wrapped, so `| grep` finds every word. A
record (`case show`, `calendar show`, `procedure show`, `retention show`) in a pipe is one
`label<TAB>value` row a fact, labelled in the chosen language (`履行期限<TAB>2026-12-31`,
`Due<TAB>2026-12-31`), then its parties as a headed block: a blank line, `当事人`, a header row
(`编号<TAB>身份<TAB>姓名...`), a row each (cli/records.py); lists stay rows without a header.
Amounts are written one way (`1,200.00`).

Files: a command that writes where `--out` says (`case print`, `case file`, `export nightly`,
`report ...`, `audit checkpoint`, `token create`; likewise `db backup FILE`) never replaces a file
that is there: it refuses in one line (exit 1), before anything is written or recorded, unless
`--force` is given (`mediation.core.files.refuse_existing`, the one rule). `templates export`
never replaces a template there, `--force` or not.

Every refusal is one line on standard error (a file's problems: one line each before it), in the
`--lang` chosen, without a traceback; `--json` output is one JSON document on standard output.
The exit codes are in the table below.

A one-line message (a refusal, a note, a confirmation) fits an 80-column terminal: filled with the
longest values its fields take in practice (a case number as (2026)龙人调字第1234号, a masked name
of four characters, a path of 20 columns, a date and time), it takes at most 80 columns less the
`错误：` / `error: ` before it: 74 columns under zh (a Chinese character takes two), 73 under en.
tests/unit/test_message_width.py checks every message of the catalogues; text the CLI wraps to
the terminal (help, a statistics note, a one-time code's instructions, a note before a command
to copy) is marked `#, wrapped` in its catalogue entry. A message that needs a list longer than
that names the most common forms and leaves the rest to `--help`.
"""

# Each code of mediation.core.errors.Exit: its meaning (en, zh) and an example (the command, and
# what it says in en and zh). tests/unit/test_exit_table.py checks every member is here and in
# docs/cli.md, and runs the examples that a fresh database can.
EXITS: dict[str, tuple[str, str, str, str, str]] = {
    "OK": ("done", "完成", "mediation case show 1", "(the case)", "（案件）"),
    "REFUSED": (
        "refused: a step not allowed now, a failed guard, a permission; a well-formed reference "
        "to nothing (`case show 999`); a value read as its type but not allowed (`--amount -5`, "
        "`--persons 0`, `--days 0`); a file whose content fails validation (every problem "
        "listed); nothing written",
        "被拒绝：当前不允许的操作、条件不满足、无权限；格式正确但不存在的对象（`case show 999`）；"
        "能读懂但不允许的值（`--amount -5`、`--persons 0`、`--days 0`）；内容未通过校验的文件"
        "（列出全部问题）；未写入任何内容",
        "mediation case amend 1 --amount -5 --reason 更正",
        "error: --amount: '-5': an amount must not be negative",
        "错误：--amount：'-5'：金额不能为负数"),
    "USAGE": (
        "a usage error: a value that cannot be read as its type (`--amount 五百`, `--limit x`, "
        "`case show abc`) or is not one of a fixed list (`--state 无此状态`), an option missing "
        "or misplaced; always naming the allowed forms",
        "用法错误：无法按类型读懂的值（`--amount 五百`、`--limit x`、`case show abc`）或不在固定"
        "列表中的值（`--state 无此状态`），缺少或误用的选项；总会列出允许的写法",
        "mediation case amend 1 --amount 五百 --reason 更正",
        "error: invalid value for --amount: '五百' is not an amount; write yuan as 1500, ...",
        "错误：--amount 的值无效：'五百' 不是金额；请写作以元为单位，如 1500、……"),
    "CONFLICT": (
        "someone changed the case first (`--expect-version`), or the database stayed busy; "
        "nothing written: read it again and retry",
        "案件已被他人先行修改（`--expect-version`），或数据库持续繁忙；未写入：请重新读取后再试",
        "mediation case accept 8 --expect-version 1",
        "error: case (2026)龙人调字第8号 was changed by 王芳 at ... (now version 2); reload it "
        "and try again",
        "错误：(2026)龙人调字第8号 已被 王芳 于 …… 修改：请重读再试"),
    "INTEGRITY": (
        "an integrity failure: the event log or the case files fail verification",
        "完整性校验失败：事件日志或案卷未通过校验",
        "mediation audit verify",
        "error: audit verification failed at event 12: ...",
        "错误：审计校验在事件 12 处失败：……"),
    "INTERNAL": (
        "an internal error (a bug, or the database unreachable): nothing recorded; "
        "`MEDIATION_DEBUG=1` shows the traceback",
        "内部错误（程序缺陷，或无法连接数据库）：未记录任何内容；`MEDIATION_DEBUG=1` 可查看详情",
        "mediation --db postgresql+psycopg://nobody@127.0.0.1:1/x case list",
        "error: internal error (OperationalError): ... The step was not recorded. ...",
        "错误：内部错误（OperationalError）：……。本次操作未记录；设 MEDIATION_DEBUG=1 看详情。"),
    "INTERRUPTED": (
        "cancelled at a prompt (Ctrl-C, or Ctrl-D: end of input); nothing written",
        "在提问时取消（Ctrl-C 或 Ctrl-D）；未写入任何内容",
        "mediation case new   (then Ctrl-C)",
        "cancelled; nothing was written",
        "已取消，未写入任何数据"),
}


def exit_table() -> str:
    """The exit codes, one row per member of the enum, in its order."""
    from mediation.core.errors import Exit

    rows = ["## Exit codes\n",
            "One list, `mediation.core.errors.Exit`. The rule between 1 and 2: a value that cannot "
            "be read as its type is a usage error (2); one read but not allowed is refused (1).\n",
            "| Code | `Exit` | Meaning | 含义 | Example | en | zh |",
            "|---|---|---|---|---|---|---|"]
    for member in Exit:
        meaning, meaning_zh, command, en, zh = EXITS[member.name]
        cells = [str(int(member)), member.name, meaning, meaning_zh, f"`{command}`",
                 f"`{en}`", f"`{zh}`"]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows) + "\n"



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
    parts = [INTRO, exit_table()]
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
