"""Shop data in: reading the shops' export files into canonical records (no database, no Qt)."""

from engine.sync.parse import parse_file
from engine.sync.read import Table, UnreadableFile, open_table
from engine.sync.records import ParsedCustomer, ParsedItem, ParsedOptout, ParsedOrder, ParseResult, Reject
from engine.sync.sources import ORDER_STATUSES, SOURCES, Source, detect

__all__ = ["ORDER_STATUSES", "SOURCES", "ParseResult", "ParsedCustomer", "ParsedItem", "ParsedOptout",
           "ParsedOrder", "Reject", "Source", "Table", "UnreadableFile", "detect", "open_table", "parse_file"]
