"""The tree says which process loads what: imports between the top-level packages run one way.

``bot/`` is loaded by the Rasa server, ``actions/`` by the action server, ``console/`` by the
coordinator console, ``tools/`` by nobody but people, make and the tests. A server must never
import the tools (nor the other server's code), the action server shares only the text folding
with the Rasa server, and the console uses only the lead store and the text folding; nothing
imports the console.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
# What each package's code may import of the project's own packages.
ALLOWED = {
    "bot": {"bot"},
    "actions": {"actions", "bot.text"},
    "tools": {"tools", "bot", "actions"},
    "console": {"console", "actions.leads", "bot.text"},
}


def imported_modules(path: Path) -> set[str]:
    """The absolute module names ``path`` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def own_imports(path: Path) -> set[str]:
    """The project modules ``path`` imports (``bot``, ``actions``, ``tools``, ``console``, ``tests``)."""
    return {name for name in imported_modules(path) if name.split(".")[0] in {*ALLOWED, "tests"}}


def is_allowed(name: str, allowed: set[str]) -> bool:
    """Whether the module ``name`` is one of ``allowed`` or inside one of them."""
    return any(name == prefix or name.startswith(f"{prefix}.") for prefix in allowed)


@pytest.mark.parametrize("package", ALLOWED)
def test_each_package_imports_only_what_its_process_may_load(package):
    wrong = {
        f"{path.relative_to(PROJECT)}: {name}"
        for path in sorted((PROJECT / package).rglob("*.py"))
        for name in own_imports(path)
        if not is_allowed(name, ALLOWED[package]) and not _names_a_text_member(name, ALLOWED[package])
    }
    assert wrong == set()


def _names_a_text_member(name: str, allowed: set[str]) -> bool:
    """``from bot import text`` is allowed where ``bot.text`` is: ``bot`` alone then appears."""
    return any(prefix.startswith(f"{name}.") for prefix in allowed)


def test_the_rule_catches_a_server_importing_a_tool(tmp_path):
    module = tmp_path / "channel.py"
    module.write_text("from tools.stack import RasaStack\nimport bot.language\n")
    assert {name for name in own_imports(module) if not is_allowed(name, ALLOWED["bot"])} == {
        "tools.stack",
        "tools.stack.RasaStack",
    }


def test_the_action_server_may_use_the_text_module_but_nothing_else_of_the_rasa_server(tmp_path):
    module = tmp_path / "answer.py"
    module.write_text("from bot.text import fold\nfrom bot.language import LANGUAGES\n")
    rejected = {name for name in own_imports(module) if not is_allowed(name, ALLOWED["actions"])}
    assert rejected == {"bot.language", "bot.language.LANGUAGES"}


def test_the_console_may_use_the_lead_store_but_not_the_actions_or_the_rasa_server(tmp_path):
    module = tmp_path / "page.py"
    module.write_text(
        "from actions.leads.models import Lead\nfrom actions.handoff import transcript\nimport bot.language\n"
    )
    rejected = {name for name in own_imports(module) if not is_allowed(name, ALLOWED["console"])}
    assert rejected == {"actions.handoff", "actions.handoff.transcript", "bot.language"}
