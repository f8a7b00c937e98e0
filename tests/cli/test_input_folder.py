"""A folder given where a file is read says it is a folder (issue 14: `case new --file /tmp`
said the file did not exist): every command that reads an input file, in zh and en, through
the one check (mediation.core.files.not_readable)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result

READERS = [("case", "new", "--file"), ("case", "import"), ("lead", "accept", "1", "--file"),
           ("lead", "import"), ("db", "restore")]


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_folder_is_not_a_file(cli: Callable[..., Result],
                                demo_of: Callable[..., None], tmp_path: Path, lang: str) -> None:
    demo_of()
    folder, missing = tmp_path / "收件", tmp_path / "无此文件.json"
    folder.mkdir()
    for command in READERS:
        said = cli("--lang", lang, *command, str(folder))
        assert said.code in (1, 2), (command, said.out, said.err)
        assert len(said.err.strip().splitlines()) == 1, (command, said.err)
        assert (f"{folder} 是文件夹，不是文件" if lang == "zh" else
                f"{folder} is a folder, not a file") in said.err, (command, said.err)
        gone = cli("--lang", lang, *command, str(missing))
        assert ("文件不存在" if lang == "zh" else "no such file") in gone.err, (command, gone.err)
