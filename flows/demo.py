"""The demo flow: replay the bundled corpus from a local server through the real ingest flow."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flows.demo_server import DEMO_DIR, serve_directory
from flows.ingest import configured_ingest
from flows.settings import Settings

log = logging.getLogger(__name__)


def run_demo(settings: Settings) -> dict[str, int]:
    """Serve demo/corpus on 127.0.0.1 and ingest it into `settings.db`; returns the run totals."""
    # A fixed port keeps article URLs, hence article ids, the same from one demo run to the next.
    with serve_directory(DEMO_DIR / "corpus", port=settings.demo_port) as base_url:
        log.info("demo corpus served at %s", base_url)
        settings = allow_demo_server(settings, base_url)
        return configured_ingest(settings)(
            sources_path=str(DEMO_DIR / "sources.yaml"), db_path=str(settings.db), base_url=base_url, settings=settings
        )


def allow_demo_server(settings: Settings, base_url: str) -> Settings:
    """The settings with the demo's own server, and nothing else on this machine, added to the fetch allow-list."""
    own = urlsplit(base_url).netloc  # 127.0.0.1:<port>
    allow = ",".join(entry for entry in (settings.fetch_allow, own) if entry)
    return settings.model_copy(update={"fetch_allow": allow})
