"""Hypothesis: what a clerk or an auditor can run never shows a full ID number, phone or name.

For random parties and a guardian (their names, numbers and phones, the guardian's ID number
among them, also written into the facts and the minutes),
every command of the role matrix (tests/cli/test_role_matrix.py) that an auditor or a clerk may
run is run with default options; neither its output nor any file it writes may contain a full ID
number, a full phone number or a party's full name. Commands added to the matrix later (the
statistics and export commands) are covered automatically.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mediation import intake, steps
from mediation.committee import resolve_actor
from mediation.core.identity import gb11643_check_char
from mediation.db.engines import database_url, engine_for
from mediation.db.storage import UnitOfWork
from tests.access_world import USERS, build, release
from tests.cli.test_role_matrix import EXPECTED, VARIANTS, holds

# Characters used in no staff name, label or category of the test world, so that a match is a leak.
SURNAMES = "欧阳 司马 钱 孔 曹 严 华 金 魏 陶 姜 戚 谢 邹 喻 柏 水 窦 章".split()
GIVEN = "璟瑜琪瑶珂珞琛瑾璇玥珺琰璐瑭"

names = st.builds(lambda s, g: s + g, st.sampled_from(SURNAMES),
                  st.text(alphabet=GIVEN, min_size=1, max_size=2))
ids = st.builds(
    lambda region, days, seq: _with_check(region + _birth(days) + f"{seq:03d}"),
    st.sampled_from(["430104", "110105", "310115", "440305"]),
    st.integers(min_value=0, max_value=365 * 50), st.integers(min_value=0, max_value=999))
phones = st.builds(lambda p, n: f"1{p}{n:09d}", st.sampled_from("3456789"),
                   st.integers(min_value=0, max_value=10**9 - 1))


def _with_check(first17: str) -> str:
    return first17 + gb11643_check_char(first17)


def _birth(days: int) -> str:
    from datetime import date, timedelta

    return (date(1950, 1, 1) + timedelta(days=days)).strftime("%Y%m%d")


party = st.fixed_dictionaries({"name": names, "id_number": ids, "phone": phones})
# a party's guardian: a name, an ID number (migration 0026) and a phone of its own
guardian = st.fixed_dictionaries({"name": names, "id_number": ids, "phone": phones})

READERS = ("auditor", "clerk", "district_viewer")
# The variants that stand on their own (``stats --district``), not those that reveal on purpose
# (``case show --reveal``).
RUNS = {**EXPECTED, **{v: c for v, (base, c) in VARIANTS.items() if not base}}
COMMANDS = sorted(
    (path, role) for path, cmd in RUNS.items() for role in READERS
    if cmd.permission is not None and holds(role, cmd.permission))


def test_the_readers_have_commands() -> None:
    assert ("case show", "auditor") in COMMANDS
    assert ("stats --district", "district_viewer") in COMMANDS


@settings(max_examples=6)
@given(a=party, b=party, g=guardian)
def test_no_full_personal_data_for_clerks_and_auditors(
        cli: Callable[..., Any], tmp_path: Path, a: dict[str, str], b: dict[str, str],
        g: dict[str, str]) -> None:
    people = [a["name"], b["name"], g["name"]]
    if any(x in y for x in people for y in people if x is not y) \
            or a["id_number"] == b["id_number"]:  # one person is never on both sides
        return
    db = tmp_path / "cli.db"
    if not db.exists():
        build(db)
    url = database_url(str(db))
    record = {
        "category": "02", "source": "application",
        "summary": f"{a['name']}（{a['phone']}，{a['id_number']}）称{b['name']}家漏水。",
        "requests": f"请求{b['name']}赔偿。",
        "parties": [
            {"role": "applicant", "kind": "person", "name": a["name"],
             "id_number": a["id_number"], "phone": a["phone"],
             "address": "湖南省长沙市岳麓区桐梓坡路8栋502"},
            {"role": "respondent", "kind": "person", "name": b["name"],
             "id_number": b["id_number"], "phone": b["phone"],
             "guardian": {"name": g["name"], "relation": "parent",
                          "id_number": g["id_number"], "phone": g["phone"]}},
        ],
    }
    with UnitOfWork(engine_for(url)) as uow:
        director = resolve_actor(uow, "wangfang")
        case_id = intake.new_case(uow, director, intake.parse_case(record), force=True)["id"]
        steps.assign(uow, director, case_id, mediator="liming")
        steps.accept(uow, director, case_id)
        steps.mediate(uow, director, case_id, mediator="liming", rights_notified=True)
        steps.session(uow, director, case_id,
                      minutes=f"{b['name']}（{b['phone']}）同意维修，{a['name']}同意，监护人"
                              f"{g['name']}（{g['id_number']}）到场。")
        uow.commit()
    release(db)
    secrets = [a["name"], b["name"], a["id_number"], b["id_number"], a["phone"], b["phone"],
               g["name"], g["id_number"], g["phone"]]
    for path, role in COMMANDS:
        out_dir = tmp_path / f"out-{case_id}-{role}-{path.replace(' ', '-')}"
        out_dir.mkdir()
        (out_dir / "key").write_bytes(b"0123456789abcdef0123456789abcdef")  # audit checkpoint
        args = [x.format(case=str(case_id), dir=str(out_dir), user=USERS[role])
                for x in RUNS[path].args]
        for lang in ("en", "zh"):
            result = cli("--lang", lang, *args, input=RUNS[path].input,
                         env={"MEDIATION_USER": USERS[role], "MEDIATION_DB": str(db),
                              "MEDIATION_SESSION_FILE": str(tmp_path / "session.json")})
            release(db)
            texts = [result.out, result.err] + [
                _file_text(f) for f in out_dir.rglob("*") if f.is_file()]
            for text in texts:
                for secret in secrets:
                    assert secret not in text, (path, role, lang, secret)


def _file_text(path: Path) -> str:
    """A written file's text; a Word document's is inside its (compressed) package."""
    if path.suffix == ".docx":
        import zipfile

        with zipfile.ZipFile(path) as z:
            return "\n".join(z.read(n).decode("utf-8", errors="replace")
                             for n in z.namelist() if n.endswith(".xml"))
    return path.read_text("utf-8", errors="replace")
