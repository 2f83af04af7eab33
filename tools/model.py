"""Trains the model only when its inputs changed.

The model is named after a fingerprint of everything that shapes it (configuration,
domain, training data, pinned packages, and the custom code that transforms training
examples), so an unchanged project finds its model and skips training, and a changed one
never runs a stale model. The inference-only components (language, safety, FAQ gate) are
loaded from the source at every start, so changing them needs no new training.

The benchmark's second baseline, Rasa's stock pipeline (``tools/stock_config.yml``) on the
same data, is trained and kept the same way (:func:`train_stock`).

Usage: ``python -m tools.model train`` (train if needed) or ``python -m tools.model path``.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
MODELS = PROJECT / "models"
PREFIX = "sos-"
# The code that shapes training: pinned packages and the custom trained components.
_CODE_GLOBS = (
    "requirements.lock",
    "bot/nlu/accent_folder.py",
    "bot/nlu/emergency_classifier.py",
    # Read by the emergency classifier itself, not by Rasa: a change must not reuse its cache.
    "data/safety/*.yml",
    "bot/nlu/faq_selector.py",
    "bot/nlu/sentence_diet.py",
    "bot/nlu/spacy_nlp.py",
    "bot/nlu/topic_coverage.py",
    "bot/text.py",
)
_INPUT_GLOBS = ("config.yml", "domain.yml", "data/**/*.yml", *_CODE_GLOBS)
STOCK_PREFIX = "stock-"
STOCK_CONFIG = "tools/stock_config.yml"
_STOCK_INPUT_GLOBS = (STOCK_CONFIG, "domain.yml", "data/**/*.yml", "requirements.lock", "bot/nlu/language_detector.py")


def fingerprint(project: Path = PROJECT, globs: tuple[str, ...] = _INPUT_GLOBS) -> str:
    """Return a short hash of every file that shapes the trained model (or of ``globs``)."""
    digest = hashlib.sha256()
    files = sorted({path for pattern in globs for path in project.glob(pattern) if path.is_file()})
    for path in files:
        digest.update(path.relative_to(project).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def current_model_path(project: Path = PROJECT) -> Path:
    """Return where the model for the project's current inputs is (or will be) stored."""
    return project / "models" / f"{PREFIX}{fingerprint(project)}.tar.gz"


def stock_model_path(project: Path = PROJECT) -> Path:
    """Where the stock-pipeline baseline for the current data is (or will be) stored."""
    return project / "models" / f"{STOCK_PREFIX}{fingerprint(project, _STOCK_INPUT_GLOBS)}.tar.gz"


def train_stock(project: Path = PROJECT) -> Path:
    """Train Rasa's stock pipeline on the project's data unless it is up to date; return its path."""
    target = stock_model_path(project)
    with (project / "models" / ".training.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.exists():
            return target
        return _train(project, target, STOCK_CONFIG, project / ".rasa" / "stock-cache", STOCK_PREFIX)


def train(project: Path = PROJECT) -> Path:
    """Train a model unless one for the current inputs exists; return its path."""
    target = current_model_path(project)
    if target.exists():
        print(f"Model up to date, training skipped: {target.relative_to(project)}")
        return target
    # One training at a time: a second caller (another test session) waits, then finds the model.
    with (project / "models" / ".training.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.exists():
            print(f"Model up to date, training skipped: {target.relative_to(project)}")
            return target
        return _train(project, target, "config.yml", cache_directory(project), PREFIX)


def cache_directory(project: Path = PROJECT) -> Path:
    """Rasa's training cache for the project's current code.

    Rasa reuses a trained component from its cache when the component's settings and training
    data are unchanged, whatever its code: a component whose code changed would come back as
    trained by the old code (and may not even load). One cache per version of the custom
    components and pinned packages keeps the reuse when only data or settings change.
    """
    return project / ".rasa" / f"cache-{fingerprint(project, _CODE_GLOBS)}"


def _train(project: Path, target: Path, config: str, cache: Path, prefix: str) -> Path:
    for stale in (project / ".rasa").glob("cache*"):
        if prefix == PREFIX and stale != cache:
            shutil.rmtree(stale, ignore_errors=True)
    command = [
        sys.executable,
        "-m",
        "rasa",
        "train",
        "--config",
        config,
        "--domain",
        "domain.yml",
        "--data",
        "data",
        "--out",
        "models",
        "--fixed-model-name",
        target.name.removesuffix(".tar.gz"),
    ]
    subprocess.run(command, cwd=project, check=True, env={**os.environ, "RASA_CACHE_DIRECTORY": str(cache)})
    for stale in (project / "models").glob(f"{prefix}*.tar.gz"):
        if stale != target:
            stale.unlink()
    return target


def main(argv: list[str]) -> int:
    """Command line entry point."""
    if argv[1:] == ["train"]:
        train()
    elif argv[1:] == ["path"]:
        print(current_model_path())
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
