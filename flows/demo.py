"""The demo flow: replay the bundled corpus from a local server through the real ingest flow."""

from __future__ import annotations

import logging

from flows.demo_server import DEMO_DIR, serve_directory
from flows.ingest import configured_ingest
from flows.settings import Settings

log = logging.getLogger(__name__)


def run_demo(settings: Settings) -> dict[str, int]:
    """Serve demo/corpus on 127.0.0.1 and ingest it into `settings.db`; returns the run totals."""
    # A fixed port keeps article URLs, hence article ids, the same from one demo run to the next.
    with serve_directory(DEMO_DIR / "corpus", port=settings.demo_port) as base_url:
        log.info("demo corpus served at %s", base_url)
        return configured_ingest(settings)(
            sources_path=str(DEMO_DIR / "sources.yaml"), db_path=str(settings.db), base_url=base_url, settings=settings
        )
