"""The one error root of crypto/: every rejection the protocol core makes is a CryptoError."""
from __future__ import annotations


class CryptoError(Exception):
    """Root of every error crypto/ raises. Subclasses name the failure."""
