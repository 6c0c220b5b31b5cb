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
    """Build tanh(x*w + b), backpropagate, print every value and gradient, draw the graph."""
    from autograd import Value  # imported here so `gradbook --version` works on its own

    x = Value(2.0, label="x")
    w = Value(-3.0, label="w")
    b = Value(6.88, label="b")
    xw = x * w
    xw.label = "x*w"
    n = xw + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()

    print("neuron: o = tanh(x*w + b)")
    print(f"  forward:  o = {o.data:.6f}")
    print("  backward: do/d(node)")
    for node in (x, w, b, xw, n, o):
        print(f"    {node.label:>4} = {node.data:+.6f}   grad = {node.grad:+.6f}")

    try:
        from viz import draw_graph
    except ImportError:
        print("(viz.draw_graph is not available yet: no graph drawn)")
        return 0

    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    svg_path = out_dir / "neuron.svg"
    svg_path.write_bytes(draw_graph(o).pipe(format="svg"))
    print(f"graph written to {svg_path}")
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
        help="build and backpropagate one neuron, print gradients, draw its graph",
        description="Build o = tanh(x*w + b) with x=2, w=-3, b=6.88, run backward, print each "
        "node's value and gradient, and write the graph to OUT/neuron.svg when viz is available.",
        epilog="Example:\n  gradbook demo --out gradbook-demo",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument(
        "--out", default=DEMO_DIR, metavar="DIR", help=f"output directory (default: {DEMO_DIR})"
    )
    demo.set_defaults(func=_cmd_demo)

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
