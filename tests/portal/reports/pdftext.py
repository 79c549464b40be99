"""The strings a PDF names itself by: its title and its bookmarks (WeasyPrint makes one per
heading). Enough to prove a report's PDF carries the child's name and translated headings,
without a PDF parser (the project has none): the compressed streams are inflated and each
/Title string read, in PDF's literal or UTF-16 hex form."""

from __future__ import annotations

import re
import zlib

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_TITLE = re.compile(rb"/Title\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f]+>)")


def _decode(raw: bytes) -> str:
    if raw.startswith(b"<"):
        data = bytes.fromhex(raw[1:-1].decode())
        return data[2:].decode("utf-16-be") if data.startswith(b"\xfe\xff") else data.decode()
    body = raw[1:-1]
    body = re.sub(rb"\\([()\\])", rb"\1", body)
    return body.decode("latin-1")


def pdf_titles(pdf: bytes) -> list[str]:
    blobs = [pdf]
    for match in _STREAM.finditer(pdf):
        try:
            blobs.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return [_decode(raw) for blob in blobs for raw in _TITLE.findall(blob)]
