"""``case print --help`` names each document as the reader may type it (issue 14, the fifth
clerk's trial: under zh the help listed only the codes, cover…visit, while 协议书 and 回访记录
worked and the refusal named the Chinese titles). Every name the help lists is read back as
its document, in the order of the 2010 forms, in both languages."""

from __future__ import annotations

import re

import pytest

from mediation.core.documentkinds import KINDS
from mediation.core.i18n import _, set_language
from mediation.reporting.documents import document_kind

HELP = ("cover, contents, application, oral_application, registration, decline, rights, "
        "investigation, session, agreement, oral, termination, visit")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_listed_name_is_its_document(lang: str) -> None:
    set_language(lang)
    try:
        listed = re.sub(r"[（(].*?[）)]$", "", _(HELP))
        names = [n.strip() for n in re.split("[、,]", listed)]
        assert [document_kind(n) for n in names] == list(KINDS)
        if lang == "zh":
            assert not any(n.isascii() for n in names)
    finally:
        set_language("en")
