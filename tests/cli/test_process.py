"""The installed `mediation` command as a real process: exit codes, one-line errors."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import DATA


def run(*args: str, db: Path, lang: str = "en") -> subprocess.CompletedProcess[str]:
    exe = shutil.which("mediation", path=str(Path(sys.executable).parent)) or "mediation"
    env = {**os.environ, "MEDIATION_DB": str(db), "MEDIATION_USER": "wangfang",
           "LANG": "zh_CN.UTF-8" if lang == "zh" else "C.UTF-8", "NO_COLOR": "1"}
    env.pop("MEDIATION_LANG", None)
    return subprocess.run([exe, *args], capture_output=True, text=True, env=env, timeout=60,
                          stdin=subprocess.DEVNULL, check=False)


def test_the_command_end_to_end(tmp_path: Path) -> None:
    db = tmp_path / "room.db"
    assert run("--help", db=db).returncode == 0
    missing = run("case", "list", db=db)
    assert missing.returncode == 1 and "mediation init" in missing.stderr
    assert run("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙",
               db=db).returncode == 0
    made = run("case", "new", "--file", str(DATA / "demo" / "case.json"), "--json", db=db)
    assert made.returncode == 0 and '"number"' in made.stdout
    refused = run("case", "confirm", "1", db=db, lang="zh")
    assert refused.returncode == 1
    assert refused.stderr.startswith("错误：案件") and refused.stderr.count("\n") == 1
    usage = run("case", "accept", "--bogus", db=db)
    assert usage.returncode == 2 and usage.stderr.count("\n") == 1
    for r in (missing, refused, usage):
        assert "Traceback" not in r.stderr
    listing = run("case", "list", db=db)
    assert "\x1b[" not in listing.stdout  # NO_COLOR honoured
