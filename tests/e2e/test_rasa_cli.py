"""Rasa's own checks: training data validation and the conversation tests (test stories)."""

from __future__ import annotations

import re
import subprocess
import sys

import yaml

from tools.content import PROJECT


def rasa(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rasa", *arguments], cwd=PROJECT, capture_output=True, text=True, timeout=600
    )


# The one warning Rasa always gives for retrieval intents whose responses live in data/.
EXPECTED_WARNING = "duplicated intents have been found across multiple domain files: faq"
UNUSED_UTTERANCE = re.compile(r"The utterance '(utter_\w+)' is not used in any story or rule")


def responses_sent_outside_rules() -> set[str]:
    """Responses that custom actions or the Rasa server's code send, and the questions forms ask."""
    named_in_actions = {
        name
        for package in ("actions", "bot")
        for path in (PROJECT / package).rglob("*.py")
        for name in re.findall(r"utter_\w+", path.read_text())
    }
    domain = yaml.safe_load((PROJECT / "domain.yml").read_text())
    asked = {
        name
        for form, spec in domain["forms"].items()
        for slot in [*spec["required_slots"], "correction_target"]
        for name in (f"utter_ask_{slot}", f"utter_ask_{form}_{slot}")
    }
    return named_in_actions | asked


def test_training_data_and_domain_validate_without_warnings():
    result = rasa("data", "validate", "--domain", "domain.yml", "--data", "data", "--config", "config.yml")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    sent_by_actions = responses_sent_outside_rules()

    def expected(line: str) -> bool:
        unused = UNUSED_UTTERANCE.search(line)
        return EXPECTED_WARNING in line or bool(unused and unused.group(1) in sent_by_actions)

    warnings = [line for line in output.splitlines() if "UserWarning" in line and not expected(line)]
    assert warnings == [], output[-4000:]


def test_conversation_stories_pass_in_both_languages(trained_model, tmp_path):
    result = rasa(
        "test",
        "core",
        "--model",
        str(trained_model),
        "--stories",
        "tests/stories",
        "--out",
        str(tmp_path),
        "--fail-on-prediction-errors",
        "--endpoints",
        "endpoints.yml",
    )
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, details + result.stdout[-3000:] + result.stderr[-3000:]
