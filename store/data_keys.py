"""Each child's data key: made on first use, kept wrapped by the master key, destroyed on erasure.

A data key is 256-bit AES-GCM. It is stored in the `data_keys` table wrapped (AES-GCM) by the
master key from settings, bound to its case id, so a key row copied to another case does not open.
Unwrapped keys are kept in memory for `key_cache_seconds`, so that another process's erasure takes
effect here within that time; this process's own erasures take effect at once.
"""

import os
import threading
from collections.abc import Iterable, Sequence
from contextlib import suppress
from typing import Protocol
from uuid import UUID

from cachetools import TTLCache
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12
CACHE_SIZE = 10_000


class KeyDestroyed(Exception):
    """The child's key was destroyed: their personal data can no longer be sealed or opened."""


class KeyStore(Protocol):
    def add_wrapped_key(self, subject_id: UUID, wrapped: bytes) -> bytes | None:
        """Stores the key unless one exists; returns the stored one (None once destroyed)."""

    def wrapped_keys(self, subject_ids: Sequence[UUID]) -> dict[UUID, bytes | None]:
        """The wrapped key of each of these children who has a key row (None once destroyed)."""


def seal(key: AESGCM, plaintext: bytes, subject_id: UUID) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + key.encrypt(nonce, plaintext, subject_id.bytes)


def open_sealed(key: AESGCM, sealed: bytes, subject_id: UUID) -> bytes:
    return key.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], subject_id.bytes)


class NewKeys:
    """A key store for children all first seen in one batch of events: their wrapped keys are
    kept here until the batch's transaction stores them with its events (store/bulk.py)."""

    def __init__(self) -> None:
        self._made: dict[UUID, bytes] = {}

    def add_wrapped_key(self, subject_id: UUID, wrapped: bytes) -> bytes | None:
        return self._made.setdefault(subject_id, wrapped)

    def wrapped_keys(self, subject_ids: Sequence[UUID]) -> dict[UUID, bytes | None]:
        return {subject: self._made[subject] for subject in subject_ids if subject in self._made}

    def take(self) -> list[tuple[UUID, bytes]]:
        """The keys made since the last take, to store now."""
        made, self._made = list(self._made.items()), {}
        return made


class DataKeys:
    def __init__(self, master_key: bytes, cache_seconds: float) -> None:
        self._master_key = master_key
        self._master = AESGCM(master_key)
        self._cache_seconds = cache_seconds
        self._cache: TTLCache[UUID, AESGCM | None] = TTLCache(CACHE_SIZE, max(cache_seconds, 1e-3))
        self._lock = threading.Lock()
        self.store: KeyStore | None = None

    def over(self, store: KeyStore) -> "DataKeys":
        """Keys wrapped by the same master key, kept in another store, with a cache of their own."""
        keys = DataKeys(self._master_key, self._cache_seconds)
        keys.store = store
        return keys

    def __reduce__(self) -> tuple[type["DataKeys"], tuple[bytes, float]]:
        """Pickled as the master key alone, for the loader's worker processes on this machine
        (demo/loader.py): the cache and the key store stay behind."""
        return DataKeys, (self._master_key, self._cache_seconds)

    def for_sealing(self, subject_id: UUID) -> AESGCM:
        """The child's key, made now if they have none yet."""
        key = self.for_opening(subject_id)
        if key is not None:
            return key
        new_key = AESGCM.generate_key(256)
        wrapped = self._store().add_wrapped_key(subject_id, seal(self._master, new_key, subject_id))
        if wrapped is None:
            raise KeyDestroyed(str(subject_id))
        made = self._unwrapped(subject_id, wrapped)
        self._remember(subject_id, made)
        return made

    def for_opening(self, subject_id: UUID) -> AESGCM | None:
        """The child's key, or None if they have none or it was destroyed."""
        with self._lock, suppress(KeyError):  # in memory: the usual case, on every sealed field
            return self._cache[subject_id]
        return self.open_ahead((subject_id,)).get(subject_id)

    def open_ahead(self, subject_ids: Iterable[UUID]) -> dict[UUID, AESGCM | None]:
        """The keys of those of these children who have a key row (None where destroyed), those
        not in memory fetched in one query and kept: a batch of events costs one query, not one
        a child."""
        wanted = set(subject_ids)
        keys: dict[UUID, AESGCM | None] = {}
        with self._lock:
            for subject in wanted:
                with suppress(KeyError):  # not in memory, or no longer
                    keys[subject] = self._cache[subject]
        missing = [subject for subject in wanted if subject not in keys]
        if missing:
            for subject, wrapped in self._store().wrapped_keys(missing).items():
                keys[subject] = None if wrapped is None else self._unwrapped(subject, wrapped)
                self._remember(subject, keys[subject])
        return keys

    def _unwrapped(self, subject_id: UUID, wrapped: bytes) -> AESGCM:
        return AESGCM(open_sealed(self._master, wrapped, subject_id))

    def forget(self, subject_id: UUID) -> None:
        with self._lock:
            self._cache.pop(subject_id, None)

    def _remember(self, subject_id: UUID, key: AESGCM | None) -> None:
        with self._lock:
            self._cache[subject_id] = key

    def _store(self) -> KeyStore:
        assert self.store is not None, "the key store is attached when the application starts"
        return self.store
