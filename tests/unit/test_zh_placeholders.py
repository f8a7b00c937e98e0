"""Under zh a placeholder is a Chinese word (issue 14): ``请用 `mediation login 用户名` 登录``,
never ``mediation login USER``. No zh catalogue string holds a metavar of the command tree in
its English form (USER, FILE, N, LEAD, DAYS...) nor YYYY-MM-DD, outside its fields ({file})
and inside longer codes (MEDIATION_USER); options and commands are no such words."""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
from catalogues import known

# not placeholders: a format and a code the zh text names as such
WORDS = frozenset({"JSON", "ID"})


def test_no_english_placeholder_in_a_chinese_string() -> None:
    zh = known("zh_CN")
    placeholders = {k.removeprefix("metavar.") for k in zh if k.startswith("metavar.")
                    and k.removeprefix("metavar.").isupper()} - WORDS
    assert {"USER", "FILE", "N", "LEAD"} <= placeholders
    word = re.compile(r"(?<![\w$=-])(?:YYYY-MM-DD|[A-Z][A-Z_]*)(?![\w])")
    found = []
    for message_id, text in zh.items():
        bare = re.sub(r"\{[^{}]*\}", "", text)
        for m in word.finditer(bare):
            if m.group(0) == "YYYY-MM-DD" or m.group(0) in placeholders:
                found.append((message_id[:60], m.group(0)))
    assert not found, found


def test_a_refusal_names_the_permission_in_chinese_with_its_code() -> None:
    from mediation.access.policy import POLICY, permission_name
    from mediation.core.i18n import Msg

    zh = known("zh_CN")
    for permission in POLICY:
        named = permission_name(permission).render("zh")
        assert named != f"permission.{permission}" and not named.isascii(), permission
        text = Msg("{who} ({role}) {what} (permission: {permission})",
                   {"who": "王芳", "role": "主任", "what": "x", "permission": permission,
                    "named": permission_name(permission)}).render("zh")
        assert f"（权限：{named}）" in text and permission not in text, text
    settings = [t for t in zh.values() if "（设置" in t]
    assert settings and all("（设置：" in t for t in settings), settings
