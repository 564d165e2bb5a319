"""Typed array parameters for PostgreSQL, encoded in its binary array format at once.

A batch passes its rows as a dozen array parameters. psycopg's generic list dumper walks
each list in Python to find its element type (and its widest integer) before encoding it,
which cost more relay CPU than the rest of a small batch; these lists say their type and
are encoded with one struct.pack per list.
"""
from __future__ import annotations

import struct

import psycopg
from psycopg.adapt import Dumper
from psycopg.pq import Format


class Int8s(list):
    """A bigint[] parameter (None for NULL)."""


class Int4s(list):
    """An integer[] parameter."""


class Byteas(list):
    """A bytea[] parameter."""


def _header(oid: int, n: int, nulls: bool) -> bytes:
    # ndim, has-null flag, element type, then one dimension: length and lower bound 1.
    return struct.pack(">iiiii", 1, nulls, oid, n, 1) if n else struct.pack(">iii", 0, 0, oid)


def _fixed(oid: int, width: int, code: str, values: list) -> bytes:
    if None in values:
        null, item = struct.pack(">i", -1), struct.Struct(">i" + code)
        return _header(oid, len(values), True) + b"".join(
            null if v is None else item.pack(width, v) for v in values)
    fields = [x for v in values for x in (width, v)]
    return _header(oid, len(values), False) + struct.pack(">" + ("i" + code) * len(values),
                                                         *fields)


class _Int8sDumper(Dumper):
    format = Format.BINARY
    oid = 1016      # int8[]

    def dump(self, obj: list) -> bytes:
        return _fixed(20, 8, "q", obj)


class _Int4sDumper(Dumper):
    format = Format.BINARY
    oid = 1007      # int4[]

    def dump(self, obj: list) -> bytes:
        return _fixed(23, 4, "i", obj)


class _ByteasDumper(Dumper):
    format = Format.BINARY
    oid = 1001      # bytea[]

    def dump(self, obj: list) -> bytes:
        parts = [_header(17, len(obj), False)]
        for value in obj:
            parts += (struct.pack(">i", len(value)), value)
        return b"".join(parts)


psycopg.adapters.register_dumper(Int8s, _Int8sDumper)
psycopg.adapters.register_dumper(Int4s, _Int4sDumper)
psycopg.adapters.register_dumper(Byteas, _ByteasDumper)
