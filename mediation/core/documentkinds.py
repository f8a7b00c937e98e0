"""The documents of a case file (卷宗), by the Ministry of Justice's 2010 forms (人民调解文书格式):
each form's template name, its title and what repeats it. Light (no database), so that help
pages can keep a document's name whole (cli.lines) without importing the case model; what each
document holds is built in ``mediation.reporting.forms``.
"""

from __future__ import annotations

from dataclasses import dataclass

from mediation.core.i18n import get_language, msg, name


@dataclass(frozen=True)
class Kind:
    """One form: its template's name, its title, and what repeats it (a session, a version)."""

    name: str
    title: str
    source: str  # the 2010 form it follows
    repeated: str | None = None  # "session", "agreement" or "visit": one document each


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("cover", "卷宗封面", "人民调解卷宗封面"),
    Kind("contents", "卷内目录", "卷内目录"),
    Kind("application", "人民调解申请书", "人民调解申请书"),
    Kind("oral_application", "人民调解口头申请登记表", "人民调解申请书（口头申请的登记）"),
    Kind("registration", "人民调解受理登记表", "人民调解受理登记表"),
    Kind("decline", "人民调解不予受理告知书", "不予受理（人民调解法第十七条）"),
    Kind("rights", "人民调解当事人权利义务告知书", "人民调解当事人权利义务告知书"),
    Kind("investigation", "人民调解调查记录", "人民调解调查记录"),
    Kind("session", "人民调解记录", "人民调解记录", "session"),
    Kind("agreement", "人民调解协议书", "人民调解协议书", "agreement"),
    Kind("oral", "人民调解口头协议登记表", "人民调解口头协议登记表", "agreement"),
    Kind("termination", "人民调解终止调解告知书", "终止调解（人民调解法第二十六条）"),
    Kind("visit", "人民调解回访记录", "人民调解回访记录", "visit"),
)}


# Which one of a repeated document it is, as its title, its file name and the case's printing
# history (cli/timeline) all say it: the nth session or visit 第n次, the nth agreement 第n版.
_NTH = {"session": "（第{no}次）", "visit": "（第{no}次）", "agreement": "（第{no}版）"}


def nth(kind: str, no: int | str) -> str:
    """``（第2次）`` for the second session's record: the one name of a repeated document's
    number (a kind that is not repeated has none: ``（第2份）``)."""
    return _NTH.get(KINDS[kind].repeated or "", "（第{no}份）").format(no=no)


def shown(kind: str, no: int | str | None = None) -> str:
    """THE name of a document in what the program says, in the reader's language: under zh
    its title as the document is titled (人民调解协议书（第1版）), under en its English name
    (mediation agreement, version 1; session record no. 2), never a Chinese title inside an
    English sentence. A key that is no kind (an old record's) as it is."""
    if kind not in KINDS:
        return name("document", kind)
    if get_language() == "zh":
        return KINDS[kind].title + ("" if no is None else nth(kind, no))
    english = name("document", kind, "en")
    if no is None:
        return english
    if KINDS[kind].repeated == "agreement":
        return msg("{document}, version {no}", document=english, no=no).render()
    return msg("{document} no. {no}", document=english, no=no).render()


def shown_key(key: str) -> str:
    """A document by its key (``agreement-1``, ``cover``), as :func:`shown` names it."""
    kind, _sep, no = key.rpartition("-")
    return shown(kind, no) if kind and no.isdigit() else shown(key)
