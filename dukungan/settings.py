"""Settings, built once at start-up from the environment (or `.env`) and passed in."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_VAR = Path("var")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DUKUNGAN_", env_file=".env", extra="ignore")

    database_url: str = Field(default=f"sqlite:///{DEFAULT_VAR / 'dukungan.sqlite3'}")
    broker_url: str = "redis://127.0.0.1:6379/0"
    storage_url: str = Field(default=f"file://{(DEFAULT_VAR / 'objects').resolve()}")
    admin_token: str | None = None
    max_upload_bytes: int = 200 * 1024 * 1024
    max_zip_members: int = 2000
    max_zip_ratio: float = 200.0  # uncompressed / compressed, per member: above is a zip bomb
    review_lease_seconds: int = 600
    render_dpi: int = 200
    tessdata_dir: str = "/usr/share/tesseract-ocr/5/tessdata"
    log_level: str = "INFO"
    queue_name: str = "dukungan"

    @field_validator("admin_token")
    @classmethod
    def _no_placeholder(cls, v: str | None) -> str | None:
        if v is not None and v.strip().lower() in {"", "changeme", "change-me", "secret", "admin"}:
            raise ValueError("DUKUNGAN_ADMIN_TOKEN is a placeholder; set a real secret or leave it unset")
        return v
