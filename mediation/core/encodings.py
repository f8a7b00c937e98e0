"""The one reader of every text a user's file or standard input brings: UTF-8 (with or without a
byte-order mark), UTF-16/32 with one, or GB18030 (what Windows Notepad saves in China), decided
from the bytes; anything else is refused in words (``normalise.Unreadable``).
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Final

from mediation.core.i18n import N_
from mediation.core.normalise import Unreadable

ENCODING_REFUSED: Final = N_("not UTF-8 or GB18030: save it as UTF-8")
_BOMS: Final = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"),
                (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_SNIFF_CHUNK: Final = 1 << 20


def _decodes(chunks: Iterable[bytes], encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        for chunk in chunks:
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def encoding_of(head: bytes, chunks: Callable[[], Iterable[bytes]]) -> str:
    """The codec to read a text with: ``utf-8-sig`` (UTF-8, with or without a byte-order mark),
    ``utf-16``/``utf-32`` (with a byte-order mark), or ``gb18030`` when the bytes are not UTF-8
    but decode cleanly as GB18030 (GBK and GB2312 are subsets of it); otherwise
    :class:`Unreadable` (``not UTF-8 or GB18030: save it as UTF-8``). ``head`` is the first
    bytes, ``chunks()`` yields the whole text (called at most twice: UTF-8, then GB18030)."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            if _decodes(chunks(), codec):
                return codec
            raise Unreadable(ENCODING_REFUSED)
    if b"\x00" not in head:  # NUL bytes: UTF-16/32 without a byte-order mark, or binary
        if _decodes(chunks(), "utf-8"):
            return "utf-8-sig"
        if _decodes(chunks(), "gb18030"):
            return "gb18030"
    raise Unreadable(ENCODING_REFUSED)


def decode(data: bytes) -> tuple[str, str | None]:
    """A user's text file or standard input as text, read as :func:`encoding_of` says, with
    ``"GB18030"`` when it was read as such (for a note on stderr), else None."""
    codec = encoding_of(data[:_SNIFF_CHUNK], lambda: (data,))
    return data.decode(codec), _note(codec)


def file_encoding(path: Path) -> tuple[str, str | None]:
    """The codec to open ``path`` with (streaming, for large files) and the note of
    :func:`decode`: the file is read through once to check it decodes."""
    def chunks() -> Iterator[bytes]:
        with path.open("rb") as fh:
            while block := fh.read(_SNIFF_CHUNK):
                yield block

    with path.open("rb") as fh:
        head = fh.read(_SNIFF_CHUNK)
    codec = encoding_of(head, chunks)
    return codec, _note(codec)


def _note(codec: str) -> str | None:
    return "GB18030" if codec == "gb18030" else None
