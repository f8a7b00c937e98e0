"""The command-line framework's own words, in the user's language: one place.

Typer (with the copy of Click it carries) writes its help pages and usage errors in English,
from literals scattered through its code. Rather than patch those, the CLI installs two things
on the live command tree once it is built (:func:`install`):

- every command's help, short help, epilog and every parameter's help is looked up in the
  message catalogues, so command modules may keep their English docstrings as message ids and
  ``tools/catalogues.py`` finds them in the same tree (:func:`tree_texts`);
- a help formatter that translates what the framework adds (``Usage:``, section headings, the
  help option's text, ``[default: …]``, ``[required]``, type labels and metavars) and wraps text
  by display width, so Chinese lines fit the terminal.

Usage errors are turned into one sentence by :func:`usage_error_text` from the exception's own
fields, with a table of the framework's message templates for the rest.

Kept light: imported at start-up, it needs nothing beyond typer itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import typer
from typer._click.exceptions import UsageError as ClickUsageError
from typer._click.formatting import HelpFormatter
from typer._coercion import RuntimeParam, build_runtime_param

from cli.lines import command_lines, help_wrap, width
from mediation.core.i18n import N_, _, get_language, gettext_, name

__all__ = ["TranslatingContext", "TranslatingFormatter", "install", "tree_texts",
           "unquoted_hint", "usage_error_text"]


def wrap_paragraphs(text: str, columns: int, indent: str = "") -> str:
    """Help text's paragraphs, separated by a blank line; one starting with ``\\b`` is kept
    line by line."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n", text.strip("\n")):
        if para.startswith("\b"):  # an example command too wide is broken with a \\
            for line in para[1:].strip("\n").splitlines():
                lead = indent + line[:len(line) - len(line.lstrip())]
                shown = command_lines(line.strip(), width(lead), columns) \
                    if line.lstrip().startswith("mediation ") else [line.strip()]
                out.extend(lead + part for part in shown)
        else:
            out.extend(help_wrap(para.strip(), columns, indent))
        out.append("")
    return "\n".join(out[:-1])


# --- the framework's words -----------------------------------------------------------------

# What the framework writes by itself, looked up at run time (listed for the catalogues).
WORDS = (N_("Usage:"), N_(":"), N_("Options"), N_("Commands"), N_("Arguments"), N_("Examples:"),
         N_("Show this message and exit."), N_("Show the version and exit."))

_TYPE_LABEL = re.compile(r"<(?:list\[)?([a-z]+(?: range)?)\]?>")
# A metavar in a sentence (``写入 FILE。``); the spaces around it are kept only while it is in
# Latin letters: a Chinese name (文件) is written against Chinese text, as Chinese is.
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CAPS = re.compile(rf"(?P<before>(?<=[{_CJK}]) )?(?<![\w-])(?P<caps>[A-Z](?:[A-Z_]*[A-Z])?)"
                   rf"(?![\w-])(?P<after> (?=[{_CJK}]))?")
_EXTRAS = re.compile(r"^(?P<help>.*?)\s*\[(?P<extras>[^\[\]]*)\]$", re.S)
_OPTION = re.compile(r"--[\w-]+")

# An option taking a code of a vocabulary (cli.choices.choice_opt) registers its name and
# default here with the vocabulary's kind: its ``[default: low]`` shows the name (默认：低).
CHOICE_KINDS: dict[tuple[str, str], str] = {}


def metavars(text: str) -> str:
    """``CASE`` → 案件, ``<int range>`` → <整数> (via ``metavar.*`` keys; unknown ones stay);
    in a sentence a metavar shown in Chinese takes no spaces from Chinese beside it
    (``写入 FILE。`` → 写入文件。, ``为 USER 创建`` → 为用户名创建)."""
    text = _TYPE_LABEL.sub(
        lambda m: "<" + name("metavar", m.group(1).replace(" ", "_")) + ">"
        + ("…" if m.group(0).startswith("<list[") else ""), text)
    return _CAPS.sub(_metavar, text)


def _metavar(m: re.Match[str]) -> str:
    shown = name("metavar", m.group("caps"))
    if shown.isascii():
        return f"{m.group('before') or ''}{shown}{m.group('after') or ''}"
    return shown


def _range(text: str) -> str | None:
    m = re.fullmatch(r"(-?[\d.]+)<=x<=(-?[\d.]+)", text)
    if m:
        return _("{low} to {high}", low=m.group(1), high=m.group(2))
    m = re.fullmatch(r"x>=(-?[\d.]+)", text)
    if m:
        return _("at least {low}", low=m.group(1))
    m = re.fullmatch(r"x<=(-?[\d.]+)", text)
    if m:
        return _("at most {high}", high=m.group(1))
    return None


def _extra(item: str, term: str) -> str:
    if item == "required":
        return _("required")
    if item.startswith("env var: "):
        return _("env var: {var}", var=item[len("env var: "):])
    if item.startswith("default: "):
        value = item[len("default: "):]
        if re.fullmatch(r"[a-z][\w-]*", value) and f"--{value}" in term:
            value = f"--{value}"  # a --flag/--other-flag pair's default is an option name
        elif value in ("True", "False"):
            value = _("yes") if value == "True" else _("no")
        elif (opt := _OPTION.match(term)) and (opt.group(0), value) in CHOICE_KINDS:
            value = name(CHOICE_KINDS[opt.group(0), value], value)
        return _("default: {default}", default=value)
    return _range(item) or item


def definition(term: str, text: str) -> str:
    """An option's help with the framework's bracketed extras translated."""
    text = metavars(gettext_(text)) if text else text
    m = _EXTRAS.match(text)
    if not m:
        return text
    sep = "；" if get_language() == "zh" else "; "  # English text carries no Chinese punctuation
    extras = sep.join(_extra(item.strip(), term) for item in m.group("extras").split("; "))
    body = m.group("help").strip()
    return f"{body}  [{extras}]" if body else f"[{extras}]"


class TranslatingFormatter(HelpFormatter):
    """Click's help formatter with the framework's words translated and CJK-aware wrapping."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        usage = _("Usage:")
        lead = f"{'':>{self.current_indent}}{usage}{'' if usage.endswith('：') else ' '}{prog} "
        self.write("\n".join(help_wrap(metavars(args), self.width, " " * min(width(lead), 20),
                                       first_indent=lead)) + "\n")

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{_(heading)}{_(':')}\n")

    def write_text(self, text: str) -> None:
        self.write(wrap_paragraphs(metavars(text), self.width, " " * self.current_indent) + "\n")

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30,
                 col_spacing: int = 2) -> None:
        done = [(metavars(first), definition(first, second)) for first, second in rows]
        if not done:
            return
        first_col = min(max(width(first) for first, _second in done), col_max) + col_spacing
        indent = " " * self.current_indent
        for first, second in done:
            self.write(indent + first)
            if not second:
                self.write("\n")
                continue
            text_width = self.width - first_col - self.current_indent
            if width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = help_wrap(second, text_width)
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(" " * (first_col + self.current_indent) + line + "\n")


class TranslatingContext(typer.Context):
    formatter_class = TranslatingFormatter


# --- the command tree ----------------------------------------------------------------------

def walk(cmd: Any, path: str = "mediation") -> Iterator[tuple[str, Any]]:
    """Every command of the tree (groups too), with its path."""
    yield path, cmd
    for sub_name, sub in sorted((getattr(cmd, "commands", None) or {}).items()):
        yield from walk(sub, f"{path} {sub_name}")


def _t(text: str | None) -> str | None:
    return gettext_(text.strip()) if text else text


def examples(path: str) -> str | None:
    """The examples that end a command's help (cli.examples), as a block kept line by line."""
    from cli.examples import EXAMPLES

    found = EXAMPLES.get(path.removeprefix("mediation").strip())
    if not found:
        return None
    return "\b\n" + _("Examples:") + "\n" + "\n".join(f"  {line}" for line in found)


@dataclass(frozen=True)
class PlainParam(RuntimeParam):
    """Typer's coercion of one parameter, built only for a value that needs it.

    Typer builds a pydantic ``TypeAdapter`` for every parameter it reads, even one left out
    (``None``), and the root's options and the help option are read on every run, ``--help``
    included: building the first adapter imports pydantic, a third of ``mediation case
    --help``. Here a value left out is ``None`` (or ``()``) as Typer's own coercion makes it,
    without an adapter; a text or flag the command line already gave in its type (a string for
    ``str``, a boolean for ``bool``, no parser) is kept as it is, which is what the adapter
    returns for it; any other value goes through Typer's own coercion, built on first use."""

    shortcut: bool = False
    built: dict[str, RuntimeParam] = field(default_factory=dict, compare=False)

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        if self.shortcut and type(value) is self.annotation:
            return value
        real = self.built.get("real")
        if real is None:
            real = self.built["real"] = build_runtime_param(param.type_descriptor)
        return real.coerce(value, param=param, ctx=ctx)


def _lighten(param: Any) -> None:
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None or getattr(param, "_runtime_param", "") is not None:
        return
    shortcut = (descriptor.annotation in (str, bool) and descriptor.file_annotation is None
                and getattr(descriptor.parameter_info, "parser", None) is None
                and not param.multiple and param.nargs == 1)
    param._runtime_param = PlainParam(annotation=descriptor.annotation,
                                      parameter_info=descriptor.parameter_info,
                                      shortcut=shortcut)


def first_sentence(text: str | None) -> str | None:
    """A command's short help in its group's listing: the first sentence of its help, whole
    (the framework would cut it at 45 columns with ``...``: 将线索登记为案件：登记所给的...)."""
    if not text:
        return text
    text = " ".join(text.split("\n\n", 1)[0].split())
    ends = [i + 1 for i, ch in enumerate(text) if ch == "。" or (
        ch == "." and (i + 1 == len(text) or text[i + 1] == " "))]
    return text[:ends[0]] if ends else text


def install(root: Any) -> Any:
    """Translate the tree's own texts, add each command's examples, give every command the
    translating formatter, and every parameter a coercion built only when needed
    (``PlainParam``)."""
    for path, cmd in walk(root):
        cmd.context_class = TranslatingContext
        cmd.help = _t(cmd.help)
        cmd.short_help = _t(cmd.short_help) or first_sentence(cmd.help)
        cmd.epilog = _t(cmd.epilog)
        if not getattr(cmd, "commands", None):
            example = examples(path)
            if example:
                cmd.epilog = f"{cmd.epilog}\n\n{example}" if cmd.epilog else example
        for param in cmd.params:
            if getattr(param, "help", None):
                param.help = _t(param.help)
            _lighten(param)
        _lighten_help(cmd)
        _usage_names_command(cmd)
    return root


def _usage_names_command(cmd: Any) -> None:
    """A usage error the parser raises without its command (an option given no value:
    ``case list --mediator``) is given the command being parsed, so that the error line points
    to that command's help (``mediation case list --help``), not to ``mediation --help``."""
    parse = cmd.parse_args

    def parse_args(ctx: Any, args: list[str]) -> Any:
        given = list(args)  # the parser consumes the list: kept for unquoted_hint
        try:
            return parse(ctx, args)
        except ClickUsageError as exc:
            if exc.ctx is None:
                exc.ctx = ctx
            exc.given = given  # type: ignore[attr-defined]
            raise

    cmd.parse_args = parse_args


def _lighten_help(cmd: Any) -> None:
    """The help option, which Typer makes when a context first asks for it, lightened too."""
    make = cmd.get_help_option

    def get_help_option(ctx: Any) -> Any:
        option = make(ctx)
        if option is not None:
            _lighten(option)
        return option

    cmd.get_help_option = get_help_option


def tree_texts(root: Any) -> set[str]:
    """The texts :func:`install` looks up: what the catalogues must hold for the tree (help
    texts as message ids, ``metavar.*`` keys for the metavars and type labels shown)."""
    from cli.choices import COMPOSED

    found: set[str] = set()
    for _path, cmd in walk(root):
        for text in (cmd.help, cmd.short_help, cmd.epilog):
            if text:
                found.add(text.strip())
        ctx = TranslatingContext(cmd, info_name=_path.split()[-1])
        for param in cmd.get_params(ctx):
            if getattr(param, "help", None):
                found.add(param.help.strip())
            record = param.get_help_record(ctx)
            shown = " ".join([*param.get_usage_pieces(ctx), record[0] if record else ""])
            found |= {f"metavar.{m.replace(' ', '_')}" for m in _TYPE_LABEL.findall(shown)}
            found |= {f"metavar.{m['caps']}" for m in _CAPS.finditer(shown)}
        found |= {f"metavar.{m['caps']}" for m in _CAPS.finditer(
            " ".join(cmd.collect_usage_pieces(ctx)))}
    return found - COMPOSED


# --- usage errors --------------------------------------------------------------------------

def _hint(hint: str) -> str:
    """``'--db' (env var: 'MEDIATION_DB')`` or ``'CASE'`` in the reader's words."""
    m = re.fullmatch(r"(.*?) \(env var: '([^']*)'\)", hint)
    if m:
        return _("{option} (env var {var})", option=_hint(m.group(1)), var=m.group(2))
    return metavars(hint)


# The framework's own sentences, as templates: English pattern → message id.
_TEMPLATES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.S), mid) for pattern, mid in (
        (r"No such command (?P<name>'.*?')\. Did you mean (?P<names>.*)\?",
         N_("no such command {name}; did you mean {names}?")),
        (r"No such command (?P<name>'.*?')\.", N_("no such command {name}")),
        (r"Missing command\.", N_("a command is missing")),
        (r"Got unexpected extra argument(?:\(s\)|s)? \((?P<args>.*)\)",
         N_("unexpected extra argument(s): {args}")),
        (r"Option (?P<option>'.*?') requires an argument\.", N_("option {option} needs a value")),
        (r"Option (?P<option>'.*?') requires (?P<n>\d+) arguments\.",
         N_("option {option} needs {n} values")),
        (r"Option (?P<option>'.*?') does not take a value\.",
         N_("option {option} does not take a value")),
        (r"No such option: (?P<option>\S+)", N_("no such option: {option}")),
        (r"Value (?P<value>'.*?') is not a valid (?P<kind>\w+)\.", N_("{value} is not valid here")),
        (r"Input should be a valid integer.*", N_("a whole number is needed")),
        (r"Input should be a valid number.*", N_("a number is needed")),
        (r"Input should be a valid boolean.*", N_("yes or no is needed")),
        (r"Input should be greater than or equal to (?P<low>\S+)",
         N_("the value must be at least {low}")),
        (r"Input should be less than or equal to (?P<high>\S+)",
         N_("the value must be at most {high}")),
        (r"Input should be greater than (?P<low>\S+)", N_("the value must be more than {low}")),
        (r"Input should be less than (?P<high>\S+)", N_("the value must be less than {high}")),
    ))


def sentence(text: str) -> str:
    """One of the framework's sentences in the reader's words (unknown ones stay as they are:
    the CLI's own messages are translated where they are made)."""
    for pattern, mid in _TEMPLATES:
        m = pattern.fullmatch(text.strip())
        if m:
            return _(mid, **m.groupdict())
    return text


_OUT_OF_RANGE = re.compile(r"Input should be (?:greater|less) than")


def out_of_range(exc: Any) -> bool:
    """A value read as its type but outside what the option allows (``--persons 0``,
    ``--limit -1``): refused, exit 1, not a usage error (the rule of docs/cli.md's exit codes:
    cannot be read as the type is 2; read but not allowed is 1)."""
    from typer._click import exceptions as ce

    return isinstance(exc, ce.BadParameter) and bool(_OUT_OF_RANGE.match(
        str(exc.message).strip()))


_EXTRA = re.compile(r"Got unexpected extra argument(?:\(s\)|s)? \((?P<args>.*)\)", re.S)
_MOMENT_METAVARS = ("WHEN", "DATE")


def unquoted_hint(exc: Any) -> str | None:
    """An extra argument that is the rest of a time typed unquoted (``--at 今天 8点``: the
    shell splits it at the space) in the reader's words: ``put a time with a space in quotes:
    --at "今天 8点"``, the option and the words as typed; the example ``--at "今天 8点"`` when
    the extra argument reads as a time (mediation.core.moments) but follows no date option.
    None for any other extra argument."""
    m = _EXTRA.fullmatch(str(getattr(exc, "message", "")).strip())
    given: list[str] = list(getattr(exc, "given", None) or [])
    if m is None or not given:
        return None
    extras = m.group("args").split()
    ctx = getattr(exc, "ctx", None)
    options = {opt for p in getattr(getattr(ctx, "command", None), "params", [])
               if getattr(p, "metavar", None) in _MOMENT_METAVARS for opt in p.opts}
    for i, token in enumerate(given):
        name_, eq, value = token.partition("=")
        if name_ not in options:
            continue
        at = i + 1 if eq else i + 2
        if not eq and i + 1 < len(given):
            value = given[i + 1]
        typed = [w for w in given[at:at + len(extras)] if w in extras]
        if typed and given[at] == extras[0]:
            example = '{} "{}"'.format(name_, " ".join([value, *typed]))
            return _("put a time with a space in quotes: {example}", example=example)
    from datetime import date

    from mediation.core import moments

    try:
        moments.parse(extras[0], today=date(2000, 1, 1))  # only whether it reads: any day
    except moments.Unreadable:
        return None
    return _("put a time with a space in quotes: {example}", example=_('--at "today 8:00"'))


def alike(typed: str, options: Iterable[str]) -> list[str]:
    """THE rule of what an unknown option is offered instead: the options whose names, without
    their dashes, are like it (difflib's ratio at least 0.6, as Click's own cut-off). Click
    compares them with the dashes, which alone made --since look like --json (issue 14, a
    clerk's trial: case history 1 --since 昨天 was offered --json)."""
    from difflib import SequenceMatcher

    bare = typed.lstrip("-")
    return sorted(o for o in set(options)
                  if SequenceMatcher(None, bare, o.lstrip("-")).ratio() >= 0.6)


def usage_error_text(exc: Any) -> str:
    """A usage error as one sentence, built from the exception's fields."""
    from typer._click import exceptions as ce

    if isinstance(exc, ce.MissingParameter):
        param = exc.param
        hint = exc.param_hint if exc.param_hint is not None else (
            param.get_error_hint() if param is not None else "")
        if not isinstance(hint, str):
            hint = " / ".join(repr(h) for h in hint)
        kind = exc.param_type or (param.param_type_name if param is not None else "parameter")
        text = (_("missing option {hint}", hint=_hint(hint)) if kind == "option" else
                _("missing argument {hint}", hint=_hint(hint)))
        if exc.message:
            text = _("{message} ({detail})", message=text, detail=sentence(exc.message))
        return text
    if isinstance(exc, ce.BadParameter):
        given: Any = exc.param_hint if exc.param_hint is not None else (
            exc.param.get_error_hint() if exc.param is not None else None)
        where: str | None = given if given is None or isinstance(given, str) else " / ".join(
            repr(h) for h in given)
        message = sentence(exc.message)
        if where is None:
            return _("invalid value: {message}", message=message)
        return _("invalid value for {hint}: {message}", hint=_hint(where), message=message)
    if isinstance(exc, ce.NoSuchOption):
        text = sentence(exc.message)
        offered = alike(exc.option_name, exc.possibilities or ())
        if offered:
            text = _("{message} (did you mean {options}?)", message=text,
                     options=", ".join(offered))
        return text
    if isinstance(exc, ce.ClickException):
        return sentence(exc.message)
    return sentence(str(exc))
