"""Analyst judgments as records, and their file formats: JSONL of Label Studio tasks, and CSV.

One JSONL line is one Label Studio task (the shape of its JSON export) holding the judged text and its article,
with one annotation per judgment; `narrative` and `stance` are `choices` results:

    {"data": {"text": "...", "article_url": "https://...", "passage_id": "...", "target": "passage",
              "model_id": "...", "catalog_hash": "...", "proposed_narrative": "...", "proposed_stance": "claim"},
     "annotations": [{"completed_by": "ana", "created_at": "2026-02-20T10:00:00.123456+00:00",
                      "result": [{"type": "choices", "from_name": "narrative", "to_name": "text",
                                  "value": {"choices": ["russia_sold_out_china"]}},
                                 {"type": "choices", "from_name": "stance", "to_name": "text",
                                  "value": {"choices": ["claim"]}}]}]}

Only `data.text`, `data.article_url` and each annotation's `completed_by`, `created_at` and narrative choice are
required; the narrative `none` means none of the catalogue's narratives (then no stance).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime

from extractors.identity import article_id_for, text_hash

NONE = "none"  # the narrative choice "none of these"
STANCES = ("claim", "rebuttal", "mention")
TARGETS = ("passage", "article")


class JudgmentFileError(ValueError):
    """A judgment file with problems; `problems` holds one line per bad line of the file, with its number."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Judgment:
    """One analyst's decision on one passage (or article); `narrative_id` None is "none of these"."""

    target: str
    article_id: str
    article_url: str
    text_hash: str | None
    passage_id: str | None
    text: str
    narrative_id: str | None
    stance: str | None
    analyst: str
    judged_at: datetime
    model_id: str | None = None
    catalog_hash: str | None = None
    proposed_narrative_id: str | None = None
    proposed_stance: str | None = None

    @property
    def judgment_id(self) -> str:
        return judgment_id(self.target, self.article_id, self.text_hash, self.analyst, self.judged_at)

    def row(self) -> dict[str, object]:
        """The table's columns, judgment_id first."""
        return {"judgment_id": self.judgment_id} | asdict(self)


COLUMNS = ("judgment_id", *(f.name for f in fields(Judgment)))


def judgment_id(target: str, article_id: str, passage_hash: str | None, analyst: str, judged_at: datetime) -> str:
    key = "\x00".join(("judgment", target, article_id, passage_hash or "", analyst, judged_at.astimezone(UTC).isoformat()))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def training_records(judgments: Iterable[Judgment]) -> list[tuple[str, str | None, str | None]]:
    """(text, narrative or None, stance) of each passage's latest judgment per analyst, oldest first: what a fit
    learns from (issue #36 item 4)."""
    latest: dict[tuple[str, str | None, str], Judgment] = {}
    for j in sorted(judgments, key=lambda j: j.judged_at):
        if j.target == "passage":
            latest[(j.article_id, j.text_hash, j.analyst)] = j
    return [(j.text, j.narrative_id, j.stance) for j in latest.values()]


# ---- Label Studio tasks, one a line


def to_task(j: Judgment) -> dict:
    """One Label Studio task holding one annotation."""
    result = [_choice("narrative", j.narrative_id or NONE)]
    if j.stance:
        result.append(_choice("stance", j.stance))
    data = {"text": j.text, "article_url": j.article_url, "article_id": j.article_id, "passage_id": j.passage_id,
            "text_hash": j.text_hash, "target": j.target, "model_id": j.model_id, "catalog_hash": j.catalog_hash,
            "proposed_narrative": j.proposed_narrative_id, "proposed_stance": j.proposed_stance}
    return {"data": data, "annotations": [{"completed_by": j.analyst, "created_at": j.judged_at.isoformat(),
                                           "result": result}]}


def _choice(name: str, value: str) -> dict:
    return {"type": "choices", "from_name": name, "to_name": "text", "value": {"choices": [value]}}


def write_jsonl(judgments: Iterable[Judgment], out: io.TextIOBase | io.StringIO) -> int:
    n = 0
    for j in judgments:
        out.write(json.dumps(to_task(j), ensure_ascii=False) + "\n")
        n += 1
    return n


def read_jsonl(text: str, narrative_ids: Sequence[str]) -> list[Judgment]:
    """Every judgment of a JSONL file (or of a JSON array of tasks, Label Studio's own JSON export); JudgmentFileError
    naming each bad line (task) when any is bad."""
    judgments: list[Judgment] = []
    problems: list[str] = []
    if text.lstrip().startswith("["):
        try:
            tasks = json.loads(text)
        except json.JSONDecodeError as exc:
            raise JudgmentFileError([f"line {exc.lineno}: {_reason(exc)}"]) from None
        items = [(f"task {n}", task) for n, task in enumerate(tasks, start=1)]
    else:
        items = [(f"line {n}", line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    for where, item in items:
        try:
            task = json.loads(item) if isinstance(item, str) else item
            judgments.extend(_from_task(task, narrative_ids))
        except (ValueError, TypeError, KeyError) as exc:  # json.JSONDecodeError is a ValueError
            problems.append(f"{where}: {_reason(exc)}")
    if problems:
        raise JudgmentFileError(problems)
    return judgments


def _reason(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"not JSON ({exc.msg} at column {exc.colno})"
    if isinstance(exc, KeyError):
        return f"missing {exc.args[0]}"
    return str(exc)


def _from_task(task: object, narrative_ids: Sequence[str]) -> list[Judgment]:
    if not isinstance(task, dict):
        raise TypeError("a line must be a JSON object (one Label Studio task)")
    data = task["data"]
    if not isinstance(data, dict):
        raise TypeError("data must be an object")
    annotations = task["annotations"]
    if not isinstance(annotations, list) or not annotations:
        raise ValueError("annotations must be a non-empty list")
    base = {k: data.get(k) for k in ("text", "article_url", "article_id", "passage_id", "text_hash", "target",
                                     "model_id", "catalog_hash")}
    base["proposed_narrative_id"] = data.get("proposed_narrative")
    base["proposed_stance"] = data.get("proposed_stance")
    out = []
    for a in annotations:
        if not isinstance(a, dict):
            raise TypeError("each annotation must be an object")
        if a.get("was_cancelled"):
            raise ValueError("a cancelled annotation is no judgment")
        choices = _choices(a["result"])
        if "narrative" not in choices:
            raise ValueError("no choices result from 'narrative'")
        completed_by = a["completed_by"]
        if isinstance(completed_by, dict):  # Label Studio's JSON export may expand the user
            completed_by = completed_by.get("email") or completed_by.get("username") or completed_by.get("id")
        fields_ = base | {"narrative_id": choices["narrative"], "stance": choices.get("stance"),
                          "analyst": completed_by, "judged_at": a["created_at"]}
        out.append(judgment_from(fields_, narrative_ids))
    return out


def _choices(result: object) -> dict[str, str]:
    if not isinstance(result, list):
        raise TypeError("result must be a list")
    found = {}
    for r in result:
        if not isinstance(r, dict) or r.get("type") != "choices":
            continue
        picked = (r.get("value") or {}).get("choices")
        if not isinstance(picked, list) or len(picked) != 1 or not isinstance(picked[0], str):
            raise ValueError(f"'{r.get('from_name')}' must have exactly one choice, not {picked!r}")
        found[str(r.get("from_name"))] = picked[0]
    return found


def judgment_from(values: dict[str, object], narrative_ids: Sequence[str]) -> Judgment:
    """A Judgment from one record's fields (strings or None), checked; ValueError or TypeError says what is wrong."""
    def text_of(name: str, required: bool = False) -> str | None:
        value = values.get(name)
        if value is None or value == "":
            if required:
                raise ValueError(f"missing {name}")
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a string, not {value!r}")
        return value

    target = text_of("target") or "passage"
    if target not in TARGETS:
        raise ValueError(f"target must be one of {', '.join(TARGETS)}, not {target!r}")
    text = text_of("text", required=True) or ""
    url = text_of("article_url", required=True) or ""
    narrative = text_of("narrative_id", required=True)
    narrative = None if narrative == NONE else narrative
    known = list(narrative_ids)
    for name, value in (("narrative", narrative), ("proposed narrative", text_of("proposed_narrative_id"))):
        if value is not None and value not in known and value != NONE:
            raise ValueError(f"unknown {name} {value!r} (the catalogue's ids: {', '.join(known)}, or {NONE})")
    stance = text_of("stance")
    for name, value in (("stance", stance), ("proposed stance", text_of("proposed_stance"))):
        if value is not None and value not in STANCES:
            raise ValueError(f"{name} must be one of {', '.join(STANCES)}, not {value!r}")
    if narrative is None and stance is not None:
        raise ValueError(f"stance {stance!r} given with narrative {NONE}")
    if narrative is not None and stance is None:
        raise ValueError(f"narrative {narrative!r} needs a stance ({', '.join(STANCES)})")
    passage_hash = text_hash(text) if target == "passage" else None
    given_hash = text_of("text_hash")
    if given_hash is not None and given_hash != passage_hash:
        raise ValueError(f"text_hash {given_hash} is not the hash of the text ({passage_hash})")
    proposed = text_of("proposed_narrative_id")
    return Judgment(
        target=target, article_id=text_of("article_id") or article_id_for(url), article_url=url,
        text_hash=passage_hash, passage_id=text_of("passage_id"), text=text, narrative_id=narrative, stance=stance,
        analyst=text_of("analyst", required=True) or "", judged_at=_when(values.get("judged_at")),
        model_id=text_of("model_id"), catalog_hash=text_of("catalog_hash"),
        proposed_narrative_id=None if proposed == NONE else proposed, proposed_stance=text_of("proposed_stance"))


def _when(value: object) -> datetime:
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, str) and value:
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"time {value!r} is not ISO 8601") from None
    else:
        raise ValueError("missing created_at (the time judged)")
    if when.tzinfo is None:
        raise ValueError(f"time {value!s} has no time zone (write it as UTC, e.g. 2026-02-20T10:00:00+00:00)")
    return when.astimezone(UTC)


# ---- CSV: the table's columns


def write_csv(judgments: Iterable[Judgment], out: io.TextIOBase | io.StringIO) -> int:
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    n = 0
    for j in judgments:
        row = j.row()
        row["judged_at"] = j.judged_at.isoformat()
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
        n += 1
    return n


def read_csv(text: str, narrative_ids: Sequence[str]) -> list[Judgment]:
    """Every judgment of a CSV file with a header of COLUMNS (judgment_id optional, recomputed); JudgmentFileError
    naming each bad line (its line in the file) when any row is bad. `none` or an empty narrative is none of these."""
    reader = csv.DictReader(io.StringIO(text))
    missing = {"text", "article_url", "analyst", "judged_at"} - set(reader.fieldnames or ())
    if missing:
        raise JudgmentFileError([f"line 1: the header lacks {', '.join(sorted(missing))}"])
    judgments, problems = [], []
    for row in reader:
        try:
            values: dict[str, object] = {k: v for k, v in row.items() if k is not None}
            if None in row:
                raise ValueError("more cells than the header's columns")
            values["narrative_id"] = values.get("narrative_id") or NONE
            judgments.append(judgment_from(values, narrative_ids))
        except (ValueError, TypeError) as exc:
            problems.append(f"line {reader.line_num}: {exc}")
    if problems:
        raise JudgmentFileError(problems)
    return judgments
