"""The one settings object (env prefix RADAR_), built at the entry point and passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from extractors.http import FetchLimits

_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Effective configuration; every field can be set as RADAR_<FIELD> in the environment."""

    model_config = SettingsConfigDict(env_prefix="RADAR_", extra="ignore")

    db: Path = Field(Path("radar.duckdb"), description="DuckDB file")
    sources: Path = Field(_ROOT / "config" / "sources.yaml", description="outlet list")
    narratives: Path = Field(_ROOT / "config" / "narratives.yaml", description="narrative catalogue")
    narrative_params: Path = Field(
        _ROOT / "config" / "narrative_params.json", description="fitted thresholds/heads (radar narratives fit)"
    )
    model: str = Field("", description="embedding model name or path; empty = the packaged all-MiniLM-L6-v2")
    concurrency: int = Field(8, ge=1, description="feeds processed at once")
    max_articles_per_feed: int = Field(200, ge=1, description="new articles taken from one feed per run")
    fetch_max_bytes: int = Field(5 * 1024 * 1024, ge=1024)
    fetch_connect_timeout: float = 10.0
    fetch_read_timeout: float = 20.0
    fetch_total_timeout: float = 60.0
    fetch_retries: int = Field(2, ge=0)
    fetch_backoff_seconds: float = 0.5
    fetch_per_host: int = Field(2, ge=1)
    alert_webhook: SecretStr | None = Field(None, description="Slack-compatible webhook URL (secret)")
    schedule_cron: str = "0 6 * * *"
    demo_port: int = Field(8765, ge=0, le=65535, description="127.0.0.1 port of the demo corpus server")
    read_wait_seconds: float = Field(30.0, description="how long `radar sql` waits for a writer to let go")

    def fetch_limits(self) -> FetchLimits:
        return FetchLimits(
            connect_timeout=self.fetch_connect_timeout,
            read_timeout=self.fetch_read_timeout,
            total_timeout=self.fetch_total_timeout,
            max_bytes=self.fetch_max_bytes,
            retries=self.fetch_retries,
            backoff_seconds=self.fetch_backoff_seconds,
            per_host=self.fetch_per_host,
        )

    def masked(self) -> dict[str, str]:
        """Settings as strings with secrets masked, for `radar config`."""
        out = {}
        for name, value in self.model_dump().items():
            if isinstance(getattr(self, name), SecretStr):
                value = "********" if value else None
            out[name] = "" if value is None else str(value)
        return out
