"""The Rasa server's entry point opens the HTTP API only behind the environment's token."""

from __future__ import annotations

import pytest

from bot.server import API_TOKEN_VARIABLE, ApiWithoutToken, rasa_arguments

RUN = ["run", "--model", "models/sos.tar.gz", "--port", "5005"]


def test_without_a_token_the_api_stays_closed():
    assert rasa_arguments(RUN, {}) == RUN
    assert rasa_arguments(RUN, {API_TOKEN_VARIABLE: ""}) == RUN


def test_with_a_token_the_api_opens_behind_it():
    assert rasa_arguments(RUN, {API_TOKEN_VARIABLE: "s3cret-token"}) == [
        *RUN,
        "--enable-api",
        "--auth-token",
        "s3cret-token",
    ]


def test_other_commands_never_get_the_api():
    assert rasa_arguments(["shell", "--model", "m.tar.gz"], {API_TOKEN_VARIABLE: "s3cret-token"}) == [
        "shell",
        "--model",
        "m.tar.gz",
    ]


@pytest.mark.parametrize("flag", ["--enable-api", "--auth-token=abc", "--jwt-secret"])
def test_the_api_asked_for_on_the_command_line_is_refused(flag):
    with pytest.raises(ApiWithoutToken, match=API_TOKEN_VARIABLE):
        rasa_arguments([*RUN, flag], {API_TOKEN_VARIABLE: "s3cret-token"})
