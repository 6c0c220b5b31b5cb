"""The ``gradbook`` command: a thin layer over the public API of autograd, nn and viz.

Examples::

    gradbook --version
    gradbook demo                  # one neuron, forward and backward, graph in gradbook-demo/
    gradbook demo --out /tmp/gb    # same, writing into /tmp/gb
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from gradbook import __version__

DEMO_DIR = "gradbook-demo"


def _cmd_demo(args: argparse.Namespace) -> int:
    """micrograd's moons demo on the scalar engine, with everything written to --out."""
    from gradbook.jobs import demo

    result = demo(args.out, steps=args.steps)
    out = Path(args.out)
    print(f"\nfinal training accuracy {result['accuracy']:.0%}, loss {result['loss']:.4f}")
    print(f"written to {out.resolve()}:")
    for name in result["files"]:
        print(f"  {out / name}")
    print("next: open neuron.svg and decision_boundary.png, then the course: "
          "notebooks/README.md (make notebooks)")
    return 0 if result["gradcheck"] else 1


def _cmd_train(args: argparse.Namespace) -> int:
    """Train an MLP on a built-in or user data set; outputs go to --out."""
    from gradbook.jobs import JobError, TrainConfig, train

    try:
        hidden = tuple(int(h) for h in args.hidden.split(",") if h.strip())
    except ValueError:
        raise UsageError(f"--hidden takes sizes like 16,16, got {args.hidden!r}") from None
    if any(h < 1 for h in hidden):
        raise UsageError(f"--hidden sizes must be positive, got {args.hidden!r}")
    cfg = TrainConfig(
        data=args.data, hidden=hidden, activation=args.activation, engine=args.engine,
        loss=args.loss, optimizer=args.optimizer, lr=args.lr, epochs=args.epochs,
        batch_size=args.batch_size, dropout=args.dropout, weight_decay=args.weight_decay,
        seed=args.seed, out=args.out, progress=not args.no_progress, samples=args.samples,
    )
    try:
        summary = train(cfg)
    except (JobError, FileNotFoundError, ValueError, ImportError) as e:
        raise UsageError(str(e).splitlines()[0] if str(e) else repr(e)) from None
    out = Path(args.out)
    print(f"written to {out.resolve()}: " + ", ".join(summary["files"]) + ", summary.json")
    return 0


class UsageError(Exception):
    """Bad input from the command line: printed as one line, exit code 2."""


def _variables(items: list[str], expression: str) -> tuple[Any, dict[str, float]]:
    from gradbook.expr import ExpressionError, compile_expression, parse_assignments

    try:
        values = parse_assignments(items)
        f = compile_expression(expression, list(values))
    except ExpressionError as e:
        raise UsageError(str(e)) from None
    return f, values


def _cmd_graph(args: argparse.Namespace) -> int:
    """Parse the expression, run forward and backward, print gradients, write the graph."""
    from autograd import Value

    f, values = _variables(args.assignments, args.expression)
    leaves = [Value(v, label=k) for k, v in values.items()]
    out = f(*leaves)
    if not out.label:
        out.label = "out"
    if out.requires_grad:
        out.backward()
    print(f"{args.expression} = {out.data:.6g}")
    for leaf in leaves:
        print(f"  d/d{leaf.label} = {leaf.grad:.6g}")
    from viz import GraphvizNotFoundError, render_graph

    fmt = args.format or (Path(args.output).suffix.lstrip(".").lower() or "svg")
    if fmt not in ("svg", "png", "pdf"):
        raise UsageError(f"unknown output format {fmt!r}; use svg, png or pdf")
    try:
        path = render_graph(out, args.output, format=fmt, rankdir=args.rankdir,
                            show_grad=not args.no_grad)
    except GraphvizNotFoundError as e:
        print(f"gradbook: {e}", file=sys.stderr)
        return 1
    print(f"graph written to {path}")
    return 0


def _cmd_gradcheck(args: argparse.Namespace) -> int:
    """Compare the engine's gradient with finite differences; exit 1 on a mismatch."""
    from autograd import Value, gradcheck

    f, values = _variables(args.assignments, args.expression)
    if not values:
        raise UsageError("give at least one variable, e.g. x=1.3")
    leaves = [Value(v, label=k) for k, v in values.items()]
    report = gradcheck(f, leaves, eps=args.eps, atol=args.atol, rtol=args.rtol,
                       method=args.method, raise_exception=False)
    print(report)
    return 0 if report else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gradbook",
        description="gradbook: reverse-mode automatic differentiation, built to be read, "
        "run and trusted.",
        epilog="Examples:\n  gradbook demo\n  gradbook --version",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser(
        "demo",
        help="train micrograd's moons MLP on the scalar engine and draw what it computed",
        description="micrograd's demo on the scalar engine: an MLP(2, [16, 16, 1]) trained on "
        "100 two-moons points with the max-margin loss; writes the model, history, loss curve, "
        "decision boundary, a neuron's graph and a gradient check into OUT.",
        epilog="Example:\n  gradbook demo --out gradbook-demo",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument(
        "--out", default=DEMO_DIR, metavar="DIR", help=f"output directory (default: {DEMO_DIR})"
    )
    demo.add_argument("--steps", type=int, default=100, help="SGD steps (default 100)")
    demo.set_defaults(func=_cmd_demo)

    tr = sub.add_parser(
        "train",
        help="train an MLP on a built-in or your own data set",
        description="Train an MLP with a progress bar, print per-epoch metrics, and write to OUT "
        "the model (model.npz), the history (history.json, history.csv), the loss curve "
        "(loss.png), the decision boundary for 2-D data (decision_boundary.png) and the graph of "
        "one neuron's forward and backward pass (neuron.svg). Inputs are standardised with the "
        "training set's mean and deviation. CSV files: numeric columns, the last one the target.",
        epilog="Examples:\n  gradbook train --data moons --epochs 30\n"
        "  gradbook train --data digits --hidden 256 --optimizer adam --epochs 10\n"
        "  gradbook train --data csv:points.csv --loss mse --engine tensor\n"
        "  gradbook train --data idx:~/fashion --hidden 256,256 --dropout 0.2",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from gradbook.jobs import LOSSES, OPTIMIZERS

    tr.add_argument("--data", default="moons",
                    help="moons, circles, spirals, xor, digits, idx:DIR or csv:PATH (moons)")
    tr.add_argument("--samples", type=int, default=200, help="size of a generated set (200)")
    tr.add_argument("--hidden", default="16,16", help="hidden layer sizes (16,16)")
    tr.add_argument("--activation", default="relu", help="relu, tanh, sigmoid, gelu, ... (relu)")
    tr.add_argument("--engine", choices=("auto", "value", "tensor"), default="auto",
                    help="scalar Values or Tensors (auto: Values for small 2-D sets)")
    tr.add_argument("--loss", choices=LOSSES, default="auto")
    tr.add_argument("--optimizer", choices=OPTIMIZERS, default="sgd")
    tr.add_argument("--lr", type=float, default=None, help="learning rate (per optimizer)")
    tr.add_argument("--epochs", type=int, default=20)
    tr.add_argument("--batch-size", type=int, default=32)
    tr.add_argument("--dropout", type=float, default=0.0, help="tensor engine only")
    tr.add_argument("--weight-decay", type=float, default=0.0)
    tr.add_argument("--seed", type=int, default=0)
    tr.add_argument("--out", default="gradbook-out", help="output folder (gradbook-out)")
    tr.add_argument("--no-progress", action="store_true", help="no progress bar")
    tr.set_defaults(func=_cmd_train)

    graph = sub.add_parser(
        "graph",
        help="draw the computation graph of an expression with its gradients",
        description="Parse EXPRESSION safely (numbers, variables, + - * / **, and the engine's "
        "functions such as tanh exp log relu sigmoid), run forward and backward, print the "
        "result and each variable's gradient, and write the graph.",
        epilog='Examples:\n  gradbook graph "tanh(x*w + b)" x=2 w=-3 b=6.88 -o neuron.svg\n'
        '  gradbook graph "x**2 * sin(y)" x=1 y=0.5 --rankdir TB --format png -o g.png',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    graph.add_argument("expression", help='e.g. "tanh(x*w + b)"')
    graph.add_argument("assignments", nargs="*", metavar="NAME=VALUE", help="e.g. x=2 w=-3")
    graph.add_argument("-o", "--output", default="graph.svg", help="file to write (graph.svg)")
    graph.add_argument("--format", choices=("svg", "png", "pdf"), help="default: from -o")
    graph.add_argument("--rankdir", choices=("LR", "TB"), default="LR", help="layout direction")
    graph.add_argument("--no-grad", action="store_true", help="draw the forward pass only")
    graph.set_defaults(func=_cmd_graph)

    check = sub.add_parser(
        "gradcheck",
        help="compare the engine's gradient of an expression with finite differences",
        description="Print the analytic and numerical gradient of EXPRESSION for each variable; "
        "exit with status 1 when they disagree.",
        epilog='Example:\n  gradbook gradcheck "x**3 * sin(y)" x=1.3 y=0.4 --eps 1e-6',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("expression")
    check.add_argument("assignments", nargs="*", metavar="NAME=VALUE")
    check.add_argument("--eps", type=float, default=1e-6, help="finite-difference step (1e-6)")
    check.add_argument("--method", choices=("central", "forward", "backward"), default="central")
    check.add_argument("--atol", type=float, default=1e-5)
    check.add_argument("--rtol", type=float, default=1e-3)
    check.set_defaults(func=_cmd_gradcheck)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return args.func(args)
    except UsageError as e:
        print(f"gradbook {args.command}: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
