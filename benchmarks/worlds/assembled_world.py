"""A world's warehouse assembled from the rows the real flow stored for the library world (benchmarks/worlds/spike_replay.py).

Each posting takes its document's stored article, passages, vectors and labels, moved to the world's outlet and
publication time; the analysis steps then run on it as on an ingested world. Ingesting costs a minute a world and
assembling a second, so the weekly analytics can be measured per publishing rhythm over many seeds.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from benchmarks.worlds.realworld import World, query

LIBRARY_TABLES = ("embeddings", "exemplar_embeddings", "narratives")


def _source_id(name: str) -> str:
    return hashlib.sha256(f"world\x00{name}".encode()).hexdigest()[:16]


def article_ids(library_db: Path) -> dict[str, str]:
    """The library's article id of each document (by the last path segment of its URL, the doc id)."""
    return {url.rsplit("/", 1)[-1]: article_id for article_id, url in query(library_db, "SELECT article_id, url FROM articles")}


def assemble(world: World, library_db: Path, target: Path, ids: dict[str, str]) -> Path:
    """Write `world` into a new warehouse at `target` from the library's rows; returns its path."""
    from warehouse.writer import Writer

    target.unlink(missing_ok=True)
    Writer(target)  # migrated
    postings = [(ids[p.doc.doc_id.lower()], _source_id(p.outlet), p.published) for p in world.postings
                if p.doc.doc_id.lower() in ids]
    con = duckdb.connect(str(target))
    try:
        con.execute("ATTACH ? AS lib (READ_ONLY)", [str(library_db)])
        con.executemany("INSERT INTO sources (source_id, name, feed_url, camp, language) VALUES (?, ?, ?, ?, 'en')",
                        [(_source_id(n), n, f"http://world.invalid/{_source_id(n)}.xml", c) for n, c in world.outlets])
        con.execute("CREATE TEMP TABLE posting (article_id VARCHAR, source_id VARCHAR, published_at TIMESTAMPTZ)")
        con.executemany("INSERT INTO posting VALUES (?, ?, ?)", postings)
        con.execute(_sql("articles", "a.* REPLACE (m.source_id AS source_id, m.published_at AS published_at)"))
        con.execute(_sql("passages", "a.*"))
        moved = "a.* REPLACE (m.source_id AS source_id, CAST(timezone('UTC', m.published_at) AS DATE) AS day)"
        con.execute(_sql("passage_classifications", moved))
        con.execute(_sql("passage_narratives", moved))
        for table in LIBRARY_TABLES:
            con.execute(f"INSERT OR IGNORE INTO {table} BY NAME SELECT * FROM lib.{table}")
    finally:
        con.close()
    return target


def _sql(table: str, columns: str) -> str:
    return f"INSERT INTO {table} BY NAME SELECT {columns} FROM lib.{table} a JOIN posting m USING (article_id)"
