"""The Rasa server's entry point opens the HTTP API only behind the environment's token."""

from __future__ import annotations

import argparse

import pytest
from rasa.cli.arguments.run import add_server_arguments

from bot.server import API_TOKEN_VARIABLE, ApiWithoutToken, rasa_arguments

RUN = ["run", "--model", "models/sos.tar.gz", "--port", "5005"]


def test_without_a_token_the_api_stays_closed():
    assert rasa_arguments(RUN, {}) == RUN
    assert rasa_arguments(RUN, {API_TOKEN_VARIABLE: ""}) == RUN


def test_with_a_token_the_api_opens_behind_it():
    assert rasa_arguments(RUN, {API_TOKEN_VARIABLE: "s3cret-token"}) == [
        *RUN,
        "--enable-api",
        "--auth-token=s3cret-token",
    ]


def test_a_token_that_starts_with_a_dash_is_still_read_as_the_token():
    """``secrets.token_urlsafe`` gives one token in 64 a leading « - »: Rasa must not take it for an option."""
    parser = argparse.ArgumentParser()
    add_server_arguments(parser)
    arguments = rasa_arguments(RUN, {API_TOKEN_VARIABLE: "-Xk2-token"})
    assert parser.parse_args(arguments[-2:]).auth_token == "-Xk2-token"


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
