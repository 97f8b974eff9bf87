"""The one settings object (env prefix RADAR_), built at the entry point and passed down."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from extractors.address_policy import AddressPolicy
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
    narrative_head: Path | None = Field(
        None, description="fitted document head (radar narratives fit); labels articles for the narratives it knows"
    )
    stance_pairs: Path | None = Field(
        None, description="real claim / rebuttal pairs (a CSV with title, summary and disproof columns, e.g. the "
        "EUvsDisinfo scrape) the stance head learns from beside the catalogue's exemplars; none = exemplars only")
    hypotheses: Path = Field(_ROOT / "config" / "hypotheses.yaml", description="forecast tracker hypotheses")
    muted_topics: Path = Field(
        _ROOT / "config" / "muted_topics.yaml", description="topics discovery never alerts on (sport, weather, ...); "
        "a cluster nearer one of them than every catalogue family is listed as off-topic")
    model: str = Field("", description="embedding model name or path; empty = the packaged all-MiniLM-L6-v2")
    model_languages: str = Field(
        "en", pattern=r"^(\*|[a-z]{2,3}(,[a-z]{2,3})*)$",
        description="languages the model reads (comma-separated ISO 639 codes, or * for a multilingual model); "
        "articles in others are stored but not embedded or classified")
    encoder_backend: Literal["torch", "onnx", "onnx-int8"] = Field(
        "torch", description="torch, or the same model exported to ONNX (fp32 or int8) and run with onnxruntime")
    onnx_dir: Path = Field(_ROOT / ".cache" / "onnx", description="where the ONNX export of the model is kept")
    concurrency: int = Field(8, ge=1, description="feeds processed at once")
    task_runner: Literal["threads", "dask"] = Field("threads", description="threads, or a Dask cluster for scale-out")
    dask_address: str | None = Field(None, description="scheduler of an existing Dask cluster; none = a local one")
    dask_workers: int = Field(2, ge=1, description="workers of the local Dask cluster")
    max_articles_per_feed: int = Field(200, ge=1, description="new articles taken from one feed per run")
    fetch_max_bytes: int = Field(5 * 1024 * 1024, ge=1024)
    fetch_connect_timeout: float = 10.0
    fetch_read_timeout: float = 20.0
    fetch_total_timeout: float = 60.0
    fetch_retries: int = Field(2, ge=0)
    fetch_backoff_seconds: float = 0.5
    fetch_per_host: int = Field(2, ge=1)
    fetch_allow: str = Field(
        "", description="comma-separated hosts, host:port, addresses or CIDR ranges (10.0.0.0/8, [::1]:8080) that may be "
        "fetched although private, loopback, link-local or otherwise not public (intranet feeds); empty = the public "
        "internet only")
    # Analytics defaults measured on real-text worlds (docs/analytics.md "Trends, bifurcation and alerts").
    analysis_window_weeks: int = Field(4, ge=1, le=26, description="trailing weeks behind each weekly bifurcation and forecast verdict")
    hypotheses_whole_weeks: bool = Field(
        False, description="judge forecasts only on weeks that are over (about a week later, fewer verdict alerts); "
                           "default: the week under way too, on its days so far")
    bifurcation_min_outlet_articles: int = Field(3, ge=1, description="articles an outlet needs in the window to count")
    bifurcation_alpha: float = Field(0.05, gt=0, lt=1, description="permutation p-value below which the camps differ and outlets get sides")
    bifurcation_min_margin: float = Field(0.2, ge=0, lt=1, description="relative distance margin for a confident side")
    bifurcation_crossing_weeks: int = Field(2, ge=1, description="consecutive confident weeks on the other side before a crossing")
    crossing_cooldown_days: int = Field(
        28, ge=0, description="at most one crossing alert per outlet and side in this many days (a recomputed week "
        "that moves a crossing by a week does not alert twice)")
    spike_baseline_days: int = Field(28, ge=7, le=90, description="calendar days pooled into a spike baseline")
    spike_min_baseline_passages: int = Field(100, ge=1)
    spike_min_baseline_articles: int = Field(20, ge=0)
    spike_min_count: int = Field(8, ge=1, description="a day's passages must reach this to alert")
    spike_min_articles: int = Field(3, ge=1, description="... in at least this many articles")
    spike_min_ratio: float = Field(2.0, gt=1, description="the day's share of articles carrying it / the baseline's")
    spike_alpha: float = Field(0.01, gt=0, lt=1, description="false-alarm rate per day across all series (Bonferroni)")
    spike_cooldown_days: int = Field(7, ge=0)
    spike_test: Literal["weekday", "volume", "rate"] = Field(
        "weekday", description="weekday: carrying articles against the baseline's share times the usual volume of the "
        "day's weekday, and the day's share above the baseline's; volume: the share test alone; rate: carrying articles "
        "against the baseline's daily rate (the earlier test, which calls every busy publishing day a spike)")
    spike_share_alpha: float = Field(
        0.01, gt=0, le=1, description="a spike's share of the day's articles must beat the baseline's at this level")
    # Who leads and who copies (docs/analytics.md "Who leads and who copies": thresholds measured by benchmarks/reuse_quality.py).
    reuse_min_cosine: float = Field(0.95, gt=0, le=1, description="cosine of two passages' vectors to be copy candidates")
    reuse_min_jaccard: float = Field(0.85, gt=0, le=1, description="word 3-shingle Jaccard that confirms a copy (paraphrase stays below)")
    reuse_window_days: int = Field(7, ge=1, le=60, description="new passages are compared with those published this many days around them")
    reuse_whole_article_share: float = Field(0.8, gt=0, le=1, description="share of an article's passages copied from one original that flags whole-article republication")
    leadlag_window_days: int = Field(42, ge=14, le=180, description="trailing days behind each week's narrative lead-lag")
    leadlag_min_window_days: int = Field(28, ge=14, le=180, description="days of data a week's window needs to be judged")
    leadlag_max_lag_days: int = Field(7, ge=1, le=14, description="largest lead tested, in days")
    leadlag_permutations: int = Field(2000, ge=100, description="shuffled-days permutations of the lead-lag null")
    leadlag_alpha: float = Field(0.05, gt=0, lt=1, description="chance of any false lead per week across narratives and pairs (max-T permutation null)")
    leadlag_min_articles: int = Field(6, ge=1, description="articles a camp or tier needs on a narrative in the window")
    leadlag_wave_gap_days: int = Field(3, ge=1, description="days without a narrative before an article opens a new wave")
    alert_recent_days: int = Field(
        2, ge=0, description="alerts this close to the newest day are delivered (a first run over history sends only these)"
    )
    alert_retry_days: int = Field(
        14, ge=0, description="alerts not sent when due (webhook down) or stored since the previous run (missed runs, late "
        "articles): sent while this close to the newest day"
    )
    feed_failing_after: int = Field(3, ge=1, description="failed fetches in a row that flag a feed as failing")
    feed_silent_multiple: float = Field(
        4.0, gt=0, description="a feed quiet for more than this many of its usual intervals is flagged silent"
    )
    feed_silent_floor_days: float = Field(3.0, ge=0, description="a feed is never flagged silent sooner than this")
    feed_silence_wall_clock: bool = Field(
        False, description="measure a feed's silence up to its last fetch (set it on a scheduled deployment: it also "
        "catches every feed going quiet at once); default: up to the warehouse's newest article, so a replay or "
        "back-fill of past days (radar demo) does not call every feed silent")
    # Emerging-narrative discovery (docs/discovery.md: defaults measured by benchmarks/discovery_quality.py).
    discovery_window_weeks: int = Field(2, ge=1, le=12, description="trailing weeks clustered for each week's discovery")
    discovery_reference_weeks: int = Field(2, ge=1, le=12, description="weeks before the window it is compared with (novelty)")
    discovery_novelty_k: int = Field(10, ge=2, description="nearest neighbours behind a passage's novelty share")
    discovery_novelty_share: float = Field(0.65, gt=0, le=1, description="share of window neighbours (vs the reference period) for a passage to be clustered")
    discovery_alpha: float = Field(1.0, gt=0, le=1, description="keep a cluster only when its window/reference article test (Bonferroni over the week's clusters) is below this; 1 = off")
    discovery_neighbourhood: float = Field(10.0, ge=0, le=100, description="percentile of members' cosine to the centroid that bounds a cluster's tested neighbourhood")
    discovery_max_score: float = Field(0.55, gt=0, description="passages whose best catalogue narrative scores below this are clustered")
    discovery_min_cluster_size: int = Field(6, ge=2, description="HDBSCAN min_cluster_size (passages)")
    discovery_min_samples: int = Field(3, ge=1, description="HDBSCAN min_samples")
    discovery_min_outlets: int = Field(2, ge=1, description="a cluster must span this many outlets to be kept")
    discovery_boilerplate_min_articles: int = Field(3, ge=2, description="near-identical passage in this many articles of one outlet = boilerplate")
    discovery_boilerplate_similarity: float = Field(0.95, gt=0, le=1, description="cosine of near-identical passages")
    discovery_match_similarity: float = Field(0.8, gt=0, le=1, description="centroid cosine for a cluster to keep a previous cluster's id")
    discovery_match_overlap: float = Field(0.5, gt=0, le=1, description="share of a previous cluster's members (still in the window) for a cluster to keep its id; checked before the centroid")
    discovery_retain_share: float = Field(0.5, ge=0, le=1, description="novelty share a lost cluster's passages need to be kept under its id (hysteresis, below discovery_novelty_share; 0 = kept while half its members are in the window and unclaimed)")
    discovery_unmerge: bool = Field(True, description="when a week is computed again with one more day, split a cluster that holds most of two or more of the week's earlier clusters back into them (ids stable when a day joins neighbours)")
    discovery_memory_weeks: int = Field(4, ge=0, description="weeks back a cluster can be matched to")
    discovery_growth_ratio: float = Field(1.5, gt=1, description="articles this week / last week for 'growing'")
    discovery_alert_min_outlets: int = Field(4, ge=1, description="outlets this week for a new or growing cluster to alert")
    discovery_alert_alpha: float = Field(0.02, gt=0, le=1, description="an emerging alert also needs its cluster's window/reference test p-value at most this (1 = any)")
    discovery_alert_continued: bool = Field(False, description="an emerging alert only for a cluster that continues one an earlier computation found (on the daily path: the day before)")
    discovery_alert_cooldown_days: int = Field(14, ge=0, description="at most one emerging alert per cluster in this many days")
    discovery_alert_max_per_week: int = Field(5, ge=0, description="at most this many emerging alerts per week, the lowest novelty p first (0 = no cap)")
    discovery_relevance_min: float = Field(0.4, ge=-1, le=1, description="a cluster whose nearest catalogue family is below this similarity is off-topic: listed, never alerted (0 = families never too far)")
    discovery_head_passages: bool = Field(True, description="with RADAR_NARRATIVE_HEAD set, leave out of discovery the passages the head's labelled passages name (the memory `radar narratives fit` writes beside the head)")
    discovery_neighbour_k: int = Field(10, ge=1, description="labelled passages consulted per candidate passage")
    discovery_neighbour_share: float = Field(0.6, gt=0, le=1, description="share of them from articles carrying one catalogued narrative that names a passage")
    discovery_neighbour_min_similarity: float = Field(0.4, ge=-1, le=1, description="labelled passages below this cosine do not count (a passage far from all of them stays a candidate)")
    head_passage_share: float = Field(1.0, gt=0, le=1, description="`radar narratives fit`: each training article's label is carried in the memory by this share of its passages, those most like the label's exemplars (1 = all; 0.5 finds more of what is new at the cost of more catalogued narratives surfacing: docs/discovery.md, Labelled passages)")
    discovery_max_points: int = Field(12000, ge=100, description="larger windows are clustered on a seeded sample of this size")
    discovery_selection: Literal["eom", "leaf"] = Field("leaf", description="HDBSCAN cluster selection: eom (larger clusters) or leaf (finer)")
    discovery_dims: int = Field(32, ge=0, description="PCA dimensions before clustering (0 = none)")
    alert_webhook: SecretStr | None = Field(None, description="Slack-compatible webhook URL (secret)")
    schedule_cron: str = "0 6 * * *"
    demo_port: int = Field(8765, ge=0, le=65535, description="127.0.0.1 port of the demo corpus server")
    read_wait_seconds: float = Field(30.0, description="how long `radar sql` waits for a writer to let go")
    write_wait_seconds: float = Field(
        60.0, ge=0, description="how long a run waits for another process's write lock on the warehouse, then fails"
    )

    @field_validator("fetch_allow")
    @classmethod
    def _allow_list_parses(cls, value: str) -> str:
        AddressPolicy.parse(value.split(","))  # a typo fails at start-up, not at the first fetch
        return value

    def fetch_limits(self) -> FetchLimits:
        return FetchLimits(
            connect_timeout=self.fetch_connect_timeout,
            read_timeout=self.fetch_read_timeout,
            total_timeout=self.fetch_total_timeout,
            max_bytes=self.fetch_max_bytes,
            retries=self.fetch_retries,
            backoff_seconds=self.fetch_backoff_seconds,
            per_host=self.fetch_per_host,
            allow=tuple(entry.strip() for entry in self.fetch_allow.split(",") if entry.strip()),
        )

    def spike_params(self):  # -> models.spikes.SpikeParams
        from models.spikes import SpikeParams

        return SpikeParams(
            baseline_days=self.spike_baseline_days, min_baseline_passages=self.spike_min_baseline_passages,
            min_baseline_articles=self.spike_min_baseline_articles, min_count=self.spike_min_count,
            min_articles=self.spike_min_articles, min_ratio=self.spike_min_ratio, alpha=self.spike_alpha,
            cooldown_days=self.spike_cooldown_days, test=self.spike_test, share_alpha=self.spike_share_alpha,
        )

    def bifurcation_params(self):  # -> models.bifurcation.BifurcationParams
        from models.bifurcation import BifurcationParams

        return BifurcationParams(
            window_weeks=self.analysis_window_weeks, min_outlet_articles=self.bifurcation_min_outlet_articles,
            alpha=self.bifurcation_alpha, min_margin=self.bifurcation_min_margin,
            crossing_weeks=self.bifurcation_crossing_weeks,
        )

    def reuse_params(self):  # -> models.reuse.ReuseParams
        from models.reuse import ReuseParams

        return ReuseParams(min_cosine=self.reuse_min_cosine, min_jaccard=self.reuse_min_jaccard,
                           window_days=self.reuse_window_days, whole_article_share=self.reuse_whole_article_share)

    def leadlag_params(self):  # -> models.leadlag.LeadLagParams
        from models.leadlag import LeadLagParams

        return LeadLagParams(max_lag=self.leadlag_max_lag_days, window_days=self.leadlag_window_days,
                             min_window_days=self.leadlag_min_window_days,
                             permutations=self.leadlag_permutations, alpha=self.leadlag_alpha,
                             min_articles=self.leadlag_min_articles, wave_gap_days=self.leadlag_wave_gap_days)

    def embedder(self):  # -> models.embedder.Embedder; lazy, loads nothing
        from models.embedder import Embedder

        return Embedder(self.model, backend=self.encoder_backend, onnx_dir=self.onnx_dir,
                        languages=tuple(self.model_languages.split(",")))

    def task_runner_instance(self):  # -> a Prefect TaskRunner
        """The task runner the settings ask for; Dask fans fetching and embedding out to its workers."""
        if self.task_runner == "dask":
            from prefect_dask import DaskTaskRunner

            if self.dask_address:
                return DaskTaskRunner(address=self.dask_address)
            return DaskTaskRunner(cluster_kwargs={"n_workers": self.dask_workers, "threads_per_worker": 1,
                                                  "processes": True, "dashboard_address": None})
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner(max_workers=self.concurrency)

    def discovery_params(self):  # -> models.discovery.DiscoveryParams
        from models.discovery import DiscoveryParams

        return DiscoveryParams(
            min_cluster_size=self.discovery_min_cluster_size, min_samples=self.discovery_min_samples,
            min_outlets=self.discovery_min_outlets, boilerplate_min_articles=self.discovery_boilerplate_min_articles,
            boilerplate_similarity=self.discovery_boilerplate_similarity, match_similarity=self.discovery_match_similarity,
            match_overlap=self.discovery_match_overlap, retain_share=self.discovery_retain_share,
            unmerge=self.discovery_unmerge,
            growth_ratio=self.discovery_growth_ratio, max_points=self.discovery_max_points, dims=self.discovery_dims,
            novelty_k=self.discovery_novelty_k, novelty_share=self.discovery_novelty_share,
            selection=self.discovery_selection, alpha=self.discovery_alpha,
            neighbourhood=self.discovery_neighbourhood,
        )

    def masked(self) -> dict[str, str]:
        """Settings as strings with secrets masked, for `radar config`."""
        out = {}
        for name, value in self.model_dump().items():
            if isinstance(getattr(self, name), SecretStr):
                value = "********" if value else None
            out[name] = "" if value is None else str(value)
        return out
