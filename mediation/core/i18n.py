"""The one translation layer. Every user-facing string goes through here.

Catalogues are gettext files in ``data/locale/<lang>/LC_MESSAGES/<domain>.po``, compiled to ``.mo``
beside them by ``make catalogues``; every domain found for a language is loaded (``mediation`` for
the core, one more per feature such as ``stats`` or ``audit``), so features keep their own files.
Sentences use their English text as the message id; names of
enumerated things (states, triggers, sources, reasons...) use dotted keys such as ``state.intake``
so that both catalogues, Chinese and English, carry a real entry for them.

The library never prints: it builds :class:`Msg` values (an id and parameters) and the caller
renders them in the language of the process, chosen with :func:`set_language`.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from mediation.core.paths import data_dir

_GNU_LANG: Final = {"zh": "zh_CN", "en": "en"}

_current: str = "en"
_catalogues: dict[str, gettext.NullTranslations] = {}
# Each message's text by (language, id), once looked up: a catalogue is one layer per domain,
# each falling back to the next, so an uncached look-up walks up to every domain's layer (the
# bulk import's per-record note took 23 layers a message on average, a third of its CPU).
_texts: dict[tuple[str, str], str] = {}
_TEXTS_MAX = 20_000


def language_from_env(environ: Mapping[str, str] | None = None) -> str:
    """``MEDIATION_LANG`` if set, otherwise Chinese when ``LANG`` (or ``LC_ALL``) is zh_*."""
    env = os.environ if environ is None else environ
    explicit = env.get("MEDIATION_LANG", "").strip().lower()
    if explicit:
        return normalise_language(explicit)
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def normalise_language(value: str) -> str:
    v = value.strip().lower().replace("-", "_")
    if v.startswith("zh"):
        return "zh"
    if v.startswith("en"):
        return "en"
    raise ValueError(value)


def set_language(lang: str) -> None:
    global _current
    _current = normalise_language(lang)


def get_language() -> str:
    return _current


def _catalogue(lang: str) -> gettext.NullTranslations:
    cat = _catalogues.get(lang)
    if cat is None:
        folder = data_dir() / "locale" / _GNU_LANG[lang] / "LC_MESSAGES"
        cat = gettext.NullTranslations()
        for mo in sorted(folder.glob("*.mo")):
            with mo.open("rb") as fh:
                layer = gettext.GNUTranslations(fh)
            layer.add_fallback(cat)
            cat = layer
        _catalogues[lang] = cat
    return cat


def gettext_(message_id: str, lang: str | None = None) -> str:
    key = (lang or _current, message_id)
    text = _texts.get(key)
    if text is None:
        if len(_texts) >= _TEXTS_MAX:  # an id made of a value (msg(str(error))): kept bounded
            _texts.clear()
        text = _texts[key] = _catalogue(key[0]).gettext(message_id)
    return text


def _(message_id: str, /, **params: object) -> str:
    """Translate ``message_id`` into the current language and fill in ``params`` (a
    :class:`Shown`: see :meth:`Msg.render`)."""
    return Msg(message_id, params).render()


def N_(message_id: str) -> str:
    """Mark a string for extraction without translating it (for tables built at import)."""
    return message_id


@dataclass(frozen=True)
class Msg:
    """A message not yet rendered: its id and its parameters, which may be Msgs themselves."""

    id: str
    params: Mapping[str, object] = field(default_factory=dict)

    def render(self, lang: str | None = None) -> str:
        """The message in ``lang``: the catalogue's template as it is (its examples,
        ``2026-01-01..2026-03-31``, ``13812345678``, are never masked) with every value
        :func:`quoted`; the result is :class:`Shown`, so a message quoting a rendered message
        (``错误：{message}``) does not scrub the template's text a second time. An id that is
        no catalogue template (``msg(str(error))``, made of a value) is scrubbed as a value."""
        values = {k: (v.render(lang) if isinstance(v, Msg) else quoted(v))
                  for k, v in self.params.items()}
        text = gettext_(self.id, lang)
        if not is_template(self.id):
            text = str(quoted(text))
        return Shown(text.format(**values) if values else text)


class Shown(str):
    """A value its view has already masked or revealed for this reader (a table's cell under
    ``--reveal``), or a rendered message (:meth:`Msg.render`: its values already quoted, its
    template the catalogue's own text): :func:`quoted` lets it through as it is."""

    __slots__ = ()


def shown_as(source: str, text: str) -> str:
    """``text``, made from ``source`` by a string operation (a strip, a join of its words), as
    :class:`Shown` as ``source`` was (str's methods return a plain str)."""
    return Shown(text) if isinstance(source, Shown) else text


_templates: set[str] | None = None


def is_template(message_id: str) -> bool:
    """Whether ``message_id`` is a catalogue's entry (the Chinese catalogues hold every id)."""
    global _templates
    if _templates is None:
        found: set[str] = set()
        layer: object = _catalogue("zh")
        while layer is not None:
            found.update(k for k in getattr(layer, "_catalog", {}) if isinstance(k, str))
            layer = getattr(layer, "_fallback", None)
        _templates = found
    return message_id in _templates


def quoted(value: object) -> object:
    """THE one way a message quotes a value it was given (``{value!r}``, ``“{typed}”``, a
    framework's usage error, a file's field): a string passes through
    :func:`mediation.core.redaction.scrub_quoted`, so a resident ID number or a phone number typed
    into the wrong field (民族, 电话, 性别...) is never echoed in full: ``'430***********0014'
    不是民族``. Every string parameter of every message goes through here; a message never shows
    a number in full, but for a :class:`Shown` value (a case view's cell, revealed to one who
    may see it)."""
    if not isinstance(value, str) or isinstance(value, Shown):
        return value
    from mediation.core import redaction  # it imports normalise, which imports this module

    return redaction.scrub_quoted(value)


def msg(message_id: str, /, **params: object) -> Msg:
    return Msg(message_id, params)


def name(kind: str, value: str, lang: str | None = None) -> str:
    """The display name of an enumerated value, e.g. ``name("state", "intake")`` -> 登记.

    Falls back to the value itself where a catalogue has no entry.
    """
    key = f"{kind}.{value}"
    text = gettext_(key, lang)
    return value if text == key else text


def names(lang: str | None = None) -> dict[str, str]:
    """Every name of an enumerated value the catalogues hold (``state.intake`` → 登记, also
    ``metavar.*``, ``field.*``, ``document.*``), by dotted key, in ``lang``."""
    import re

    found: dict[str, str] = {}
    layer: object = _catalogue(lang or _current)
    while layer is not None:  # the layers of the domains (see _catalogue), first one wins
        entries: dict[object, object] = getattr(layer, "_catalog", {})
        for key, text in entries.items():
            if isinstance(key, str) and isinstance(text, str) and key not in found \
                    and re.fullmatch(r"[a-z_]+\.[\w.-]+", key):
                found[key] = text
        layer = getattr(layer, "_fallback", None)
    return found


def join(items: list[str]) -> str:
    return ("、" if _current == "zh" else ", ").join(items)


# What a value that is not there is called (never a bare dash, which under zh is no word):
NOT_RECORDED = N_("not recorded")  # 未记录: a fact nobody recorded
NOT_AGREED = N_("not agreed")  # 未约定: a term the agreement does not set (a due date)
NONE = N_("none")  # 无: an empty list


def or_absent(value: object, absent: str = NOT_RECORDED) -> str:
    """THE way a value is shown that may not be there: itself, or ``absent`` (one of the words
    above) in the user's language: ``履行期限 未约定``, never ``履行期限 -``."""
    return gettext_(absent) if value is None or value == "" else str(value)
