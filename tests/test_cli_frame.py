"""The CLI frame (cli/frame.py) with a tiny command tree: how a stopped command ends."""

from __future__ import annotations

import pytest
import typer
import typer.main

from cli.frame import run_command
from texts import cli as T


def _tree(error: type[BaseException]) -> object:
    app = typer.Typer()

    @app.command()
    def stop() -> None:
        raise error

    @app.command()
    def other() -> None:  # two commands: `stop` is a subcommand, as in `sll`
        pass

    return typer.main.get_command(app)


def test_input_closed_under_a_command_ends_it_in_vietnamese(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Click turns EOF into its Abort; Typer ≥ 0.23 defines Abort outside typer._click.
    assert run_command(_tree(EOFError), ["stop"], "sll") == 1
    assert T.ABORTED in capsys.readouterr().err


def test_ctrl_c_under_a_command_ends_it_in_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_command(_tree(KeyboardInterrupt), ["stop"], "sll") == 130
    assert T.INTERRUPTED in capsys.readouterr().err
