"""Encoding while the feeds are still being fetched: the feed steps hand over the passage texts they stored and one
thread encodes them in large batches, so fetching and extraction overlap with the model instead of preceding it."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Self

from extractors.identity import text_hash
from flows.classify_step import store_vectors
from models.embedder import Embedder
from warehouse.db import load_sql
from warehouse.writer import Writer

log = logging.getLogger(__name__)


class StreamingEncoder:
    """A context manager: `offer(texts)` from any thread while it is open; leaving it encodes what is buffered.

    Texts that already have a vector for the model are skipped. A failed batch is only logged: the embed step
    after the fetch encodes every passage still without a vector, so nothing is lost.
    """

    def __init__(self, writer: Writer, embedder: Embedder, batch: int = 512,
                 on_encoded: Callable[[int], None] | None = None) -> None:
        self.writer, self.embedder, self.batch = writer, embedder, batch
        self.on_encoded = on_encoded  # hears how many texts each stored batch added (the run's progress)
        self.encoded = 0
        self.failures = 0
        self._queue: queue.Queue[list[str] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="radar-encoder", daemon=True)

    def offer(self, texts: Iterable[str]) -> None:
        self._queue.put(list(texts))

    def offer_passages(self, passages: Iterable[tuple[str | None, str]]) -> None:
        """(article language, passage text) pairs: only texts of languages the model reads are encoded."""
        self.offer(text for language, text in passages if self.embedder.reads(language))

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        buffer: dict[str, str] = {}
        while True:
            item = self._queue.get()
            if item is not None:
                buffer.update((text_hash(t), t) for t in item)
            if buffer and (item is None or len(buffer) >= self.batch):
                self._encode(buffer)
                buffer = {}
            if item is None:
                return

    def _encode(self, buffer: dict[str, str]) -> None:
        try:
            with self.writer.transaction() as con:
                known = {r[0] for r in con.execute(load_sql("queries/embedded_hashes"),
                                                   {"model_id": self.embedder.model_id, "hashes": list(buffer)}).fetchall()}
            todo = [(h, t) for h, t in buffer.items() if h not in known]
            if todo:
                store_vectors(self.writer, self.embedder.model_id, [h for h, _ in todo],
                              self.embedder.encode([t for _, t in todo]))
                self.encoded += len(todo)
                if self.on_encoded is not None:
                    self.on_encoded(len(todo))
        except Exception as exc:  # noqa: BLE001 (the embed step after the fetch encodes what is left)
            self.failures += 1
            log.error("encoding %d passage texts during the fetch failed (left to the embed step): %r", len(buffer), exc)
