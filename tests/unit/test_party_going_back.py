"""Going back one question in a party's questions (cli.asking.BACK, issue 14): from a draft
resumed after Ctrl-C as from a party being entered, as far as its 类型; inside a guardian's
questions, one of theirs; ``<`` is plain text outside a party's questions."""

from __future__ import annotations

import io
import sys
from typing import Any

import pytest

from cli import asking, party_prompts


def _typed(monkeypatch: pytest.MonkeyPatch, *lines: str) -> io.StringIO:
    """Standard input answering ``lines``; the standard error the questions are asked on."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    return err


def test_a_resumed_draft_goes_back_to_the_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    draft: dict[str, Any] = {"role": "applicant", "kind": "person", "name": "长沙某物业",
                             "sex": "male"}
    # at 民族: back to 性别, to 姓名, to 类型; then an organisation's questions
    _typed(monkeypatch, "<", "<", "＜", "法人", "长沙市某物业服务有限公司", "", "王建华", "", "",
           "")
    got = party_prompts.party("applicant", None, draft)
    assert got["kind"] == "legal_person" and got["name"] == "长沙市某物业服务有限公司"
    assert "sex" not in got and got["representative"] == {"name": "王建华", "title": None}


def test_back_in_a_guardians_questions_is_one_of_theirs(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    draft: dict[str, Any] = {"role": "applicant", "kind": "person", "name": "张小明",
                             "sex": "male", "ethnicity": None, "id_type": None,
                             "id_number": None, "guardian": {"relation": "parent"}}
    # at 姓名: back to 关系; at the guardian's ID number (issue 14): back to 姓名
    _typed(monkeypatch, "返回", "祖父母", "张大三", "<", "张大山", "110101198001010010", "", "",
           "")
    got = party_prompts.party("applicant", None, draft)
    assert got["guardian"] == {"relation": "grandparent", "name": "张大山",
                               "id_number": "110101198001010010", "phone": None}


def test_the_first_question_has_nothing_before_it(monkeypatch: pytest.MonkeyPatch) -> None:
    err = _typed(monkeypatch, "<", "", "张三", "男", "", "", "否", "", "")
    got = party_prompts.party("applicant", None)
    assert got["name"] == "张三"
    assert "first question" in err.getvalue()


def test_outside_a_partys_questions_it_is_an_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    _typed(monkeypatch, "<")
    assert asking.ask("Facts") == "<"
