"""Strict binary encoding: fixed-width big-endian integers and length-prefixed fields.

Every decoder reads with a Reader and ends with `done()`, so trailing bytes, short input
and out-of-range lengths are all DecodeError. With fixed widths and exact lengths there
is one encoding per value, which is what makes re-encoding reproduce the bytes.
"""
from __future__ import annotations

import struct

from crypto.errors import DecodeError

_U16 = struct.Struct(">H")
_U32 = struct.Struct(">I")
_U64 = struct.Struct(">Q")


class Writer:
    """Accumulates fields; `bytes()` returns the encoding."""

    __slots__ = ("_parts",)

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def u8(self, v: int) -> Writer:
        self._parts.append(bytes((v,)))
        return self

    def u16(self, v: int) -> Writer:
        self._parts.append(_U16.pack(v))
        return self

    def u32(self, v: int) -> Writer:
        self._parts.append(_U32.pack(v))
        return self

    def u64(self, v: int) -> Writer:
        self._parts.append(_U64.pack(v))
        return self

    def fixed(self, data: bytes, length: int) -> Writer:
        if len(data) != length:
            raise DecodeError(f"expected a {length}-byte field, got {len(data)} bytes")
        self._parts.append(bytes(data))
        return self

    def var8(self, data: bytes) -> Writer:
        if len(data) > 0xFF:
            raise DecodeError("field too long for a one-byte length")
        self._parts.append(bytes((len(data),)) + data)
        return self

    def var16(self, data: bytes) -> Writer:
        if len(data) > 0xFFFF:
            raise DecodeError("field too long for a two-byte length")
        self._parts.append(_U16.pack(len(data)) + data)
        return self

    def var32(self, data: bytes) -> Writer:
        self._parts.append(_U32.pack(len(data)) + data)
        return self

    def text(self, value: str, max_bytes: int) -> Writer:
        raw = value.encode("utf-8")
        if len(raw) > max_bytes:
            raise DecodeError(f"text longer than {max_bytes} bytes")
        return self.var16(raw) if max_bytes <= 0xFFFF else self.var32(raw)

    def opt(self, data: bytes | None, length: int) -> Writer:
        if data is None:
            return self.u8(0)
        return self.u8(1).fixed(data, length)

    def raw(self, data: bytes) -> Writer:
        self._parts.append(bytes(data))
        return self

    def bytes(self) -> bytes:
        return b"".join(self._parts)


class Reader:
    """Reads fields in order from `data`; any shortfall or leftover is a DecodeError."""

    __slots__ = ("_data", "_pos")

    def __init__(self, data: bytes) -> None:
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise DecodeError("expected bytes")
        self._data = bytes(data)
        self._pos = 0

    def _take(self, n: int) -> bytes:
        end = self._pos + n
        if n < 0 or end > len(self._data):
            raise DecodeError("input ends early")
        out = self._data[self._pos:end]
        self._pos = end
        return out

    def u8(self) -> int:
        return self._take(1)[0]

    def u16(self) -> int:
        return int(_U16.unpack(self._take(2))[0])

    def u32(self) -> int:
        return int(_U32.unpack(self._take(4))[0])

    def u64(self) -> int:
        return int(_U64.unpack(self._take(8))[0])

    def flag(self) -> bool:
        v = self.u8()
        if v > 1:
            raise DecodeError("a flag byte must be 0 or 1")
        return v == 1

    def fixed(self, length: int) -> bytes:
        return self._take(length)

    def var8(self) -> bytes:
        return self._take(self.u8())

    def var16(self, max_len: int = 0xFFFF) -> bytes:
        n = self.u16()
        if n > max_len:
            raise DecodeError("field longer than allowed")
        return self._take(n)

    def var32(self, max_len: int = 1 << 24) -> bytes:
        n = self.u32()
        if n > max_len:
            raise DecodeError("field longer than allowed")
        return self._take(n)

    def text(self, max_bytes: int) -> str:
        raw = self.var16(max_bytes) if max_bytes <= 0xFFFF else self.var32(max_bytes)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DecodeError("text is not valid UTF-8") from exc

    def opt(self, length: int) -> bytes | None:
        return self.fixed(length) if self.flag() else None

    def rest(self) -> bytes:
        out = self._data[self._pos:]
        self._pos = len(self._data)
        return out

    def remaining(self) -> int:
        return len(self._data) - self._pos

    def done(self) -> None:
        if self._pos != len(self._data):
            raise DecodeError("trailing bytes after the encoding")
