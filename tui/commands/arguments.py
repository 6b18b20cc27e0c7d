"""Argument types, option groups and the one-line-error parser that the subcommands share."""

from __future__ import annotations

import argparse
import math
import os
from typing import NoReturn

from losswalk.core.drawing.text import CHARSET_CHOICES, charset_for_locale, safe_text

SETTING_FLAGS = {"mu": "--momentum", "b1": "--beta1", "b2": "--beta2", "eps": "--eps"}


class CliError(Exception):
    """A user mistake: printed as one line on stderr, exit status 2."""


class Parser(argparse.ArgumentParser):
    """argparse that reports mistakes as one line instead of a usage dump."""

    def error(self, message: str) -> NoReturn:
        raise CliError(f"{safe_text(message)} (see '{self.prog} --help')")


def pair(text: str) -> tuple[float, float]:
    """Parse 'W1,W2' into two finite floats."""
    parts = text.split(",")
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        values = ()
    if len(values) != 2 or not all(math.isfinite(v) for v in values):
        raise argparse.ArgumentTypeError(f"expected two numbers W1,W2, got '{text}'")
    return values  # type: ignore[return-value]


def finite(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got '{text}'")
    return value


def positive(text: str) -> float:
    value = finite(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got '{text}'")
    return value


def count(low: int, high: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected {low}..{high}, got {value}")
        return value

    return parse


def _extent(text: str):
    from losswalk.core.landscapes.landscape import parse_extent

    try:
        return parse_extent(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _hidden(text: str) -> tuple[int, ...]:
    from losswalk.core.landscapes.mlp import parse_hidden

    try:
        return parse_hidden(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def landscape_arguments(parser: argparse.ArgumentParser, *, shown: bool = True) -> None:
    """The landscape options: the same meaning in every subcommand and in the app (parsed but
    left out of the help when not `shown`: the tour refuses them with a message)."""

    def add(group, *flags: str, text: str, **kwargs) -> None:
        group.add_argument(*flags, help=text if shown else argparse.SUPPRESS, **kwargs)

    add(parser, "name", nargs="?", text="landscape name (see 'losswalk list') or a surface file "
        "(.h5, .npz, .csv); default: logistic")
    data = parser.add_mutually_exclusive_group()
    add(data, "--dataset", text="built-in dataset for data-driven landscapes")
    add(data, "--data", metavar="FILE.csv",
        text="CSV file with columns x1,x2,y or x1,y (y is 0/1), in the order a header names them")
    add(parser, "--loss", choices=("bce", "mse"), text="loss on the data (default bce)")
    add(parser, "--l2", type=finite, metavar="LAMBDA", text="L2 penalty (default 0)")
    add(parser, "--condition", type=finite, metavar="K",
        text="the bowl's condition number (default 10)")
    add(parser, "--extent", type=_extent, metavar="W1MIN,W1MAX,W2MIN,W2MAX",
        text="the part of weight space to show")
    add(parser, "--surface", metavar="NAME", text="which surface of a surface file: train_loss "
        "(default), test_loss, train_acc, test_acc, min_eig, max_eig")
    add(parser, "--hidden", type=_hidden, metavar="H1,H2,...",
        text="hidden layer sizes of the mlp-random / mlp-pca network (default 16,16)")
    add(parser, "--direction-seed", dest="direction_seed", type=count(0, 2**32 - 1),
        metavar="N", text="seed of mlp-random's random directions (default 0)")


def landscape_options(args: argparse.Namespace):
    from losswalk.core.landscapes.models import LandscapeOptions

    return LandscapeOptions.from_user(
        name=args.name, extent=args.extent, dataset=args.dataset, data=args.data,
        loss=args.loss, l2=args.l2, condition=args.condition, surface=args.surface,
        hidden=args.hidden, direction_seed=args.direction_seed,
    )


def _setting(field: str):
    """argparse type for one optimizer setting, checked by OptimizerSettings itself."""

    def parse(text: str) -> float:
        from losswalk.core.walk.optimizers import OptimizerSettings

        value = finite(text)
        try:
            OptimizerSettings(**{field: value})
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        return value

    return parse


def setting_arguments(parser: argparse.ArgumentParser, *, shown: bool = True) -> None:
    """The optimizer settings; each applies to the optimizers that take it (README: Optimizers)."""
    helps = {"mu": "momentum μ of momentum and nesterov (default 0.9)",
             "b1": "Adam's β1 (default 0.9)", "b2": "Adam's β2 (default 0.999)",
             "eps": "ε of adagrad, rmsprop and adam (default 1e-8)"}
    for field, flag in SETTING_FLAGS.items():
        parser.add_argument(flag, dest=field, type=_setting(field), metavar=field.upper(),
                            help=helps[field] if shown else argparse.SUPPRESS)


def typed_settings(args: argparse.Namespace):
    """The optimizer settings typed on the command line (None for those not given)."""
    from losswalk.core.walk.optimizers import OptimizerSettings

    return OptimizerSettings(**{field: getattr(args, field) for field in SETTING_FLAGS})


def checked_settings(args: argparse.Namespace, optimizer: str):
    """The optimizer settings typed, refused when the optimizer does not take one of them."""
    from losswalk.core.walk.optimizers import HYPERPARAMETERS, OPTIMIZERS

    settings = typed_settings(args)
    unused = settings.unused_by(optimizer)
    if unused:
        users = [name for name in OPTIMIZERS if unused[0] in HYPERPARAMETERS[name]]
        raise CliError(f"{SETTING_FLAGS[unused[0]]} applies only to {', '.join(users)} "
                       f"(not {optimizer})")
    return settings


def _initial_environ() -> dict[str, str]:
    """The environment this process started with (Python may change its own: PEP 538)."""
    try:
        with open("/proc/self/environ", "rb") as f:
            pairs = f.read().split(b"\0")
    except OSError:  # not Linux: the environment as Python sees it
        return dict(os.environ)
    return dict(p.decode(errors="replace").partition("=")[::2] for p in pairs if b"=" in p)


def resolved_charset(text: str) -> str:
    """--charset: unicode, ascii, or auto (ascii unless the locale's character set is UTF-8)."""
    if text not in CHARSET_CHOICES:
        raise argparse.ArgumentTypeError(f"must be one of {', '.join(CHARSET_CHOICES)}")
    return charset_for_locale(os.environ, _initial_environ()) if text == "auto" else text


def charset_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--charset", type=resolved_charset, default="auto", metavar="{auto,unicode,ascii}",
        help="glyphs to draw with; auto (the default) is unicode when the locale (LC_ALL, "
        "LC_CTYPE or LANG) is UTF-8 and plain ASCII otherwise, e.g. under LANG=C")
