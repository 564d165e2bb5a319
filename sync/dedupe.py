"""Bounded memory of recently seen envelope hashes (insertion-ordered, oldest evicted)."""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedMap(Generic[K, V]):
    """A dict that forgets its oldest entries beyond `capacity` (a fixed memory bound)."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be positive")
        self.capacity = capacity
        self._items: OrderedDict[K, V] = OrderedDict()

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: K) -> V | None:
        return self._items.get(key)

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)


class BoundedHashSet:
    """The hashes of envelopes already stored by the app, remembered up to `capacity`."""

    def __init__(self, capacity: int) -> None:
        self._map: BoundedMap[bytes, None] = BoundedMap(capacity)

    def __contains__(self, digest: object) -> bool:
        return digest in self._map

    def __len__(self) -> int:
        return len(self._map)

    def add(self, digest: bytes) -> None:
        self._map.put(digest, None)
