"""Streamed CSV downloads (audit log, account directory, job results)."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

CHUNK = 16 * 1024


def safe_cell(value):
    """Keep spreadsheets from evaluating a cell as a formula (= + - @ at the start)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def csv_stream(header: Iterable[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """CSV text in chunks of about CHUNK characters: the header, then `rows` (None is an empty
    cell; strings are made safe for spreadsheets)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
        if buf.tell() >= CHUNK:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()
