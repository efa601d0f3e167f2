"""Open a shop's export file (CSV in any Korean encoding, .xlsx, password-protected .xlsx) as rows.

`open_table(path, password)` returns a `Table`: the header row (found even below the instruction rows
SmartStore puts above it), the encoding it was read in, and the data rows streamed one at a time with
their line numbers (the row number a spreadsheet shows). Anything that makes the file unreadable is
one `UnreadableFile` with a one-line message the owner can act on; nothing here knows a database.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import charset_normalizer

HEADER_SCAN_ROWS = 30  # instruction rows above the header: SmartStore has 1–2, leave room for others
_SAMPLE_BYTES = 256 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
# the encodings a Korean shop's CSV comes in; charset-normalizer chooses among them
KOREAN_ENCODINGS = ["utf_8", "cp949", "euc_kr"]

Row = Sequence[Any]


class UnreadableFile(Exception):
    """The file cannot be read at all (wrong password, not a spreadsheet, empty, unknown layout)."""

    def __init__(self, code: str, message: str, header: list[str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.header = header  # the headers it saw, when its columns were the trouble (to map them)


@dataclass
class Table:
    """A file's rows: the header, where it sits, and an iterator over (line number, cells) after it."""

    kind: str                      # "csv" | "xlsx"
    encoding: str | None           # the CSV's encoding ("utf_8", "utf_8_sig", "cp949"); None for xlsx
    encrypted: bool
    header: list[str]
    header_line: int               # 1-based; 0 when the file has no header row (a bare opt-out list)
    rows: Iterator[tuple[int, Row]]
    preamble: list[tuple[int, Row]] = field(default_factory=list)  # rows above the header


HeaderScore = Callable[[Sequence[object]], int]


def open_table(path: str | Path, password: str | None = None, header_score: HeaderScore | None = None) -> Table:
    """Open `path` and find its header row: the first of the top rows that `header_score` rates highest.

    Without `header_score` the first non-empty row is the header.
    """
    file = Path(path)
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise UnreadableFile("not_found", f"{file.name}: no such file") from None
    except OSError as exc:
        raise UnreadableFile("unreadable", f"{file.name}: cannot be opened ({exc.strerror or exc})") from None
    with handle:
        head = handle.read(8)
    if not head:
        raise UnreadableFile("empty", f"{file.name}: the file is empty")
    if head.startswith(_OLE_MAGIC):
        kind, encrypted = "xlsx", True
        rows = _encrypted_rows(file, password)
        encoding = None
    elif head.startswith(_ZIP_MAGIC):
        kind, encrypted = "xlsx", False
        rows = _xlsx_rows(file, file.open("rb"))
        encoding = None
    else:
        kind, encrypted = "csv", False
        encoding, rows = _csv_rows(file)
    header_line, header, preamble, rest = _find_header(rows, header_score)
    if header_line < 0:
        raise UnreadableFile("empty", f"{file.name}: the file has no rows")
    return Table(kind=kind, encoding=encoding, encrypted=encrypted, header=header,
                 header_line=header_line, rows=rest, preamble=preamble)


# --- CSV ---------------------------------------------------------------------------------------------

def detect_encoding(sample: bytes) -> str:
    """The encoding of a CSV's first bytes, chosen by charset-normalizer among the Korean ones."""
    # cut at the last line end so a character split by the sample's end does not count against its encoding
    cut = sample.rfind(b"\n")
    if 0 < cut < len(sample) - 1:
        sample = sample[:cut + 1]
    result = charset_normalizer.from_bytes(sample, cp_isolation=KOREAN_ENCODINGS).best()
    if result is None:
        raise UnreadableFile("not_a_table", "not a CSV or spreadsheet (the text is in none of UTF-8, CP949, EUC-KR)")
    name = result.encoding
    if name in ("ascii", "utf_8"):
        return "utf_8_sig" if result.bom else "utf_8"
    # EUC-KR files from Windows tools carry CP949's extra syllables; CP949 reads both
    return "cp949"


def _csv_rows(file: Path) -> tuple[str, Iterator[tuple[int, Row]]]:
    with file.open("rb") as handle:
        sample = handle.read(_SAMPLE_BYTES)
    if b"\x00" in sample[:4096]:
        raise UnreadableFile("not_a_table", f"{file.name}: not a CSV or spreadsheet file")
    encoding = detect_encoding(sample)
    first_line = sample.split(b"\n", 1)[0]
    delimiter = "\t" if first_line.count(b"\t") > first_line.count(b",") else ","

    def rows() -> Iterator[tuple[int, Row]]:
        with file.open("r", encoding=encoding, newline="") as handle:
            reader = csv.reader(handle, delimiter=delimiter)
            line = 0
            try:
                for line, cells in enumerate(reader, start=1):
                    yield line, cells
            except UnicodeDecodeError:
                raise UnreadableFile(
                    "encoding", f"{file.name}: the text is not all {encoding} (it changes after line {line}); "
                    "save the file again as UTF-8 or CP949") from None
            except csv.Error as exc:
                raise UnreadableFile("not_a_table", f"{file.name}: line {line + 1} is not CSV ({exc})") from None

    return encoding, rows()


# --- xlsx --------------------------------------------------------------------------------------------

def _xlsx_rows(file: Path, stream: IO[bytes]) -> Iterator[tuple[int, Row]]:
    import openpyxl  # imported here: a CSV import never pays for it

    try:
        book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        stream.close()
        raise UnreadableFile("not_a_table", f"{file.name}: not a readable .xlsx file ({type(exc).__name__})") from None
    sheet = book.worksheets[0] if book.worksheets else None
    if sheet is None:
        book.close()
        stream.close()
        raise UnreadableFile("empty", f"{file.name}: the workbook has no sheets")

    def rows() -> Iterator[tuple[int, Row]]:
        try:
            yield from enumerate(sheet.iter_rows(values_only=True), start=1)
        finally:
            book.close()
            stream.close()

    return rows()


def _encrypted_rows(file: Path, password: str | None) -> Iterator[tuple[int, Row]]:
    import msoffcrypto
    from msoffcrypto import exceptions as msoffcrypto_errors

    with file.open("rb") as handle:
        try:
            office = msoffcrypto.OfficeFile(handle)
        except Exception:  # any failure to read the container means "not a spreadsheet"
            raise UnreadableFile("not_a_table", f"{file.name}: not a readable spreadsheet") from None
        try:
            encrypted = office.is_encrypted()
        except Exception:
            encrypted = False
        if not encrypted:
            raise UnreadableFile(
                "old_excel", f"{file.name}: an old Excel (.xls) file; open it in Excel and save it as .xlsx")
        if not password:
            raise UnreadableFile("password_needed", f"{file.name}: the file is protected by a password; give it with --password")
        out = io.BytesIO()
        try:
            office.load_key(password=password)
            office.decrypt(out)
        except (msoffcrypto_errors.InvalidKeyError, msoffcrypto_errors.DecryptionError):
            raise UnreadableFile("wrong_password", f"{file.name}: the password is wrong") from None
        except Exception:
            raise UnreadableFile("wrong_password", f"{file.name}: the file cannot be decrypted with this password") from None
    out.seek(0)
    return _xlsx_rows(file, out)


# --- the header row ----------------------------------------------------------------------------------

def _is_blank(cells: Row) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _find_header(rows: Iterator[tuple[int, Row]], score: HeaderScore | None
                 ) -> tuple[int, list[str], list[tuple[int, Row]], Iterator[tuple[int, Row]]]:
    top: list[tuple[int, Row]] = []
    for item in rows:
        if not _is_blank(item[1]):
            top.append(item)
        if len(top) >= HEADER_SCAN_ROWS or (score is None and top):
            break
    if not top:
        return -1, [], [], iter(())
    best_index, best_score = 0, 0
    if score is not None:
        for index, (_, cells) in enumerate(top):
            value = score(cells)
            if value > best_score:
                best_index, best_score = index, value
    header_line, cells = top[best_index]
    header = ["" if cell is None else str(cell).strip() for cell in cells]
    preamble = top[:best_index]
    buffered = top[best_index + 1:]

    def rest() -> Iterator[tuple[int, Row]]:
        yield from buffered
        yield from rows

    return header_line, header, preamble, rest()
