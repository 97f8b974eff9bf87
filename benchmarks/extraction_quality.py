"""Score our stored article text against the Zyte article-extraction benchmark's gold bodies.

    .venv/bin/python -m benchmarks.extraction_quality [--pages DIR] [--json] [--experiments]

Three systems in one run: ours (`extract_text`, exactly the text we store), trafilatura's reference output stored in
the benchmark (`output/trafilatura.json`) and plain `trafilatura.extract(html)`. Scores come from
`extractors.quality`: the benchmark's 4-gram shingle P/R/F1 (macro, its headline figure) plus the micro version,
and the same on a bag of words. `--experiments` adds variants of our trafilatura call, to measure what each
setting is worth. Exit code 1 when our macro F1 falls below the reference's.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import trafilatura

from extractors import articles, quality

log = logging.getLogger("extraction_quality")

DEFAULT_PAGES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "pages" / "zyte-benchmark"
_MIN_PAGE_CHARS = 200  # below this extract_article stores the feed text instead, which this benchmark lacks


@dataclass(frozen=True)
class Page:
    """One benchmark page with its gold body."""

    id: str
    url: str
    html: bytes
    gold: str


@dataclass(frozen=True)
class Result:
    """Scores of one system over all pages."""

    precision: float
    recall: float
    f1: float
    micro_f1: float
    bow_f1: float
    bow_micro_f1: float
    empty: int
    short: int
    seconds: float


Extractor = Callable[[Page], str]


def load_pages(root: Path) -> list[Page]:
    """Benchmark pages with gold text, in id order."""
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        Page(
            id=key,
            url=item.get("url") or "",
            html=gzip.decompress((root / "html" / f"{key}.html.gz").read_bytes()),
            gold=item.get("articleBody") or "",
        )
        for key, item in sorted(truth.items())
    ]


def load_reference(root: Path) -> tuple[str, dict[str, str]]:
    """Trafilatura version and texts of the benchmark's stored trafilatura output."""
    data = json.loads((root / "output" / "trafilatura.json").read_text(encoding="utf-8"))
    output = data.get("output", data)  # newer benchmark files wrap the texts with the extractor version
    return str(data.get("version", "?")), {key: item.get("articleBody") or "" for key, item in output.items()}


def score(pages: list[Page], texts: dict[str, str], seconds: float) -> Result:
    """Score predicted texts (missing ones count as empty) against the pages' gold bodies."""
    shingled = [quality.match(p.gold, texts.get(p.id, "")) for p in pages]
    bagged = [quality.match(p.gold, texts.get(p.id, ""), n=1) for p in pages]
    macro = quality.macro(shingled)
    return Result(
        precision=macro.precision,
        recall=macro.recall,
        f1=macro.f1,
        micro_f1=quality.micro(shingled).f1,
        bow_f1=quality.macro(bagged).f1,
        bow_micro_f1=quality.micro(bagged).f1,
        empty=sum(not texts.get(p.id, "").strip() for p in pages),
        short=sum(len(texts.get(p.id, "").strip()) < _MIN_PAGE_CHARS for p in pages),
        seconds=seconds,
    )


def run(pages: list[Page], extract: Extractor) -> tuple[dict[str, str], float]:
    """Texts of one extractor for every page, and the seconds it took; a failing page counts as empty."""
    texts: dict[str, str] = {}
    started = time.perf_counter()
    for page in pages:
        try:
            texts[page.id] = extract(page) or ""
        except Exception as exc:  # noqa: BLE001  (one hostile page must not end the benchmark)
            log.warning("extraction failed for %s: %s", page.url, exc)
            texts[page.id] = ""
    return texts, time.perf_counter() - started


def ours(page: Page) -> str:
    """The text we store."""
    return articles.extract_text(page.html, page.url)


def trafilatura_default(page: Page) -> str:
    """Plain `trafilatura.extract` on the decoded page, as the benchmark's own runner calls it."""
    return trafilatura.extract(page.html.decode("utf-8", errors="replace")) or ""


def _variant(**changes: Any) -> Extractor:
    # Mirrors extractors.articles._extract (reading its constants so the two stay in step) with some settings changed.
    base: dict[str, Any] = {
        "include_comments": False,
        "include_tables": True,
        "with_metadata": True,
        "date_extraction_params": articles._DATE_PARAMS,
        "config": articles._CONFIG,
    }
    decode = changes.pop("decode", False)
    keep_url = changes.pop("url", True)
    kwargs = {**base, **changes}

    def extract(page: Page) -> str:
        html: bytes | str = page.html.decode("utf-8", errors="replace") if decode else page.html
        doc = trafilatura.bare_extraction(html, url=page.url if keep_url else None, **kwargs)
        return (doc.text or "").strip() if doc else ""

    return extract


EXPERIMENTS: dict[str, Extractor] = {
    "ours, replica (check)": _variant(),
    "ours + favor_precision": _variant(favor_precision=True),
    "ours + favor_recall": _variant(favor_recall=True),
    "ours + include_comments": _variant(include_comments=True),
    "ours - include_tables": _variant(include_tables=False),
    "ours - with_metadata": _variant(with_metadata=False),
    "ours - date params": _variant(date_extraction_params=None),
    "ours, no url": _variant(url=False),
    "ours, decoded str input": _variant(decode=True),
}


def benchmark(root: Path, pages: list[Page], experiments: bool = False) -> dict[str, Result]:
    """Results of every system on the benchmark pages loaded from root."""
    version, reference = load_reference(root)
    results: dict[str, Result] = {}
    texts, seconds = run(pages, ours)
    results["ours (extract_text)"] = score(pages, texts, seconds)
    results[f"trafilatura {version} reference"] = score(pages, reference, 0.0)
    texts, seconds = run(pages, trafilatura_default)
    results[f"trafilatura {trafilatura.__version__} default"] = score(pages, texts, seconds)
    for name, extract in EXPERIMENTS.items() if experiments else ():
        texts, seconds = run(pages, extract)
        results[name] = score(pages, texts, seconds)
    return results


def table(results: dict[str, Result], pages: int) -> str:
    """Results as a fixed-width text table."""
    width = max(len(name) for name in results)
    lines = [
        (
            f"{pages} pages; P/R/F1 = Zyte benchmark score (4-gram shingles, macro); micro = pooled counts; "
            "bow = bag of words (1-grams)"
        ),
        (
            f"{'system':<{width}}  {'P':>6} {'R':>6} {'F1':>6} {'microF1':>7} {'bowF1':>6} {'bowµF1':>6} "
            f"{'empty':>5} {'<200ch':>6} {'secs':>5}"
        ),
    ]
    for name, r in results.items():
        lines.append(
            f"{name:<{width}}  {r.precision:6.4f} {r.recall:6.4f} {r.f1:6.4f} {r.micro_f1:7.4f} {r.bow_f1:6.4f} "
            f"{r.bow_micro_f1:6.4f} {r.empty:5d} {r.short:6d} {r.seconds:5.1f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="benchmark directory (default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--experiments", action="store_true", help="also score variants of our trafilatura call")
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages (0: all)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # its per-page chatter is not our signal
    if not (args.pages / "ground-truth.json").is_file():
        print(f"error: no ground-truth.json under {args.pages}", file=sys.stderr)
        return 1
    started = time.perf_counter()
    pages = load_pages(args.pages)[: args.limit or None]
    results = benchmark(args.pages, pages, experiments=args.experiments)
    ours_f1, reference_f1 = (r.f1 for r in list(results.values())[:2])  # benchmark() puts these two first
    passed = ours_f1 >= reference_f1
    if args.json:
        print(
            json.dumps(
                {
                    "pages": len(pages),
                    "ngram": quality.ZYTE_NGRAM,
                    "ours_at_least_reference": passed,
                    "seconds": round(time.perf_counter() - started, 1),
                    "systems": {name: asdict(r) for name, r in results.items()},
                },
                indent=2,
            )
        )
    else:
        print(table(results, len(pages)))
        verdict = "OK: ours >= reference" if passed else "BELOW: ours < reference"
        print(f"{verdict} (F1 {ours_f1:.4f} vs {reference_f1:.4f}); total {time.perf_counter() - started:.1f}s")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
