"""Decoding input files: BOMs first, then strict attempts in a fixed order, then charset-normalizer.

Order: a byte-order mark decides (UTF-8, UTF-16, UTF-32); otherwise strict UTF-8, then UTF-16 when the
bytes look like it (many NULs), then strict GB18030 (a superset of GBK and GB2312) when the result reads as
Chinese, then Chinese in UTF-16, and only then charset-normalizer's least chaotic guess (cp1252 among equals). Nothing is decoded with replacement characters: text is never
silently changed. A file that is UTF-8 but for a few bytes (damaged, or two encodings mixed) is refused,
naming the first bad byte, instead of being read in a guessed encoding: pass its encoding to read it anyway.
UTF-8 that writes a character beyond U+FFFF as its two UTF-16 halves (CESU-8, as Java and some corpora
write emoji) is read, each pair of halves as the one character it stands for (``_utf8_with_halves``).

``check_input_file`` refuses what cannot be read whole as a text file: a device such as ``/dev/zero``,
which never ends, or a file over ``MAX_INPUT_BYTES``.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from pathlib import Path

from nerdesk.core.errors import FormatError
from nerdesk.core.wording import by_count, counted
from nerdesk.formats.containers import refuse_container

MAX_INPUT_BYTES = 1 << 30  # one input file is read whole: past 1 GiB, split it
_UNDECODED = re.compile("[\udc80-\udcff]")  # a byte that is not UTF-8, as "surrogateescape" keeps it
_ASCII = bytes(range(128))
WESTERN = "cp1252"  # Windows-1252, a superset of Latin-1's printable characters
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_BEYOND_ASCII = re.compile("[^\x00-\x7f]")
_FEW = 3
_AFTER_LETTER = re.compile("(?<=[A-Za-z])[^\x00-\x7f]")  # "Z眉rich": the ü of UTF-8 "Zürich" read as GB18030
# Of a text's characters beyond ASCII, the share in GB2312 that makes it read as Chinese: in GB18030, and the
# stricter share in UTF-16 without a byte-order mark, a last attempt before charset-normalizer.
GB18030_SHARE = 0.5
UTF16_SHARE = 0.9

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding, errors="strict")
    except (UnicodeError, LookupError):  # UnicodeError: codecs such as punycode and idna fail without the subclass
        return None


def check_input_file(path: str | Path) -> None:
    """Refuse a device or socket (``/dev/zero`` would be read forever) and a regular file over
    ``MAX_INPUT_BYTES``. A pipe is read to its end; a missing or unreadable file is left to the reader."""
    try:
        info = os.stat(path)
    except OSError:
        return
    mode = info.st_mode
    if stat.S_ISREG(mode) and info.st_size > MAX_INPUT_BYTES:
        raise FormatError(f"the file has {info.st_size:,} bytes; nerdesk reads at most {MAX_INPUT_BYTES:,} bytes "
                          "from one file: split it into smaller files", path=str(path), code="E105")
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISFIFO(mode)):
        raise FormatError("is not a file but a device or a socket, which nerdesk cannot read as text; "
                          "give a regular file", path=str(path), code="E105")


def with_mark_kept(content: str) -> str:
    """Plain text to write so that it reads back as it is: a file that starts with U+FEFF is read as one with a
    UTF-8 byte-order mark, which is not part of the text, so content that starts with that character (21 of the
    5,000 CMeEE-V2 texts do) is written after a byte-order mark of its own."""
    return "\ufeff" + content if content.startswith("\ufeff") else content


def decode_bytes(data: bytes, encoding: str | None = None, *, path: str | None = None) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding_used)``; ``FormatError`` if nothing fits."""
    refuse_container(data, path)  # an archive or a table: say what it is rather than which encodings failed
    if encoding is not None:
        return _decode_as(data, encoding, path)
    for bom, name in _BOMS:
        if data.startswith(bom):
            text = _strict(data, name)
            if text is None:
                raise FormatError(f"the file starts with a {name} byte-order mark but is not valid {name} "
                                  f"(encodings tried: {name})", path=path, code="E106")
            return text, name
    tried: list[str] = []
    decoded = _guess(data, tried, path)
    if decoded is not None:
        return decoded
    raise FormatError(
        f"cannot decode the file as text (encodings tried: {', '.join(tried)}); "
        "it may be binary, or pass the right encoding explicitly",
        path=path,
        code="E106",
    )


def _decode_as(data: bytes, encoding: str, path: str | None) -> tuple[str, str]:
    """Strictly the encoding asked for (a UTF-8 byte-order mark is not part of the text)."""
    try:
        info = codecs.lookup(encoding)
    except LookupError as error:
        raise FormatError(f"unknown encoding {encoding!r}", path=path, code="E107") from error
    if not getattr(info, "_is_text_encoding", True):  # rot13, base64, zlib: codecs, but not of text
        raise FormatError(f"{encoding!r} is not a text encoding; pass one such as utf-8, gb18030 or utf-16",
                          path=path, code="E107")
    name = encoding.lower().replace("_", "-")
    if name in ("utf-8", "utf8") and data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    text = _strict(data, encoding)
    if text is None:
        raise FormatError(f"the file is not valid {encoding} (encodings tried: {encoding})", path=path, code="E106")
    return text, encoding


def _guess(data: bytes, tried: list[str], path: str | None = None) -> tuple[str, str] | None:
    """Without a byte-order mark: UTF-8, UTF-16 when NULs say so, GB18030, charset-normalizer's guess;
    a file that is UTF-8 but for a few bytes is refused (``_refuse_damaged_utf8``)."""
    tried.append("utf-8")
    text = _strict(data, "utf-8")
    if text is not None and "\x00" not in text:
        return text, "utf-8"
    nul_share = data.count(0) / len(data) if data else 0.0
    if nul_share > 0.2 and len(data) % 2 == 0:
        # UTF-16 without a BOM: mostly-ASCII text has a NUL in every other byte.
        guess = "utf-16-le" if data[1::2].count(0) >= data[0::2].count(0) else "utf-16-be"
        tried.append(guess)
        decoded = _strict(data, guess)
        if decoded is not None and "\x00" not in decoded:
            return decoded, guess
    if text is not None:
        return text, "utf-8"  # valid UTF-8 with NULs: keep it, the format reader will judge
    halves = _utf8_with_halves(data)
    if halves is not None:
        return halves, "utf-8"
    gb18030 = _strict(data, "gb18030") if b"\x00" not in data else None
    chinese = gb18030 is not None and _reads_as_chinese(gb18030, GB18030_SHARE)
    _refuse_damaged_utf8(data, decodes_otherwise=chinese, path=path)
    if b"\x00" not in data:
        tried.append("gb18030")
        if gb18030 is not None and chinese:
            return gb18030, "gb18030"
    utf16 = _utf16_chinese(data, tried)
    if utf16 is not None:
        return utf16
    guessed = _charset_normalizer_guess(data)
    tried.append(f"charset-normalizer's guess ({guessed or 'none'})")
    decoded = _strict(data, guessed) if guessed is not None else None
    return (decoded, guessed) if decoded is not None and guessed is not None else None


def _reads_as_chinese(text: str, share: float) -> bool:
    """Whether ``text`` (decoded in a guessed encoding) reads as Chinese: no control characters but line
    breaks and tabs, and at least ``share`` of its characters beyond ASCII in GB2312.

    Latin-1 and cp1252 text decodes as GB18030 wherever an accented letter comes before an ASCII one
    ("Straße" -> "Stra遝"), giving characters outside GB2312 (whose bytes are both above 0xA0); Chinese
    text in UTF-16 decodes as GB18030 with control characters. UTF-8 Latin text decodes as GB18030 with
    common hanzi ("Zürich" -> "Z眉rich", "Málaga" -> "M谩laga"), nearly all of them right after a Latin
    letter, where about one in a hundred of a Chinese text's characters beyond ASCII are (CLUENER, CMeEE)."""
    if _CONTROLS.search(text):
        return False
    beyond_ascii = _BEYOND_ASCII.findall(text)
    after_letter = len(_AFTER_LETTER.findall(text))
    if after_letter >= _FEW and after_letter > len(beyond_ascii) / 2:  # a few say little: "A股" is Chinese
        return False
    return bool(beyond_ascii) and sum(map(_in_gb2312, beyond_ascii)) >= share * len(beyond_ascii)


def _in_gb2312(character: str) -> bool:
    """One of GB2312's 7,445 characters: the 6,763 common hanzi, punctuation and symbols."""
    try:
        character.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _utf16_chinese(data: bytes, tried: list[str]) -> tuple[str, str] | None:
    """Simplified Chinese text in UTF-16 without a byte-order mark (few NULs: ``_guess`` finds mostly-ASCII
    UTF-16 by them), when one byte order reads as Chinese. Two ASCII letters read as one UTF-16 unit are
    often an ideograph, but a rare one: a third of them are in GB2312, nine in ten of a Chinese text's."""
    if len(data) % 2:
        return None
    for order in ("utf-16-le", "utf-16-be"):
        tried.append(order)
        text = _strict(data, order)
        if text is not None and _reads_as_chinese(text, UTF16_SHARE):
            return text, order
    return None


def _utf8_with_halves(data: bytes) -> str | None:
    """``data`` as UTF-8 in which characters beyond U+FFFF may be written as two encoded UTF-16 halves
    (``ED A0 BD ED B8 8D`` for U+1F60D), each adjacent pair joined into its character; None if the data is
    not UTF-8 even so. Halves that are not next to each other (a CoNLL file writes each on its own row)
    stay lone surrogates, for the format reader to join or refuse."""
    try:
        text = data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return None
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def _refuse_damaged_utf8(data: bytes, *, decodes_otherwise: bool, path: str | None) -> None:
    """Raise ``FormatError`` when ``data``, which is not UTF-8, is UTF-8 but for a few bytes: at most two bytes
    that are not UTF-8 per non-ASCII character that is, or one per ten when the data reads as Chinese in
    GB18030 too.

    Legacy encodings hold valid UTF-8 sequences only by chance: cp1252 and cp1251 texts almost never, GBK and
    Big5 ones about one per four bad bytes, and no CLUENER sentence in GBK or Big5 comes near one per ten."""
    text = data.decode("utf-8", "surrogateescape")
    bad = _UNDECODED.subn("", text)[1]
    good = len(text) - (len(data) - len(data.translate(None, _ASCII))) - bad  # non-ASCII characters decoded
    if good == 0 or bad > good * (0.1 if decodes_otherwise else 2):
        return
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        first = error.start
    line = data.count(b"\n", 0, first) + 1
    raise FormatError(f"the file is UTF-8 but for {counted(bad, 'byte')}{by_count(bad, '', ', the first')} "
                      f"(0x{data[first]:02X}) at byte {first} "
                      f"(line {line}): it may be damaged or mix two encodings; fix those bytes, or give its encoding "
                      "(--encoding) if the whole file is in another one", path=path, code="E106")


def _charset_normalizer_guess(data: bytes) -> str | None:
    """charset-normalizer's least chaotic reading, cp1252 among equals: on a short Western European text
    many single-byte code pages read without chaos, and its first was cp1250 ("crčme brűlée ŕ Genčve"
    for "crème brûlée à Genève") or the Baltic cp775 (Spanish); Polish and Czech in cp1250 read with
    chaos in cp1252 and stay cp1250."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a dependency, but decoding must not need it
        return None
    try:
        matches = list(from_bytes(data[:200_000]))
    except Exception:  # noqa: BLE001 - a guesser must never break an import
        return None
    if not matches:
        return None
    least_chaos = min(match.chaos for match in matches)
    calmest = [match.encoding for match in matches if match.chaos == least_chaos]
    best = WESTERN if WESTERN in calmest else calmest[0]
    return None if best in ("utf_8", "gb18030", "ascii") else best
