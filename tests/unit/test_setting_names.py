"""Every committee setting has a name in each language wherever it is shown (issue 14: a
clerk's trial found only two named in Chinese in messages): the one list
(``workflow.NAMED``) covers every setting, each name is Chinese under zh, and no Chinese
message names a setting by its code alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mediation import calendars, procedure, workflow
from mediation.core.i18n import gettext_

ROOT = Path(__file__).resolve().parents[2]
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("code", sorted(workflow.NAMED))
def test_each_setting_is_named_in_both_languages(code: str) -> None:
    zh = workflow.setting_name(code).render("zh")
    en = workflow.setting_name(code).render("en")
    assert HAN.search(zh) and not re.search("[A-Za-z]", zh), zh
    assert en and not en.startswith("field.") and not HAN.search(en), en
    assert zh in workflow.named(code).render("zh")  # under zh without its code (a944906)
    assert en in workflow.named(code).render("en")


def test_the_list_is_every_setting() -> None:
    """Every rule of the procedure, every field a settings event records, and every row of
    docs/settings.md's table is in the list."""
    recorded = {key.removeprefix("field.") for key in (*procedure.EVENT_NAMES,
                                                      *calendars.EVENT_NAMES)
                if key.startswith("field.")} | {"retention_days"}
    assert set(workflow.NAMED.values()) == recorded
    assert {st.name for st in workflow.SETTINGS} <= set(workflow.NAMED)
    table = re.findall(r"^\| \[", (ROOT / "docs" / "settings.md").read_text("utf-8"), re.M)
    assert len(table) == len(workflow.NAMED)


def _messages() -> list[tuple[str, str]]:
    """Every message id and its Chinese text (the zh_CN catalogues)."""
    found = []
    for po in sorted((ROOT / "data" / "locale" / "zh_CN" / "LC_MESSAGES").glob("*.po")):
        for block in po.read_text("utf-8").split("\n\n"):
            ids = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
            if ids:
                msgid = "".join(re.findall(r'"(.*)"', ids.group(1)))
                found.append((msgid, gettext_(msgid.replace('\\"', '"'), "zh")))
    return found


@pytest.mark.parametrize("code", sorted(workflow.NAMED))
def test_no_chinese_message_names_a_setting_by_its_code_alone(code: str) -> None:
    """A setting's code in a Chinese message (not an option --x, a path, a placeholder) comes
    with its Chinese name (workflow.named)."""
    name = workflow.setting_name(code).render("zh")
    alone = re.compile(rf"(?<![-\w/.{{\"]){code}(?![-\w/.}}\"])")
    bare = [zh for _id, zh in _messages() if alone.search(zh) and name not in zh]
    assert not bare
