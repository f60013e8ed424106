"""Help pages written for people: what a value is (FILE, SIZE, GLOB), never its Python type.

Typer's help shows each parameter's annotation (``<bool>``, ``<list[Path]>``, ``<int range>
[x>=1]``) and writes a required argument as ``{paths}...`` in the usage line. The command and
group classes here keep Typer's layout and change only how a parameter presents itself:

* an option that takes a value shows its metavar (every option here names one), a flag shows
  nothing beside its name;
* an argument shows its metavar, bare when required (``SOURCE``), in brackets when optional;
* a number range reads "at least 1", "0 to 65535";
* a default given in words is shown as written, a two-way flag's default as the option in force.

Parsing is Typer's own: the classes are swapped on the parameters Typer built, and they
override presentation methods only.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption


def _number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def describe_range(low: Any, high: Any) -> str | None:
    if low is None and high is None:
        return None
    if high is None:
        return f"at least {_number(low)}"
    if low is None:
        return f"at most {_number(high)}"
    return f"{_number(low)} to {_number(high)}"


class PlainArgument(TyperArgument):
    def display_type_rich(self, ctx: Any) -> str | None:
        return None  # the metavar in the name column says what it is

    def _usage_display_name(self) -> str:
        name = self.metavar or (self.name or "ARG").upper()
        return name if self.required or getattr(self, "required_in_usage", False) else f"[{name}]"

    def _get_number_range_help_str(self) -> str | None:
        return describe_range(self.min, self.max)


class PlainOption(TyperOption):
    def display_type_rich(self, ctx: Any) -> str | None:
        if self.is_flag or self.count:
            return None
        return self.metavar or "VALUE"

    def _get_default_string(self, *, ctx: Any, show_default_is_str: bool, default_value: Any) -> str:
        if show_default_is_str:  # a default described in words: as written, not in parentheses
            return str(self.show_default)
        if self.is_bool_flag and self.secondary_opts:  # --audit/--no-audit: the option in force
            return (self.opts if self.default else self.secondary_opts)[0]
        return super()._get_default_string(ctx=ctx, show_default_is_str=show_default_is_str, default_value=default_value)

    def _get_number_range_help_str(self) -> str | None:
        return describe_range(self.min, self.max)


def _plain(param: Any) -> Any:
    if type(param) is TyperArgument:
        param.__class__ = PlainArgument
    elif type(param) is TyperOption:
        param.__class__ = PlainOption
    return param


class PlainCommand(TyperCommand):
    """A command whose help reads as prose (see the module's docstring).

    ``required_unless`` names arguments the usage line shows as required although the parser
    lets them be left out: an option can stand in for them (``compare --pairs FILE``)."""

    required_unless: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            _plain(param)
            if param.name in self.required_unless:
                param.required_in_usage = True  # type: ignore[attr-defined]

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        return _plain(option) if option is not None else None


class PlainGroup(TyperGroup):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            _plain(param)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        return _plain(option) if option is not None else None


class CompareCommand(PlainCommand):
    required_unless = ("source", "derived")
