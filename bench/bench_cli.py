"""The clerk's every command (issue 18): whole-process timings against floors, as ratios.

- ``mediation case --help`` against a minimal Typer app of the same shape (the same groups, the
  same number of commands in each, a help text each, built by Typer as usual) rendering its own
  ``case --help``. Typer itself is the floor; what is above it is the program's own set-up.
- ``mediation case list --json`` on a small committee against a script that imports the same
  stack (sqlmodel, typer, rich, transitions) and runs one query on the same database.
- ``mediation case show 1`` (a clerk reading one case file) against a script that
  imports the same stack and reads that case's row and the rows of each table a case file shows.
- ``mediation --help`` and ``--version``: which of the database stack they import (none).

Paired runs: each round runs the floor and ours back to back, alternating which goes first,
``ROUNDS`` rounds (default 9); the ratio is of the medians. ``BENCH_CLI_ROUNDS`` changes it.
The program's modules are byte-compiled first, as an installed program's are.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROUNDS = int(os.environ.get("BENCH_CLI_ROUNDS", "9"))
TARGET_HELP = 1.15
TARGET_LIST = 1.15
TARGET_SHOW = 1.15
ROOT = Path(__file__).resolve().parent.parent
DB_STACK = ("sqlalchemy", "sqlmodel", "alembic", "psycopg", "mediation.db", "mediation.cases",
            "mediation.tables", "transitions")


def _env(**more: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LANG": "en_US.UTF-8", "COLUMNS": "100"}
    env.pop("MEDIATION_LANG", None)
    # The program as installed runs from byte-code (pip compiles a wheel's modules); with
    # PYTHONDONTWRITEBYTECODE set, a source tree's modules would be compiled again on every
    # run (about 60 modules, 50-150 ms), which the floor, all site-packages, never pays.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(more)
    return env


def _mediation(*args: str) -> list[str]:
    return [sys.executable, "-c", "import sys; from cli.main import main; sys.exit(main())",
            *args]


def _time(argv: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          check=False)
    elapsed = time.perf_counter() - t
    if done.returncode != 0:
        raise RuntimeError(f"{argv[-3:]} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return elapsed


def paired(floor: list[str], ours: list[str], env: dict[str, str],
           rounds: int = ROUNDS) -> tuple[float, float, float]:
    """(median floor seconds, median ours seconds, ratio)."""
    _time(floor, env), _time(ours, env)  # warm the file cache
    a: list[float] = []
    b: list[float] = []
    for i in range(rounds):
        if i % 2:
            b.append(_time(ours, env))
            a.append(_time(floor, env))
        else:
            a.append(_time(floor, env))
            b.append(_time(ours, env))
    fa, fb = statistics.median(a), statistics.median(b)
    return fa, fb, fb / fa


# ---------------------------------------------------------------------------------------------
# The floor of `case --help`: a Typer app of the same shape


def app_shape() -> list[tuple[str | None, int]]:
    """The real app's groups and how many commands each holds (None: the top level's own)."""
    code = ("import json, typer; from cli.main import build_app, choose_language; "
            "choose_language([]); cmd = typer.main.get_command(build_app()); "
            "print(json.dumps([[n, len(getattr(c, 'commands', {})) or None] "
            "for n, c in cmd.commands.items()]))")
    out = subprocess.run([sys.executable, "-c", code], env=_env(), capture_output=True,
                         text=True, check=True).stdout
    groups: list[tuple[str | None, int]] = []
    top = 0
    for name, count in json.loads(out):
        if count is None:
            top += 1
        else:
            groups.append((name, count))
    return [(None, top), *groups]


def floor_app(shape: list[tuple[str | None, int]]) -> str:
    """A minimal Typer app with ``shape``'s groups and commands, each with a help text."""
    lines = ["import typer", "",
             "app = typer.Typer(name='floor', help='The floor.', no_args_is_help=True,",
             "                  rich_markup_mode=None)", ""]
    for g, (group, count) in enumerate(shape):
        owner = "app"
        if group is not None:
            owner = f"g{g}"
            lines += [f"{owner} = typer.Typer(help='Group {group}: its commands.', "
                      "no_args_is_help=True)",
                      f"app.add_typer({owner}, name={group!r})"]
        for i in range(count):
            lines += [f"@{owner}.command('c{g}x{i}', help='Command {i} of group {g}: what it "
                      "does, in one line.')",
                      f"def c{g}x{i}(ref: str = typer.Argument(..., help='The case.')) -> None:",
                      "    pass", ""]
    lines += ["if __name__ == '__main__':", "    app()"]
    return "\n".join(lines) + "\n"


def bench_help() -> dict[str, Any]:
    shape = app_shape()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "floor.py"
        path.write_text(floor_app(shape))
        floor, ours, ratio = paired([sys.executable, str(path), "case", "--help"],
                                    _mediation("case", "--help"), _env())
    return {"commands": sum(n for _, n in shape), "floor_s": floor, "ours_s": ours,
            "ratio": ratio, "target": TARGET_HELP}


# ---------------------------------------------------------------------------------------------
# The floor of `case list --json`: the same stack imported, one query


LIST_FLOOR = """
import json, sys
import rich, sqlmodel, transitions, typer  # the same stack
from sqlalchemy import create_engine, text
engine = create_engine(sys.argv[1])
with engine.connect() as conn:
    rows = conn.execute(text("SELECT id, number, state, version FROM cases ORDER BY id")).all()
print(json.dumps([list(r) for r in rows]))
"""


def _small_committee(folder: Path) -> str:
    db = folder / "small.db"
    env = _env(MEDIATION_DB=str(db))
    subprocess.run(_mediation("demo", "--fresh"), env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return str(db)


def bench_list() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        db = _small_committee(Path(tmp))
        floor_py = Path(tmp) / "floor.py"
        floor_py.write_text(LIST_FLOOR)
        env = _env(MEDIATION_DB=db, MEDIATION_USER="wangfang")
        floor, ours, ratio = paired([sys.executable, str(floor_py), "sqlite:///" + db],
                                    _mediation("case", "list", "--json"), env)
    return {"floor_s": floor, "ours_s": ours, "ratio": ratio, "target": TARGET_LIST}


# ---------------------------------------------------------------------------------------------
# The floor of `case show`: the same stack imported, the case file's rows read


SHOW_FLOOR = """
import json, sys
import rich, sqlmodel, transitions, typer  # the same stack
from sqlalchemy import create_engine, text
engine = create_engine(sys.argv[1])
with engine.connect() as conn:
    case = conn.execute(text("SELECT * FROM cases WHERE id = 1")).mappings().one()
    rows = {t: [dict(r) for r in conn.execute(text(f"SELECT * FROM {t} WHERE case_id = 1"))
                                       .mappings()]
            for t in ("party", "case_mediator", "mediation_session", "agreement", "extension",
                      "follow_up", "judicial_confirmation", "prevention", "urging", "feedback")}
    staff = conn.execute(text("SELECT username, name FROM staff")).all()
print(json.dumps({"case": dict(case), "rows": rows, "staff": [list(s) for s in staff]},
                 default=str))
"""


def bench_show() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        db = _small_committee(Path(tmp))
        floor_py = Path(tmp) / "floor.py"
        floor_py.write_text(SHOW_FLOOR)
        env = _env(MEDIATION_DB=db, MEDIATION_USER="wangfang")
        floor, ours, ratio = paired([sys.executable, str(floor_py), "sqlite:///" + db],
                                    _mediation("case", "show", "1"), env)
    return {"floor_s": floor, "ours_s": ours, "ratio": ratio, "target": TARGET_SHOW}


# ---------------------------------------------------------------------------------------------
# What --help, --version and completion import


def imported(*args: str, env: dict[str, str] | None = None) -> list[str]:
    """The modules of the database stack a run of ``mediation ARGS`` imported."""
    code = ("import sys\nfrom cli.main import run\ntry:\n    run(sys.argv[1:])\n"
            "finally:\n    sys.stdout.flush()\n    print('\\n@@' + ' '.join(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code, *args], env=env or _env(),
                         capture_output=True, text=True, check=False).stdout
    mods = out.rsplit("@@", 1)[-1].split()
    return sorted({m for m in mods if m.startswith(DB_STACK)})


def bench_imports() -> dict[str, list[str]]:
    complete = _env(_MEDIATION_COMPLETE="complete_bash", COMP_WORDS="mediation case ",
                    COMP_CWORD="2")
    return {"--help": imported("--help"), "case --help": imported("case", "--help"),
            "--version": imported("--version"), "completion": imported(env=complete)}


def compile_sources() -> None:
    """Byte-compile the program's modules, as installing it does (see :func:`_env`)."""
    import compileall

    for folder in ("cli", "mediation"):
        compileall.compile_dir(ROOT / folder, quiet=1)


def main() -> None:
    compile_sources()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average {load:.2f}, {ROUNDS} paired rounds each")
    h = bench_help()
    print(f"case --help          {h['ours_s'] * 1000:7.1f} ms vs Typer floor "
          f"({h['commands']} commands) {h['floor_s'] * 1000:7.1f} ms: "
          f"{h['ratio']:.2f}x (target <= {h['target']}x)")
    li = bench_list()
    print(f"case list --json     {li['ours_s'] * 1000:7.1f} ms vs same-stack script "
          f"{li['floor_s'] * 1000:7.1f} ms: {li['ratio']:.2f}x (target <= {li['target']}x)")
    sh = bench_show()
    print(f"case show 1          {sh['ours_s'] * 1000:7.1f} ms vs same-stack script "
          f"{sh['floor_s'] * 1000:7.1f} ms: {sh['ratio']:.2f}x (target <= {sh['target']}x)")
    for what, mods in bench_imports().items():
        print(f"{what:<20} imports of the database stack: {', '.join(mods) or 'none'}")


if __name__ == "__main__":
    main()
