"""Text tables (CSV, TSV, TXT): encoding, delimiter, the cells as text columns, then the header (geo.readers.header).

A register exported from Excel or typed by hand: a BOM or none, UTF-8, UTF-16 or Windows-1258, a comma, semicolon
or tab, title lines above the header. Well-formed files without quotes are parsed by Arrow's CSV reader; every other
file by Python's ``csv`` module, which reports malformed quoting (the two read the same cells where both apply).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from geo.readers.header import HEADER_SEARCH_ROWS, columns_of, table_from_grid
from geo.readers.messages import ReadError

__all__ = ["decode_text", "read_text_table", "sniff_delimiter"]

_DELIMITERS: tuple[str, ...] = ("\t", ";", ",")
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def decode_text(data: bytes) -> tuple[str, str]:
    r"""Decode a text file: BOM → UTF-8/UTF-16; else strict UTF-8; else Windows-1258. Returns (text, encoding).

    The text is NFC-normalised (Windows-1258 writes tone marks as combining characters).

    >>> decode_text(b"Qua\xd2ng Tri\xf2")  # Windows-1258: a + combining hook, i + combining dot
    ('Quảng Trị', 'cp1258')
    """
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    if encoding is None and len(data) >= 4 and data[1:4:2] == b"\x00\x00" and data[0:4:2] != b"\x00\x00":
        encoding = "utf-16-le"  # UTF-16 without BOM (ASCII header: every second byte is zero)
    if encoding is None:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1258"
    if encoding != "utf-8":
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ReadError("rd_bad_encoding", byte=exc.start) from None
    return unicodedata.normalize("NFC", text.lstrip("\ufeff")), encoding


def _top_lines(text: str, n: int) -> list[str]:
    """The first ``n`` non-blank lines of ``text`` (``str.splitlines``'s line breaks), reading no more than needed."""
    size = 65_536
    while True:
        lines = text[:size].splitlines()
        if size >= len(text):
            return [line for line in lines if line.strip()][:n]
        top = [line for line in lines[:-1] if line.strip()]  # the last line may be cut short
        if len(top) >= n:
            return top[:n]
        size *= 4


def sniff_delimiter(text: str, suffix: str = ".csv") -> str:
    r"""Return the delimiter of a text table: the one that splits some line of its top into most fields.

    The top of a register may be title lines; the header and records decide.

    >>> sniff_delimiter("id;name;lon\n1;a;106,7\n")
    ';'
    >>> sniff_delimiter("DANH MỤC, 2024\n\nSTT;Tên;Kinh độ;Vĩ độ\n1;A;106,7;16,8\n")
    ';'
    """
    if suffix == ".tsv":
        return "\t"
    lines = _top_lines(text, HEADER_SEARCH_ROWS)
    counts = {d: max((len(next(csv.reader([line], delimiter=d), [])) for line in lines), default=0)
              for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])  # ties: tab, then ';', then ','
    return best if counts[best] > 1 else ","


def _arrow_columns(data: bytes, sep: str) -> list[pd.Series] | None:
    """The cells of a CSV text, as UTF-8 bytes, in text columns by Arrow's CSV reader (1,000,000 rows in seconds).

    Only where it reads exactly what Python's ``csv`` module reads: no quote character (quoting rules differ on
    malformed quotes, which ``csv`` reports), no NUL, and every row as wide as the first (short rows, blank lines and
    title rows go the ``csv`` way too). None otherwise.
    """
    if b'"' in data or b"\0" in data:
        return None
    first = data.split(b"\n", 1)[0].rstrip(b"\r")
    width = len(first.split(sep.encode("ascii")))
    uneven: list[object] = []

    def on_uneven(row: object) -> str:
        uneven.append(row)
        return "skip"

    names = [f"c{i}" for i in range(width)]
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(data),
            read_options=pa_csv.ReadOptions(column_names=names),
            parse_options=pa_csv.ParseOptions(delimiter=sep, quote_char=False, ignore_empty_lines=False,
                                              invalid_row_handler=on_uneven),
            convert_options=pa_csv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                  strings_can_be_null=False, null_values=[]))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if uneven:
        return None
    return [table.column(i).to_pandas() for i in range(width)]


def read_text_table(path: Path) -> pd.DataFrame:
    """Read a CSV/TSV/TXT file as text cells: header found under any title rows (see :mod:`geo.readers.header`).

    ``attrs`` holds the encoding, the delimiter, the spreadsheet row of each
    record (``rows``) and the reader's notes.
    """
    text, encoding = decode_text(path.read_bytes())
    if not text.strip():
        raise ReadError("rd_empty")
    sep = sniff_delimiter(text, path.suffix.lower())
    data = text.encode("utf-8")
    del text  # Vietnamese text takes two bytes a character as a str, one to three as UTF-8: hold only the bytes
    columns = _arrow_columns(data, sep)
    if columns is None:
        try:  # streamed into text columns: the rows are never all held as Python strings
            columns = columns_of(csv.reader(io.StringIO(data.decode("utf-8")), delimiter=sep, strict=True))
        except csv.Error as exc:
            raise ReadError("rd_bad_table", encoding=encoding, error=str(exc)) from None
    del data
    df = table_from_grid(columns).as_frame()
    df.attrs.update(encoding=encoding, delimiter=sep)
    return df
