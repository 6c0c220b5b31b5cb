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
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
