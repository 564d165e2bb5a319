"""Errors of the encrypted store; each is an `app.errors.AppError` with one sentence.

    AppError
    └── StoreError          anything the store refuses or cannot do
        ├── StoreTooNew     the database was written by a newer Coterie (left untouched)
        ├── StoreKeyError   the key does not open this file, or it is not a Coterie store
        ├── StoreClosed     the store was closed
        └── NotStored       the row an operation needs is not there (or not usable)

sqlcipher3 errors are mapped to these at the store boundary; their text is never shown
because it may quote SQL.
"""
from __future__ import annotations

from app.errors import AppError


class StoreError(AppError):
    """Root of every error the store raises."""

    exit_code = 8


class StoreTooNew(StoreError):
    pass


class StoreKeyError(StoreError):
    pass


class StoreClosed(StoreError):
    pass


class NotStored(StoreError):
    pass
