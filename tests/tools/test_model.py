"""When the model is trained again, and which of Rasa's cached components it may reuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import model


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small copy of the project's layout: settings, data, and one trained component."""
    (tmp_path / "data" / "nlu").mkdir(parents=True)
    (tmp_path / "bot" / "nlu").mkdir(parents=True)
    (tmp_path / "config.yml").write_text("pipeline: []\n")
    (tmp_path / "domain.yml").write_text("intents: [greet]\n")
    (tmp_path / "data" / "nlu" / "greet.yml").write_text("nlu: []\n")
    (tmp_path / "bot" / "nlu" / "faq_selector.py").write_text("WEIGHTS = 1\n")
    (tmp_path / "bot" / "nlu" / "safety_override.py").write_text("PATTERNS = []\n")
    return tmp_path


def test_new_training_data_needs_a_new_model_but_keeps_rasa_s_cache(project):
    model_before, cache_before = model.current_model_path(project), model.cache_directory(project)
    (project / "data" / "nlu" / "greet.yml").write_text("nlu:\n- intent: greet\n  examples: |\n    - allo\n")
    assert model.current_model_path(project) != model_before
    assert model.cache_directory(project) == cache_before


def test_a_trained_component_s_new_code_needs_a_new_model_and_a_new_cache(project):
    """Rasa would otherwise restore the component as trained by its old code."""
    model_before, cache_before = model.current_model_path(project), model.cache_directory(project)
    (project / "bot" / "nlu" / "faq_selector.py").write_text("WEIGHTS = 2\n")
    assert model.current_model_path(project) != model_before
    assert model.cache_directory(project) != cache_before
    assert model.cache_directory(project).parent == project / ".rasa"


def test_an_inference_only_component_s_code_changes_neither(project):
    model_before, cache_before = model.current_model_path(project), model.cache_directory(project)
    (project / "bot" / "nlu" / "safety_override.py").write_text("PATTERNS = ['fievre']\n")
    assert model.current_model_path(project) == model_before
    assert model.cache_directory(project) == cache_before


def test_the_stock_baseline_follows_the_data_and_its_own_settings_not_the_project_s(project):
    (project / "tools").mkdir()
    (project / "tools" / "stock_config.yml").write_text("pipeline: [{name: DIETClassifier}]\n")
    stock_before = model.stock_model_path(project)
    assert stock_before.name.startswith(model.STOCK_PREFIX)
    assert stock_before != model.current_model_path(project)
    (project / "config.yml").write_text("pipeline: [{name: WhitespaceTokenizer}]\n")
    assert model.stock_model_path(project) == stock_before
    (project / "data" / "nlu" / "greet.yml").write_text("nlu:\n- intent: greet\n  examples: |\n    - allo\n")
    assert model.stock_model_path(project) != stock_before
