"""Lines of text for people (timelines, a case file, the agenda, help pages): the one rule of
where a line may break.

On a terminal a line is wrapped to its width, but a value is never split across two lines: an
identifier, a name, a state, a date and time, a number or an amount is marked with :func:`keep`
where the line is composed, and :func:`wrap` breaks only around it (prose, a summary or
minutes, breaks anywhere). When standard output is not a terminal nothing is wrapped:
each line is written whole, so ``| grep`` finds every word. Whatever is wrapped, a typed
example whose digits are grouped by spaces (``138 1234 5678``) is one piece, as an ASCII word
(an option, a code, a number) is.

Help pages are written by the framework, not composed here: :func:`protect` finds in their text
what must stay whole (a bracketed marker such as ``[必填]``, the name of a state, a category, a
document or any other enumerated value, an article ``第二十五条``, a number with its unit
``1.5万``, a short term in brackets ``（调解协议书）``, a command in backquotes or, in Chinese, in
the sentence itself), and every help page wraps the marked text through :func:`help_wrap`
(cli.framework.TranslatingFormatter), preferring to break after Chinese punctuation or at a
space, else before a word that starts a phrase or after 的; an example command too wide for
the page is broken between its words with a ``\\`` (:func:`command_lines`). Messages on
standard error (:func:`err`) and a report's paragraphs (cli.render.paragraph) wrap the same
way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from cli import output


def width(text: str) -> int:
    """Columns a string takes on a terminal: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else
               0 if unicodedata.combining(c) else 1 for c in text)


# A value kept whole on one line (an identifier, a name, a state, a date, a number): between
# these two private-use characters (cli.lines.keep), which wrap() removes.
KEEP, END = "\ue000", "\ue001"
# No break here (cli.lines.joined): a label stays on one line with the start of its value
# (``证件号码：430***********0023``, ``监护人：（姓名：周建国``), never ``证件号码：`` alone.
JOIN = "\ue002"
# A typed example whose digits are grouped by spaces (138 1234 5678, +86 138 1234 5678,
# 0731 8888 6666, 2026-11-28 15:00) is one piece, as an ASCII word is: a space between two
# digits is inside a value, never a place to break.
_GROUPED = "(?:[\x21-\x7e]*[0-9] (?=[0-9]))*[\x21-\x7e]+"
_TOKEN = re.compile(f"[\x21-\x7e]*(?:\ue000[^\ue001]*\ue001[\x21-\x7e]*)+|{_GROUPED}|[ \t]+|.",
                    re.S)
_KEPT = re.compile("[\x21-\x7e]*\ue000[^\ue001]*\ue001|[^\ue000]+", re.S)
_PLAIN = re.compile(r"[\x21-\x7e]+|[ \t]+|.", re.S)
_NO_LINE_START = set("，。、；：？！）》」』】,.;:?!)%")
_NO_LINE_END = set("（《「『【([")
_GOOD_AFTER = set("，。、；：？！）》」』】,;:?!)")  # a break after one of these reads well
_GOOD_BEFORE = set("或和与及并但而不也在按由向对从将把被则即如若须应可")  # and before these
_WORD_END = set("的了")  # and, short of those, after a particle that ends a phrase


def unmarked(text: str) -> str:
    """``text`` without the marks of values kept whole."""
    return text.replace(KEEP, "").replace(END, "").replace(JOIN, "")


def joined(value: str) -> str:
    """A labelled value (``{field}: {value}``) whose start stays on the label's line: the value
    to put in the template. THE one rule that a label and its value are never split (every
    timeline, a record's ``field: value`` lines, a table's cells shown under their row)."""
    from mediation.core.i18n import shown_as

    return shown_as(value, JOIN + value)


def _tokens(text: str, room: int) -> list[str]:
    """The pieces a line may break between: ASCII words, single CJK characters, white space,
    and each value kept whole with what is attached to it (``#12``, ``[案件 …]``); a kept value
    wider than the whole line (``room``) is broken as ordinary text, the one exception. A
    label (what comes before a :data:`JOIN`, back to its colon's word) is one piece with the
    first piece of its value, where the two fit on a line."""
    out: list[str] = []
    glue = False
    for token in _pieces(text, room):
        if token == JOIN:
            glue = True
            continue
        if glue and out:
            k = len(out) - 1
            while k > 0 and out[k].isspace():
                k -= 1
            while k > 0 and out[k][0] in _NO_LINE_START and not out[k - 1].isspace():
                k -= 1  # ``：`` never starts a line: the label's word before it comes too
            if width("".join(out[k:]) + token) <= room:
                out[k:] = ["".join(out[k:]) + token]
                glue = False
                continue
        glue = False
        out.append(token)
    return out


def _pieces(text: str, room: int) -> list[str]:
    out: list[str] = []
    for token in _TOKEN.findall(text):
        if KEEP not in token:
            out.extend([token] if " " not in token.strip() or width(token) <= room else
                       _PLAIN.findall(token))
        elif width(unmarked(token)) <= room:
            out.append(unmarked(token))
        else:  # kept values side by side: each on its own, a line may break between them
            for part in _KEPT.findall(token):
                plain = unmarked(part)
                out.extend([plain] if KEEP in part and width(plain) <= room else
                           _PLAIN.findall(plain))
    return out


def _cut(line: list[str], lead: int, columns: int, prefer: bool) -> int:
    """Where a line breaks, ``line`` being its tokens and the one that does not fit (an index
    into them): with ``prefer``, at the last space or after the last Chinese punctuation that
    leaves the line two thirds full, or else before a word that starts a phrase (或, 不, 按);
    or after a particle that ends one (的, 了); otherwise before the one that does not fit.
    Never before closing punctuation nor after an opening bracket."""
    cut = len(line) - 1
    if prefer:
        least = lead + (columns - lead) * 2 // 3
        used = lead + sum(width(t) for t in line)
        second = None  # before a word that starts a phrase (或, 不, 按): better than anywhere
        for i in range(len(line) - 1, 0, -1):
            used -= width(line[i])
            if used < least:
                break
            before, after = line[i - 1], line[i]
            if (before.isspace() or before[-1] in _GOOD_AFTER) and \
                    after[0] not in _NO_LINE_START:
                return i
            if second is None and before[-1] not in _NO_LINE_END and (
                    (after[0] in _GOOD_BEFORE and before[-1] not in _GOOD_BEFORE) or
                    (before[-1] in _WORD_END and after[0] not in _NO_LINE_START)):
                second = i
        if second is not None:
            return second
    # closing punctuation never starts a line: take the character before along
    while cut < len(line) and line[cut][0] in _NO_LINE_START and cut > 1 and \
            not line[cut - 1].isspace():
        cut -= 1
    # an opening bracket never ends one
    while cut > 1 and line[cut - 1][-1] in _NO_LINE_END:
        cut -= 1
    return cut


def wrap(text: str, columns: int, indent: str = "", first_indent: str | None = None,
         prefer: bool = False) -> list[str]:
    """Wrap one paragraph by display width: ASCII words and kept values (``cli.lines.keep``)
    stay whole, CJK breaks between characters, closing punctuation never starts a line and an
    opening bracket never ends one; with ``prefer`` a line breaks at a space or after Chinese
    punctuation where that leaves it two thirds full (help pages)."""
    columns = max(columns, 10)
    lead = indent if first_indent is None else first_indent
    lines: list[str] = []
    line: list[str] = []
    used = width(lead)
    room = columns - max(width(lead), width(indent))
    for token in _tokens(" ".join(text.split("\n")), room):
        w = width(token)
        if token.isspace():
            if line:
                line.append(" ")
                used += 1
            continue
        if used + w > columns and token[0] in _NO_LINE_START and line and line[-1].isspace():
            line.pop()  # a space before closing punctuation is no place to break: drop it
            used -= 1
        if used + w > columns and line and not (used > columns and token[0] in _NO_LINE_START):
            cut = _cut([*line, token], width(lead), columns, prefer)
            if width(indent) + sum(width(t) for t in line[cut:]) + w > columns:
                cut = len(line)  # what is carried must fit the next line
            carry = line[cut:]
            del line[cut:]
            while line and line[-1].isspace():
                line.pop()
            while carry and carry[0].isspace():
                carry.pop(0)
            lines.append(lead + "".join(line))
            lead = indent
            line = carry
            used = width(lead) + sum(width(t) for t in line)
        line.append(token)
        used += w
    while line and line[-1].isspace():
        line.pop()
    if line or not lines:
        lines.append(lead + "".join(line))
    return lines


def err(line: str) -> None:
    """Standard error's lines (errors and notes; render.err): on a terminal each wrapped to its
    width as a help page is (a path, a command, a case number, a date and time, a state's name
    kept whole, a break preferred after punctuation), never left to the terminal to cut
    anywhere; in a pipe as given, one line each."""
    if output.is_terminal(stderr=True):
        cells = output.console(stderr=True).width
        line = "\n".join(_message_line(part, cells) for part in output.clean(line).split("\n"))
    output.err(line)


def _message_line(line: str, cells: int) -> str:
    if width(line) <= cells or not line.strip():
        return line
    lead = line[:len(line) - len(line.lstrip(" "))]
    return "\n".join(help_wrap(line.strip(), cells, indent=lead, first_indent=lead))


def help_wrap(text: str, columns: int, indent: str = "", first_indent: str | None = None
              ) -> list[str]:
    """The one wrap of every help page: what must stay whole marked (cli.lines.protect: a
    ``[必填]``, a state's or a document's name, an article), broken preferably at a space or
    after Chinese punctuation."""
    return wrap(protect(text), columns, indent, first_indent, prefer=True)



KEPT = 24  # terminal cells: a free-text value up to this wide is taken for a name, kept whole


def keep(value: object) -> str:
    """``value`` as text that a wrapped line never splits."""
    text = str(value)
    return f"{KEEP}{text}{END}" if text else text


def keep_short(value: object) -> str:
    """A free-text value: kept whole when it is short (a name, a code, a number), left to
    break as prose when longer."""
    text = str(value)
    return keep(text) if width(text) <= KEPT else text


# A file's name or path in a longer text (备份/调解-2026-11-30.db, /srv/卷宗/龙12.docx): kept whole.
_FILE = re.compile(r"[^\s，。；：、,;（）()]*/[^\s，。；：、,;（）()]+|"
                   r"[^\s，。；：、,;（）()/]+\.[A-Za-z][A-Za-z0-9]{0,4}(?![A-Za-z0-9])")


_WORDS: ContextVar[tuple[str, ...]] = ContextVar("words_kept", default=())


@contextmanager
def words_kept(words: Iterable[str]) -> Iterator[None]:
    """Within it, :func:`keep_value` keeps each of ``words`` whole inside prose too (the
    persons' names a record's free text holds: an agreement's terms, a reason)."""
    token = _WORDS.set(tuple(sorted({w for w in words if w}, key=len, reverse=True)))
    try:
        yield
    finally:
        _WORDS.reset(token)


def _kept_words(text: str) -> str:
    words = [w for w in _WORDS.get() if w in text]
    if not words:
        return text
    return re.sub("|".join(re.escape(w) for w in words), lambda m: keep(m.group()), text)


def keep_value(value: object) -> str:
    """A value of a record (an event's field): kept whole when short (:func:`keep_short`) or
    one word (a name of 20 characters: no space, no punctuation, up to 48 columns); prose is
    free to break, but never inside a file's name or path, a case number, a date and time or
    any other value :func:`protect` finds."""
    text = str(value)
    if width(text) <= KEPT or (width(text) <= 2 * KEPT and not any(
            ch.isspace() or ch in _BREAKS for ch in text)):
        return keep(text)
    return protect(_kept_words(_FILE.sub(lambda m: keep(m.group()), text)))


def keep_message(message: Callable[..., str], **values: str) -> str:
    """A message filled with ``values`` (``message``: its template in the current language,
    ``lambda **v: _("guardian {name} ({relation})", **v)``) in which nothing is split: each
    value kept whole (:func:`keep_value`, quoted as a message quotes it), and each word of the
    template's own text too (``监护人身份证号``); pieces side by side stay on one line where
    they fit (``法定代表人王建华（总经理）``), else the line breaks between two of them."""
    from mediation.core.i18n import quoted

    slots = {k: f"{_SLOT}{k}{_SLOT_END}" for k in values}
    template = _SLOTS.split(message(**slots))
    return "".join(keep_value(quoted(values[part])) if i % 2 else
                   re.sub(r"\S+", lambda m: keep(m.group()), part)
                   for i, part in enumerate(template))


_SLOT, _SLOT_END = "\ue003", "\ue004"  # where a value goes in a template (keep_message)
_SLOTS = re.compile("\ue003([^\ue004]*)\ue004")


def keep_each(text: str) -> str:
    """A list of names as one text (``张三 与 李四、王五``): each name kept whole, the line
    free to break between them."""
    import re

    return re.sub(r"[^\s、，,]+", lambda m: keep(m.group()), text)


# The places of a Chinese address, each ending in its kind (湖南省|长沙市|岳麓区|龙王港街道|
# 桐梓坡路|8栋|502): an address wraps between them, never inside a place's name.
_PLACE = re.compile(r"[^\s，,、]+?(?:自治区|自治州|自治县|街道|社区|小区|新村|大道|大街|胡同|"
                    r"单元|[省市区县旗盟镇乡村屯组路街巷弄里道号栋幢楼座室层院])|[^\s，,、]+")


def keep_places(address: str) -> str:
    """An address whose places are each kept whole (a line may break between them)."""
    return _PLACE.sub(lambda m: keep(m.group()) if width(m.group()) <= KEPT else m.group(),
                      unmarked(address))


_BREAKS = "，。、；：？！,;?!"  # a name holding one of these is a phrase, free to break
_SHAPES = (
    r"[(（]\d{4}[)）][^\s，。、；：()（）]{1,12}?第\d+号",  # a case number (2026)龙人调字第12号
    r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}",  # a date and time
    r"\[[^\[\]\n]+\]",  # a marker the framework adds: [必填], [默认：50；1 至 100]
    r"`(?![\s，。、；：）])[^`\n]{1,58}`",  # a command to type (not the gap between two)
    r"第[〇零一二三四五六七八九十百千\d]+[条款项章节]",  # an article of a law
    r"[（《「『【][^（）《》「」『』【】，。、；：？！\s]{1,10}[）》」』】]",  # a term, a title
    r"\d[\d,.]*\s?[万元天日件人名条次年月号岁个页]",  # a number with its unit
)
# A command written in Chinese prose without backquotes (请用 mediation agenda --committee 查看):
# its Latin words can only be the command's own. (In English, "mediation" starts prose too.)
_COMMAND = r"\bmediation(?: --?[a-z][a-z0-9-]*| [A-Za-z0-9][A-Za-z0-9_.:/-]*)+"


@cache
def _protected(lang: str) -> re.Pattern[str]:
    """The pattern of what :func:`protect` keeps whole in ``lang``: the shapes above and every
    name of an enumerated value or a category (longest first)."""
    from mediation.core import categories
    from mediation.core.i18n import names

    words = {text.strip() for text in names(lang).values()}
    words |= {c.name(lang) for c in categories.all_categories()}
    if lang.startswith("zh"):  # a document's name, in full and without 人民 (调解协议书)
        from mediation.core.documentkinds import KINDS

        words |= {n for k in KINDS.values() for n in (k.title, k.title.removeprefix("人民"))}
    words = {w for w in words if len(w) >= 2 and width(w) <= KEPT and not any(
        ch in _BREAKS for ch in w) and (not w.isascii() or " " in w)}
    shapes = [*_SHAPES, _COMMAND] if lang.startswith("zh") else _SHAPES
    return re.compile("|".join([*shapes, *(re.escape(w) for w in sorted(
        words, key=len, reverse=True))]))


_MARKED = re.compile("(\ue000[^\ue001]*\ue001)")


def protect(text: str) -> str:
    """``text`` with what must not be split marked as :func:`keep` does (help pages, a table's
    wrapping cells, a message on a terminal); what is marked already stays as it is."""
    from mediation.core.i18n import get_language

    pattern = _protected(get_language())
    return "".join(part if KEEP in part else pattern.sub(lambda m: keep(m.group()), part)
                   for part in _MARKED.split(text))


# ``--format table`` asked for explicitly: lines fitted to the width (COLUMNS) even in a pipe,
# as a table is. Set by tables.output_format, cleared at the start of each run (cli.main).
_TABLE_ASKED: list[bool] = [False]


def table_asked(asked: bool = True) -> None:
    _TABLE_ASKED[0] = asked


def columns() -> int | None:
    """The width lines are wrapped to: the terminal's (or with ``--format table``, COLUMNS),
    or None (no wrapping) in a pipe."""
    if output.is_terminal() or _TABLE_ASKED[0]:
        return output.console().width
    return None


def fit(text: str, cells: int | None, indent: str = "", first_indent: str | None = None
        ) -> list[str]:
    """``text`` as the lines it takes at ``cells`` columns (one unwrapped line for None)."""
    lead = indent if first_indent is None else first_indent
    if cells is None:
        return [lead + " ".join(unmarked(text).strip().split("\n"))]
    return wrap(text, cells, indent=indent, first_indent=first_indent)


def emit(text: str, *, indent: str = "", first_indent: str | None = None,
         bold: bool = False) -> None:
    """Write ``text`` to standard output fitted by :func:`fit` (bold on a terminal)."""
    cells = columns()
    for line in fit(text, cells, indent, first_indent):
        if cells is not None and bold:
            output.console().print(line, style="bold", markup=False, soft_wrap=True)
        else:
            output.out(line + "\n")


def command_lines(command: str, indent: int = 4, cells: int | None = -1) -> list[str]:
    """A shell command to copy: on a terminal too narrow for it (or wider than ``cells``),
    broken between its words with a ``\\`` at each line's end, so it still pastes as one
    command; whole in a pipe."""
    import shlex

    cells = columns() if cells == -1 else cells
    if cells is None or width(command) + indent <= cells:
        return [command]
    words = [shlex.quote(w) if w != shlex.quote(w) and " " in w else w
             for w in command.split(" ")]
    out: list[str] = []
    line = ""
    for word in words:
        if line and width(line) + 1 + width(word) + 2 + indent > cells:
            out.append(line + " \\")
            line = "  " + word
        else:
            line = f"{line} {word}" if line else word
    out.append(line)
    return out
