"""Rasa's own checks: training data validation and the conversation tests (test stories)."""

from __future__ import annotations

import subprocess
import sys

from bot.content import PROJECT


def rasa(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rasa", *arguments], cwd=PROJECT, capture_output=True, text=True, timeout=600
    )


# The one warning Rasa always gives for retrieval intents whose responses live in data/.
EXPECTED_WARNING = "duplicated intents have been found across multiple domain files: faq"


def test_training_data_and_domain_validate_without_warnings():
    result = rasa("data", "validate", "--domain", "domain.yml", "--data", "data", "--config", "config.yml")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    warnings = [line for line in output.splitlines() if "UserWarning" in line and EXPECTED_WARNING not in line]
    assert warnings == [], output[-4000:]


def test_conversation_stories_pass_in_both_languages(trained_model, tmp_path):
    result = rasa(
        "test", "core", "--model", str(trained_model), "--stories", "tests/stories",
        "--out", str(tmp_path), "--fail-on-prediction-errors", "--endpoints", "endpoints.yml",
    )
    failed = (tmp_path / "failed_test_stories.yml")
    details = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, details + result.stdout[-3000:] + result.stderr[-3000:]
