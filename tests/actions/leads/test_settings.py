"""Lead settings from the environment: defaults, overrides and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions.leads.settings import LeadSettings


def test_defaults_keep_everything_in_var(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)

    settings = LeadSettings.from_env({})

    assert settings.data_dir == tmp_path / "var"
    assert settings.database_url == f"sqlite:///{tmp_path}/var/leads.sqlite3"
    assert settings.spool_dir == tmp_path / "var" / "spool"
    assert settings.spool_retry_seconds == 30
    assert (settings.smtp_port, settings.smtp_starttls, settings.notify_timeout) == (587, False, 5)
    assert not settings.notifications_enabled


def test_every_variable_is_read(tmp_path: Path) -> None:
    settings = LeadSettings.from_env(
        {
            "SOS_DATA_DIR": str(tmp_path / "data"),
            "SOS_DATABASE_URL": "postgresql+psycopg2://sos@db/leads",
            "SOS_SPOOL_DIR": str(tmp_path / "spool"),
            "SOS_SPOOL_RETRY_SECONDS": "2.5",
            "SOS_NOTIFY_WEBHOOK_URL": "https://hooks.example/leads",
            "SOS_NOTIFY_EMAIL_TO": " a@sos.example, b@sos.example ,",
            "SOS_NOTIFY_EMAIL_FROM": "bot@sos.example",
            "SOS_SMTP_HOST": "smtp.example",
            "SOS_SMTP_PORT": "2525",
            "SOS_SMTP_USER": "bot",
            "SOS_SMTP_PASSWORD": "pw",
        }
    )

    assert settings.data_dir == tmp_path / "data"
    assert settings.database_url == "postgresql+psycopg2://sos@db/leads"
    assert settings.spool_dir == tmp_path / "spool"
    assert settings.spool_retry_seconds == 2.5
    assert settings.email_to == ("a@sos.example", "b@sos.example")
    assert (settings.smtp_host, settings.smtp_port) == ("smtp.example", 2525)
    assert settings.smtp_starttls is True
    assert settings.email_enabled and settings.notifications_enabled


def test_starttls_can_be_turned_off() -> None:
    settings = LeadSettings.from_env({"SOS_SMTP_USER": "bot", "SOS_SMTP_STARTTLS": "false"})

    assert settings.smtp_starttls is False


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SOS_SPOOL_RETRY_SECONDS", "soon"),
        ("SOS_SPOOL_RETRY_SECONDS", "0"),
        ("SOS_SMTP_PORT", "smtp"),
        ("SOS_SMTP_PORT", "70000"),
        ("SOS_SMTP_STARTTLS", "maybe"),
    ],
)
def test_a_bad_value_names_its_variable(name: str, value: str) -> None:
    with pytest.raises(ValueError, match=name):
        LeadSettings.from_env({name: value})
