"""Typer/Click's frame in Vietnamese: help pages and usage errors.

Typer 0.29 vendors its own copy of Click (`typer._click`) with the English strings written in
place (no gettext catalogue to translate), so the frame is translated where Click lets an
application plug in: every command's `context_class` gets a help formatter that writes
Vietnamese headings, and `sll`'s entry point runs the command tree with
`standalone_mode=False` and prints usage errors itself from their attributes (option name,
parameter, suggestions) rather than from Click's English sentence.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import typer
from typer._click import exceptions as click_exc  # Typer ≥ 0.23 ships Click inside
from typer._click import formatting as click_fmt

from texts import cli as T

__all__ = ["localize", "run_command"]

_NO_SUCH_COMMAND = re.compile(r"No such command '(.+?)'\.(?: Did you mean '(.+?)'\?)?")
_EXTRA_ARGS = re.compile(r"Got unexpected extra argument\S* \((.*)\)")


def _replace_all(text: str, table: dict[str, str]) -> str:
    for english, vietnamese in table.items():
        text = text.replace(english, vietnamese)
    return text


class VietnameseHelpFormatter(click_fmt.HelpFormatter):
    """Click's help formatter with Vietnamese headings, usage line and option notes."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, _replace_all(args, T.USAGE_WORDS), prefix or T.USAGE)

    def write_heading(self, heading: str) -> None:
        super().write_heading(T.HEADINGS.get(heading, heading))

    def write_dl(self, rows: Sequence[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        translated = [
            (_replace_all(term, T.TYPE_WORDS), _replace_all(text, T.HELP_WORDS))
            for term, text in rows
        ]
        super().write_dl(translated, *args, **kwargs)


_contexts: dict[type, type] = {}


def _vietnamese_context(base: type) -> type:
    if base not in _contexts:
        _contexts[base] = type(
            f"Vietnamese{base.__name__}", (base,), {"formatter_class": VietnameseHelpFormatter}
        )
    return _contexts[base]


def localize(command: Any) -> Any:
    """Give every command of the tree the Vietnamese help formatter; returns the command."""
    command.context_class = _vietnamese_context(command.context_class)
    for child in _children(command):
        localize(child)
    return command


def _children(command: Any) -> Iterable[Any]:
    commands = getattr(command, "commands", None)
    return commands.values() if isinstance(commands, dict) else ()


def run_command(command: Any, args: Sequence[str] | None, prog_name: str) -> int:
    """Run the command tree; usage errors in Vietnamese. Returns the exit code."""
    err = sys.stderr
    try:
        code = command.main(args=args, prog_name=prog_name, standalone_mode=False)
    except click_exc.NoArgsIsHelpError as exc:
        print(exc.ctx.get_help() if exc.ctx else "", file=err)
        return exc.exit_code
    except click_exc.UsageError as exc:
        if exc.ctx is not None:
            print(exc.ctx.get_usage(), file=err)
            print(T.TRY_HELP.format(command=exc.ctx.command_path), file=err)
            print(file=err)
        print(T.ERROR.format(message=usage_message(exc)), file=err)
        return exc.exit_code
    except typer.Abort:  # Typer's own since Click moved inside; not in click_exc
        print(T.ABORTED, file=err)
        return 1
    except click_exc.ClickException as exc:
        print(T.ERROR.format(message=T.USAGE_WRONG), file=err)
        return exc.exit_code
    if code == 130:
        print(T.INTERRUPTED, file=err)
    return code if isinstance(code, int) else 0


def usage_message(exc: Exception) -> str:
    """What was wrong with the command line, in Vietnamese, from the error's attributes."""
    if isinstance(exc, click_exc.NoSuchOption):
        text = T.NO_SUCH_OPTION.format(option=exc.option_name)
        if exc.possibilities:
            text += T.DID_YOU_MEAN.format(choices=", ".join(sorted(exc.possibilities)))
        return text
    if isinstance(exc, click_exc.MissingParameter):
        name = _param_name(exc)
        if (exc.param_type or getattr(exc.param, "param_type_name", "")) == "option":
            return T.MISSING_OPTION.format(name=name)
        return T.MISSING_ARGUMENT.format(name=name)
    if isinstance(exc, click_exc.BadParameter):
        return T.BAD_VALUE.format(name=_param_name(exc), reason=_reason(exc.message))
    if isinstance(exc, click_exc.BadOptionUsage):
        if "requires an argument" in exc.message or "requires" in exc.message:
            return T.NEEDS_VALUE.format(option=exc.option_name)
        return T.TAKES_NO_VALUE.format(option=exc.option_name)
    message = str(getattr(exc, "message", "") or exc)
    match = _NO_SUCH_COMMAND.search(message)
    if match:
        text = T.NO_SUCH_COMMAND.format(command=match.group(1))
        if match.group(2):
            text += T.DID_YOU_MEAN.format(choices=f"«{match.group(2)}»")
        return text
    match = _EXTRA_ARGS.search(message)
    if match:
        return T.EXTRA_ARGUMENTS.format(args=match.group(1))
    return T.USAGE_WRONG


def _param_name(exc: Any) -> str:
    hint = exc.param_hint
    if hint is None and exc.param is not None:
        opts = getattr(exc.param, "opts", None)
        if getattr(exc.param, "param_type_name", "") == "option" and opts:
            hint = opts
        else:
            hint = f"«{getattr(exc.param, 'metavar', None) or exc.param.name or ''}»"
    if isinstance(hint, list | tuple):
        return " / ".join(str(h) for h in hint)
    return str(hint or "").strip("'")


def _reason(message: str) -> str:
    lowered = message.lower()
    if "integer" in lowered:
        return T.NEEDS_INTEGER
    if "float" in lowered or "number" in lowered:
        return T.NEEDS_NUMBER
    if "does not exist" in lowered:
        return T.PATH_MISSING
    return T.VALUE_WRONG
