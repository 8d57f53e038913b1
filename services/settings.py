"""The one settings object, read from the environment, with safe embedded defaults."""

import base64
import os
import secrets
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.closure import REOPEN_WINDOW_DAYS
from domain.outcomes import DEFAULT_AREAS, OutcomeMeasure
from domain.reviews import REPORTS_FORWARDED_DAYS_BEFORE
from domain.supervision import SUPERVISION_EVERY_DAYS
from services.areas import MANAGERS_EMAIL, AreaSettings
from services.permissions import Role
from services.rules import BUSINESS_SUPPORT_EMAIL


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KEYWORK_", extra="ignore")

    # A server to use instead of the embedded PostgreSQL: a URL, or the POSTGRES_* variables.
    database_url: SecretStr | None = None
    postgres_host: str | None = Field(None, validation_alias=AliasChoices("POSTGRES_HOST"))
    postgres_port: int = Field(5432, validation_alias=AliasChoices("POSTGRES_PORT"))
    postgres_user: str = Field("postgres", validation_alias=AliasChoices("POSTGRES_USER"))
    postgres_password: SecretStr = Field(
        SecretStr(""), validation_alias=AliasChoices("POSTGRES_PASSWORD")
    )
    postgres_dbname: str = Field("postgres", validation_alias=AliasChoices("POSTGRES_DBNAME"))
    postgres_pool_size: int = Field(10, validation_alias=AliasChoices("POSTGRES_POOL_SIZE"))
    # A streaming replica of that server, for the read models' queries (projections/runner.py):
    # commands, the event store, the projections' writes and the access log stay on the primary.
    read_database_url: SecretStr | None = None
    # Set by `keywork run` for the processes it starts: the embedded PostgreSQL it runs for them.
    embedded_database_url: SecretStr | None = None
    # Aggregates kept in memory between commands; each load then reads only newer events.
    aggregate_cache_size: int = Field(5000, ge=0)
    # A case is snapshotted (sealed with the child's key) each time it passes a multiple of this
    # many events, so loading it afresh reads fewer than this many events; 0: no snapshots.
    snapshot_every: int = Field(200, ge=0)

    data_dir: Path = Path(".keywork")
    host: str = "127.0.0.1"
    port: int = 8000
    # `keywork run` serves the API from this many processes, all accepting on the one port.
    api_workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    # Unset: a random secret is made once and kept in the data folder, readable by its owner only.
    jwt_secret: SecretStr | None = Field(None, min_length=32)
    token_hours: int = 12
    # Wraps each child's data key: 32 bytes, urlsafe base64. Unset: made once in the data folder
    # like the token secret. Keep it apart from database backups.
    master_key: SecretStr | None = None
    # The key of the blind indexes a child is found by (keyed hashes of their NHS number, names
    # and date of birth): 32 bytes, urlsafe base64, a key of its own. Unset: made once in the data
    # folder like the master key. Keep it apart from database backups too.
    search_key: SecretStr | None = None
    # The cases erased so far, one id per line, replayed on start so that restoring an old
    # backup cannot bring an erased child back. Unset: `erasure-list` in the data folder.
    erasure_list: Path | None = None
    # How long a process trusts a child's key it has read (another process may erase it).
    key_cache_seconds: float = Field(30.0, ge=0)
    # The areas served, each with its rule set and its own settings (services/areas.py). The
    # reopen window, the outcome measure, the supervision interval, the feedback rounds, the
    # managers' mailbox and the overdue escalation below are the defaults for an area that does
    # not set its own there.
    areas_file: Path | None = None
    # A closed case can be reopened for this long; after it, a new referral links to it.
    reopen_window_days: int = Field(REOPEN_WINDOW_DAYS, ge=0)
    # The outcome measure scored at reviews: its areas (a JSON list) and its scale.
    outcome_areas: tuple[str, ...] = Field(DEFAULT_AREAS, min_length=1)
    outcome_scale: tuple[int, int] = (1, 10)
    # A key worker is due supervision this many days after their last session.
    supervision_every_days: int = Field(SUPERVISION_EVERY_DAYS, ge=1)
    # Feedback questionnaires go out in rounds: when this many families are owed one, or when
    # the first has waited this many days. Links in them start with the public address.
    feedback_round_size: int = Field(5, ge=1)
    feedback_round_wait_days: int = Field(14, ge=0)
    public_url: str | None = None
    # Kafka bootstrap servers (host:port,...); unset, the service runs without the relay.
    kafka_bootstrap_servers: str | None = None
    # Mail: with no SMTP host, messages go to a maildir under the data folder.
    smtp_host: str | None = None
    smtp_port: int = 25
    mail_from: str = "key-working@keywork.invalid"
    coordinators_email: str = "coordinators@keywork.invalid"
    managers_email: str = MANAGERS_EMAIL
    # A contact still overdue this many days after it was due is raised with the managers.
    escalate_overdue_after_days: int = Field(7, ge=0)
    reports_forwarded_days_before: int = Field(REPORTS_FORWARDED_DAYS_BEFORE, ge=0)
    # GOV.UK Frontend's built files (its dist/govuk folder), for the pages' styles. Unset: the
    # node_modules that `npm ci` fills beside the code.
    frontend_dir: Path | None = None
    # The sign-in page offers demo users (a coordinator, business support, a commissioner).
    demo: bool = False
    # Signing in to the pages with the organisation's OpenID Connect provider, found from its
    # issuer URL. Unset: a pasted token, on the embedded default or KEYWORK_DEMO=1 only.
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    oidc_scopes: str = "openid email roles"
    # The `aud` the provider puts in access tokens for this API. Unset: the client id.
    oidc_audience: str | None = None
    # Which claims say who the person is and what they may do.
    oidc_roles_claim: str = "roles"
    # The provider's role names to ours (a JSON object); unset, the provider uses our names.
    oidc_role_map: dict[str, Role] = {}
    oidc_area_claim: str = "area"
    # Unset: the team recorded on the practitioner in the directory.
    oidc_team_claim: str | None = None
    # The claim that links the person to a practitioner, matched against the practitioner's
    # email or their id.
    oidc_link_claim: str = "email"
    oidc_link_field: Literal["email", "practitioner_id"] = "email"
    # A page session ends after this long without a request, and this long after sign-in.
    session_idle_minutes: int = Field(30, ge=1)
    session_hours: int = Field(10, ge=1)
    # Business support is on every distribution list.
    business_support_email: str = BUSINESS_SUPPORT_EMAIL

    @model_validator(mode="after")
    def _keys_apart(self) -> "Settings":
        master, search = self.master_key, self.search_key
        if master is not None and search is not None and master == search:
            raise ValueError("KEYWORK_SEARCH_KEY must be a key of its own, not the master key")
        return self

    @model_validator(mode="after")
    def _provider_complete(self) -> "Settings":
        if self.oidc_issuer is not None and not (self.oidc_client_id and self.oidc_client_secret):
            raise ValueError("KEYWORK_OIDC_ISSUER needs KEYWORK_OIDC_CLIENT_ID and _CLIENT_SECRET")
        return self

    @field_validator("outcome_scale")
    @classmethod
    def _scale_rises(cls, scale: tuple[int, int]) -> tuple[int, int]:
        if scale[0] >= scale[1]:
            raise ValueError("the lowest score comes first, below the highest")
        return scale

    @property
    def outcome_measure(self) -> OutcomeMeasure:
        return OutcomeMeasure(self.outcome_areas, *self.outcome_scale)

    @property
    def area_defaults(self) -> AreaSettings:
        return AreaSettings(
            reopen_window_days=self.reopen_window_days,
            outcome_measure=self.outcome_measure,
            supervision_every_days=self.supervision_every_days,
            escalate_overdue_after_days=self.escalate_overdue_after_days,
            managers_email=self.managers_email,
            feedback_round_size=self.feedback_round_size,
            feedback_round_wait_days=self.feedback_round_wait_days,
        )

    @property
    def signs_in_with_provider(self) -> bool:
        return self.oidc_issuer is not None

    @property
    def accepts_pasted_tokens(self) -> bool:
        """Pasting a token to sign in is for trying the service, never beside a provider."""
        return not self.signs_in_with_provider and (self.uses_embedded_postgres or self.demo)

    @property
    def pages_url(self) -> str:
        """Where people open the pages: the public address, or else where the API listens."""
        base = self.public_url or f"http://{self.host}:{self.port}"
        return f"{base.rstrip('/')}/ui"

    @property
    def uses_embedded_postgres(self) -> bool:
        return self.database_url is None and self.postgres_host is None

    @cached_property
    def signing_secret(self) -> str:
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value()
        return self._kept_secret("jwt-secret", lambda: secrets.token_urlsafe(48))

    @cached_property
    def master_key_bytes(self) -> bytes:
        return self._key(self.master_key, "master-key", "KEYWORK_MASTER_KEY")

    @cached_property
    def search_key_bytes(self) -> bytes:
        return self._key(self.search_key, "search-key", "KEYWORK_SEARCH_KEY")

    @property
    def erasure_list_path(self) -> Path:
        return self.erasure_list or self.data_dir / "erasure-list"

    def _key(self, setting: SecretStr | None, file_name: str, variable: str) -> bytes:
        """A 32-byte key: the setting's, or one made once and kept in the data folder."""
        text = (
            setting.get_secret_value()
            if setting is not None
            else self._kept_secret(file_name, lambda: _urlsafe(secrets.token_bytes(32)))
        )
        key = base64.urlsafe_b64decode(text)
        if len(key) != 32:
            raise ValueError(f"{variable} must be 32 bytes in urlsafe base64")
        return key

    def _kept_secret(self, name: str, make: Callable[[], str]) -> str:
        """A secret made once and kept in the data folder, readable by its owner only."""
        path = self.data_dir / name
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(make())
        return path.read_text().strip()


def _urlsafe(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode()
