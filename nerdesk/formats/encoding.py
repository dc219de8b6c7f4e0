"""Decoding input files: BOMs first, then strict attempts in a fixed order, then charset-normalizer.

Order: a byte-order mark decides (UTF-8, UTF-16, UTF-32); otherwise strict UTF-8, then UTF-16 when the
bytes look like it (many NULs), then strict GB18030 (a superset of GBK and GB2312), and only then
charset-normalizer's best guess. Nothing is decoded with replacement characters: text is never
silently changed.
"""

from __future__ import annotations

import codecs

from nerdesk.core.errors import FormatError

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
    except (UnicodeDecodeError, LookupError):
        return None


def decode_bytes(data: bytes, encoding: str | None = None, *, path: str | None = None) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding_used)``; ``FormatError`` if nothing fits."""
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
    decoded = _guess(data, tried)
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
        codecs.lookup(encoding)
    except LookupError as error:
        raise FormatError(f"unknown encoding {encoding!r}", path=path, code="E107") from error
    name = encoding.lower().replace("_", "-")
    if name in ("utf-8", "utf8") and data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    text = _strict(data, encoding)
    if text is None:
        raise FormatError(f"the file is not valid {encoding} (encodings tried: {encoding})", path=path, code="E106")
    return text, encoding


def _guess(data: bytes, tried: list[str]) -> tuple[str, str] | None:
    """Without a byte-order mark: UTF-8, UTF-16 when NULs say so, GB18030, charset-normalizer's guess."""
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
    if b"\x00" not in data:
        tried.append("gb18030")
        decoded = _strict(data, "gb18030")
        if decoded is not None:
            return decoded, "gb18030"
    guessed = _charset_normalizer_guess(data)
    tried.append(f"charset-normalizer's guess ({guessed or 'none'})")
    decoded = _strict(data, guessed) if guessed is not None else None
    return (decoded, guessed) if decoded is not None and guessed is not None else None


def _charset_normalizer_guess(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a dependency, but decoding must not need it
        return None
    try:
        best = from_bytes(data[:200_000]).best()
    except Exception:  # noqa: BLE001 - a guesser must never break an import
        return None
    if best is None or best.encoding in ("utf_8", "gb18030", "ascii"):
        return None
    return best.encoding
