"""A bounded in-process cache of rendered feed bodies, keyed by ETag.

Safe across processes and concurrent edits because the key is computed from
versions the database keeps (read first, in the request's transaction): a
process never serves bytes for a version other than the one it just read.
"""

import threading
from collections import OrderedDict

from calendar_service.domain.compression import gzip_bytes


class FeedCache:
    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            body = self._items.get(key)
            if body is not None:
                self._items.move_to_end(key)
            return body

    def get_gzip(self, key: str, body: bytes) -> bytes:
        """The gzip form of a cached body, compressed once per key."""
        gz_key = key + ";gzip"
        cached = self.get(gz_key)
        if cached is None:
            cached = gzip_bytes(body)
            self.put(gz_key, cached)
        return cached

    def put(self, key: str, body: bytes) -> None:
        if len(body) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= len(old)
            self._items[key] = body
            self._size += len(body)
            while self._size > self.max_bytes:
                _, evicted = self._items.popitem(last=False)
                self._size -= len(evicted)
