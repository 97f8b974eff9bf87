"""Judgments in the warehouse: store, read, import and export them, and build the review queue from stored rows."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from models.judgments import COLUMNS, Judgment, JudgmentFileError, read_csv, read_jsonl, write_csv, write_jsonl
from models.narratives import ClassifierParams
from models.review_queue import Answer, Candidates, QueueItem, review_queue
from warehouse.db import load_sql
from warehouse.writer import Writer

log = logging.getLogger(__name__)


def store_judgment(writer: Writer, judgment: Judgment) -> bool:
    """Write one judgment in its own transaction; False when it was stored already."""
    return store_judgments(writer, [judgment]) == 1


def store_judgments(writer: Writer, judgments: list[Judgment]) -> int:
    """Write judgments in one transaction, skipping those stored already; returns how many are new."""
    with writer.transaction() as con:
        [(before,)] = con.execute(load_sql("queries/judgments_count")).fetchall()
        for j in judgments:
            con.execute(load_sql("queries/insert_judgment"), j.row())
        [(after,)] = con.execute(load_sql("queries/judgments_count")).fetchall()
    return after - before


def record_answer(writer: Writer, p: Proposal, answer: Answer, analyst: str, when: datetime | None = None) -> Judgment:
    """Store an analyst's answer to a queued passage at once (the terminal review and the review page both); returns
    the judgment written."""
    judgment = Judgment(
        target="passage", article_id=p.article_id, article_url=p.article_url, text_hash=p.text_hash,
        passage_id=p.passage_id, text=p.text, narrative_id=answer.narrative_id, stance=answer.stance,
        analyst=analyst, judged_at=when or datetime.now(UTC), model_id=p.model_id, catalog_hash=p.catalog_hash,
        proposed_narrative_id=p.narrative_id, proposed_stance=p.stance)
    store_judgment(writer, judgment)
    return judgment


def read_judgments(writer: Writer) -> list[Judgment]:
    """Every stored judgment, oldest first."""
    with writer.transaction() as con:
        rows = con.execute(load_sql("queries/judgments_all")).fetchall()
    out = []
    for row in rows:
        values = dict(zip(COLUMNS, row, strict=True))
        values.pop("judgment_id")
        values["judged_at"] = values["judged_at"].astimezone(UTC)
        out.append(Judgment(**values))
    return out


def export_judgments(writer: Writer, path: Path, fmt: str) -> int:
    """Write every judgment to `path` as `jsonl` (Label Studio tasks) or `csv`; returns how many."""
    judgments = read_judgments(writer)
    with path.open("w", encoding="utf-8", newline="") as out:
        return (write_jsonl if fmt == "jsonl" else write_csv)(judgments, out)


@dataclass(frozen=True)
class Imported:
    read: int
    new: int


def import_judgments(writer: Writer, path: Path, narrative_ids: list[str]) -> Imported:
    """Every judgment of a JSONL or CSV file (by its suffix, else by its first character), or none: a bad line, or a
    line that would change a stored judgment, raises JudgmentFileError naming every such line."""
    text = path.read_text(encoding="utf-8")
    as_csv = path.suffix.lower() == ".csv" or (path.suffix.lower() not in (".jsonl", ".json")
                                               and not text.lstrip().startswith("{"))
    judgments = (read_csv if as_csv else read_jsonl)(text, narrative_ids)
    _refuse_changes(writer, judgments)
    new = store_judgments(writer, judgments)
    log.info("imported %d judgments from %s (%d new)", len(judgments), path, new)
    return Imported(len(judgments), new)


def _refuse_changes(writer: Writer, judgments: list[Judgment]) -> None:
    stored = {j.judgment_id: j for j in read_judgments(writer)}
    problems = []
    for n, j in enumerate(judgments, start=1):
        old = stored.setdefault(j.judgment_id, j)  # also two judgments of one file that differ
        if old is not None and old != j:
            differ = [k for k in old.row() if old.row()[k] != j.row()[k]]
            problems.append(f"judgment {n} ({j.analyst}, {j.judged_at.isoformat()}): another judgment (stored, or earlier in the file) of the same "
                            f"text, analyst and time differs in {', '.join(differ)}; judgments are never rewritten")
    if problems:
        raise JudgmentFileError(problems)


@dataclass(frozen=True)
class Proposal:
    """What `radar review` shows for one queued passage."""

    passage_id: str
    text_hash: str
    text: str
    article_id: str
    article_url: str
    title: str | None
    outlet: str
    narrative_id: str
    stance: str
    score: float
    model_id: str
    catalog_hash: str
    reason: str
    vector: np.ndarray | None


def build_queue(writer: Writer, model_id: str, params: ClassifierParams, limit: int = 50, alerts: int = 5,
                per_alert: int = 5, per_narrative: int = 500) -> list[Proposal]:
    """The review queue of the warehouse: candidates and judgments read, models.review_queue decides. Candidates are
    the evidence of the newest `alerts` spike alerts (`per_alert` each) and each narrative's `per_narrative` least
    sure labels (as many again for head/rule disagreements)."""
    with writer.transaction() as con:
        cur = con.execute(load_sql("queries/review_candidates"), {
            "model_id": model_id, "alerts": alerts, "per_alert": per_alert, "per_narrative": per_narrative,
            "narratives": list(params.thresholds), "thresholds": list(params.thresholds.values()),
            "default_threshold": params.default_threshold})
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        judged = dict(con.execute(load_sql("queries/judgments_per_narrative")).fetchall())
        judged_rows = con.execute(load_sql("queries/judged_texts"), {"model_id": model_id}).fetchall()
    vectors = _matrix([r["vector"] for r in rows])
    judged_vectors = _matrix([v for _, v in judged_rows if v is not None])
    candidates = Candidates(
        text_hash=[r["text_hash"] for r in rows], narrative=[r["narrative_id"] for r in rows],
        score=np.array([r["score"] for r in rows], float),
        threshold=np.array([params.threshold(r["narrative_id"]) for r in rows], float),
        disagreement=[r["disagreement"] for r in rows],
        alert_rank=np.array([-1 if r["alert_rank"] is None else r["alert_rank"] for r in rows], int),
        alert=[r["alert"] for r in rows], vectors=vectors)
    queue: list[QueueItem] = review_queue(candidates, judged, {h for h, _ in judged_rows}, judged_vectors, limit)
    return [_proposal(rows[q.index], q.reason, None if vectors is None else vectors[q.index]) for q in queue]


def _matrix(vectors: list) -> np.ndarray | None:
    """Stacked vectors; None when any is missing (no vectors of this model: near-duplicates by text hash only)."""
    if not vectors or any(v is None for v in vectors):
        return None
    return np.asarray(vectors, dtype=np.float32)


def _proposal(row: dict, reason: str, vector: np.ndarray | None) -> Proposal:
    return Proposal(row["passage_id"], row["text_hash"], row["text"], row["article_id"], row["article_url"],
                    row["title"], row["outlet"], row["narrative_id"], row["stance"], float(row["score"]),
                    row["model_id"], row["catalog_hash"], reason, vector)


@dataclass(frozen=True)
class Context:
    """A queued passage among its neighbours in its article: the texts before and after it, and where it stands."""

    before: list[str]
    after: list[str]
    position: int   # 1-based, in the article's passages
    passages: int


def article_context(writer: Writer, article_id: str, passage_id: str, around: int = 2) -> Context:
    """Up to `around` passages either side of `passage_id` in its article, in reading order."""
    with writer.transaction() as con:
        rows = con.execute(load_sql("queries/article_passages"), {"article_id": article_id}).fetchall()
    ids = [r[0] for r in rows]
    if passage_id not in ids:  # re-created since it was queued: show it alone
        return Context([], [], 0, len(ids))
    k = ids.index(passage_id)
    return Context([r[1] for r in rows[max(0, k - around):k]], [r[1] for r in rows[k + 1:k + 1 + around]], k + 1,
                   len(ids))
