"""Trains the model only when its inputs changed.

The model is named after a fingerprint of everything that shapes it (configuration,
domain, training data, pinned packages, and the custom code that transforms training
examples), so an unchanged project finds its model and skips training, and a changed one
never runs a stale model. The inference-only components (language, safety, FAQ gate) are
loaded from the source at every start, so changing them needs no new training.

Usage: ``python -m bot.model train`` (train if needed) or ``python -m bot.model path``.
"""

from __future__ import annotations

import fcntl
import hashlib
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
MODELS = PROJECT / "models"
PREFIX = "sos-"
_INPUT_GLOBS = (
    "config.yml",
    "domain.yml",
    "requirements.lock",
    "data/**/*.yml",
    "bot/components/accent_folder.py",
    "bot/components/faq_reranker.py",
    "bot/components/faq_selector.py",
    "bot/components/spacy_nlp.py",
    "bot/text.py",
)


def fingerprint(project: Path = PROJECT) -> str:
    """Return a short hash of every file that shapes the trained model."""
    digest = hashlib.sha256()
    files = sorted({path for pattern in _INPUT_GLOBS for path in project.glob(pattern) if path.is_file()})
    for path in files:
        digest.update(path.relative_to(project).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def current_model_path(project: Path = PROJECT) -> Path:
    """Return where the model for the project's current inputs is (or will be) stored."""
    return project / "models" / f"{PREFIX}{fingerprint(project)}.tar.gz"


def train(project: Path = PROJECT) -> Path:
    """Train a model unless one for the current inputs exists; return its path."""
    target = current_model_path(project)
    # One training at a time: a second caller (another test session) waits, then finds the model.
    with (project / "models" / ".training.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.exists():
            print(f"Model up to date, training skipped: {target.relative_to(project)}")
            return target
        return _train(project, target)


def _train(project: Path, target: Path) -> Path:
    command = [
        sys.executable, "-m", "rasa", "train",
        "--config", "config.yml", "--domain", "domain.yml", "--data", "data",
        "--out", "models", "--fixed-model-name", target.name.removesuffix(".tar.gz"),
    ]
    subprocess.run(command, cwd=project, check=True)
    for stale in (project / "models").glob(f"{PREFIX}*.tar.gz"):
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
