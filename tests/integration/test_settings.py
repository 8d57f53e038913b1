import base64
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from api.bootstrap import configured_database
from services.settings import Settings
from store.database import Database


def test_a_database_url_gives_every_part() -> None:
    settings = Settings(
        database_url=SecretStr("postgresql://keywork:s3cret@db.internal:6543/cases")
    )
    assert configured_database(settings) == Database(
        "db.internal", 6543, "keywork", "s3cret", "cases"
    )


def test_a_database_url_with_options_we_would_drop_is_refused() -> None:
    settings = Settings(database_url=SecretStr("postgresql://u@h/db?sslmode=require"))
    with pytest.raises(ValueError, match="sslmode"):
        configured_database(settings)


def test_without_a_url_or_host_the_embedded_server_is_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("KEYWORK_DATABASE_URL", raising=False)
    monkeypatch.delenv("POSTGRES_HOST", raising=False)
    assert Settings().uses_embedded_postgres
    assert not Settings(postgres_host="db").uses_embedded_postgres


def test_a_short_token_secret_is_refused() -> None:
    with pytest.raises(ValidationError):
        Settings(jwt_secret=SecretStr(""))


def test_a_generated_secret_is_kept_for_its_owner_only(tmp_path: object) -> None:
    settings = Settings(data_dir=tmp_path)  # type: ignore[arg-type]
    secret = settings.signing_secret
    assert len(secret) >= 32
    assert Settings(data_dir=tmp_path).signing_secret == secret  # type: ignore[arg-type]
    assert (tmp_path / "jwt-secret").stat().st_mode & 0o077 == 0  # type: ignore[operator]


def test_the_outcome_measure_is_configured_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KEYWORK_OUTCOME_AREAS", '["sleep", "play"]')
    monkeypatch.setenv("KEYWORK_OUTCOME_SCALE", "[0, 4]")
    measure = Settings().outcome_measure
    assert (measure.areas, measure.lowest, measure.highest) == (("sleep", "play"), 0, 4)
    monkeypatch.setenv("KEYWORK_OUTCOME_SCALE", "[5, 1]")
    with pytest.raises(ValidationError, match="lowest score comes first"):
        Settings()


def test_a_pasted_token_signs_in_only_on_the_embedded_default_or_a_demo(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("KEYWORK_DATABASE_URL", "POSTGRES_HOST", "KEYWORK_DEMO", "KEYWORK_OIDC_ISSUER"):
        monkeypatch.delenv(name, raising=False)
    provider = {
        "oidc_issuer": "https://login.example.org",
        "oidc_client_id": "keywork",
        "oidc_client_secret": SecretStr("s3cret"),
    }
    assert Settings().accepts_pasted_tokens
    assert Settings(postgres_host="db", demo=True).accepts_pasted_tokens
    assert not Settings(postgres_host="db").accepts_pasted_tokens
    assert not Settings(**provider).accepts_pasted_tokens  # type: ignore[arg-type]
    assert not Settings(demo=True, **provider).accepts_pasted_tokens  # type: ignore[arg-type]


def test_a_provider_without_its_client_is_refused() -> None:
    with pytest.raises(ValidationError, match="KEYWORK_OIDC_CLIENT_ID"):
        Settings(oidc_issuer="https://login.example.org", oidc_client_id="keywork")


def test_the_provider_role_names_and_session_limits_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KEYWORK_OIDC_ROLE_MAP", '{"Key Worker": "key_worker"}')
    monkeypatch.setenv("KEYWORK_SESSION_IDLE_MINUTES", "15")
    settings = Settings()
    assert settings.oidc_role_map == {"Key Worker": "key_worker"}
    assert (settings.session_idle_minutes, settings.session_hours) == (15, 10)
    monkeypatch.setenv("KEYWORK_OIDC_ROLE_MAP", '{"Key Worker": "superuser"}')
    with pytest.raises(ValidationError, match="oidc_role_map"):
        Settings()


def test_the_search_key_is_one_of_its_own_kept_like_the_master_key(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    search = settings.search_key_bytes
    assert len(search) == 32 and search != settings.master_key_bytes
    assert Settings(data_dir=tmp_path).search_key_bytes == search
    assert (tmp_path / "search-key").stat().st_mode & 0o077 == 0
    given = base64.urlsafe_b64encode(bytes(range(32))).decode()
    assert Settings(search_key=SecretStr(given)).search_key_bytes == bytes(range(32))


def test_a_search_key_of_the_wrong_size_or_the_master_keys_own_is_refused() -> None:
    short = base64.urlsafe_b64encode(b"too short").decode()
    with pytest.raises(ValueError, match="KEYWORK_SEARCH_KEY must be 32 bytes"):
        _ = Settings(search_key=SecretStr(short)).search_key_bytes
    key = SecretStr(base64.urlsafe_b64encode(bytes(32)).decode())
    with pytest.raises(ValidationError, match="a key of its own"):
        Settings(master_key=key, search_key=key)
