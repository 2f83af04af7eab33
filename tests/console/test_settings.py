"""The console's settings from the environment."""

from __future__ import annotations

from datetime import timedelta

import pytest

from console.settings import ConsoleSettings


def test_defaults_listen_on_loopback_with_a_30_minute_idle_timeout() -> None:
    settings = ConsoleSettings.from_env({})

    assert (settings.host, settings.port, settings.secure_cookies) == ("127.0.0.1", 8090, False)
    assert settings.idle_timeout == timedelta(minutes=30)
    assert settings.leads.database_url.endswith("var/leads.sqlite3")


def test_the_variables_are_read() -> None:
    settings = ConsoleSettings.from_env(
        {
            "SOS_CONSOLE_HOST": "0.0.0.0",
            "SOS_CONSOLE_PORT": "9000",
            "SOS_CONSOLE_SECURE_COOKIES": "1",
            "SOS_CONSOLE_IDLE_MINUTES": "10",
            "SOS_DATABASE_URL": "postgresql+psycopg2://sos@db/sos",
        }
    )

    assert (settings.host, settings.port, settings.secure_cookies) == ("0.0.0.0", 9000, True)
    assert settings.idle_timeout == timedelta(minutes=10)
    assert settings.leads.database_url == "postgresql+psycopg2://sos@db/sos"


@pytest.mark.parametrize(
    ("name", "value"),
    [("SOS_CONSOLE_PORT", "http"), ("SOS_CONSOLE_PORT", "70000"), ("SOS_CONSOLE_IDLE_MINUTES", "0")],
)
def test_unusable_values_are_refused_with_their_name(name: str, value: str) -> None:
    with pytest.raises(ValueError, match=name):
        ConsoleSettings.from_env({name: value})
