"""Every command and option of the CLI is documented in the README (an undocumented option is a bug)."""

from __future__ import annotations

from pathlib import Path

from perfsite.cli import cli

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_command_and_option_is_in_the_readme():
    missing = []
    for name, command in cli.commands.items():
        if f"perfsite {name}" not in README:
            missing.append(f"perfsite {name}")
        for param in command.params:
            for option in getattr(param, "opts", []):
                if option.startswith("--") and option != "--help" and option not in README:
                    missing.append(f"perfsite {name} {option}")
    assert missing == []
