"""The ``gradbook`` command: a thin layer over the public API of autograd, nn and viz.

Examples::

    gradbook --version
    gradbook demo                  # one neuron, forward and backward, graph in gradbook-demo/
    gradbook demo --out /tmp/gb    # same, writing into /tmp/gb
    gradbook --lang zh demo        # in Chinese (the default follows the locale: LANG=zh_CN...)
    gradbook train --data csv:points.csv --out run        # run/model.npz + run/model.json
    gradbook export run -o model.onnx                     # raw feature rows in, scores out
    gradbook export run -o model.safetensors              # PyTorch's names, + model.json
    gradbook predict run --data csv:new.csv -o pred.csv   # one prediction per row

``train`` writes beside ``model.npz`` its record, ``model.json``: plain JSON
(``{"format": "gradbook-model", "version": 1, "engine", "sizes", "activation", "dropout",
"task", "loss", "classes", "features", "standardize": {"mean", "std"}, "weights"}``) from which
``export`` and ``predict`` rebuild the model (:func:`gradbook.jobs.load_trained`). The ONNX
graph ``export`` writes includes the standardisation ``train`` applied: it takes the raw
feature rows. ``predict`` writes only its CSV to standard output (messages go to standard
error), so it can be piped.

Every error is one line on standard error, never a traceback. Exit codes: 0 success; 1 the
command ran and failed (a gradient check that does not pass, training that diverged, Graphviz
missing or failing, the optional onnx or safetensors package missing for ``export`` or
``predict``, an internal error); 2 bad input (options, expressions, data files, models that
cannot be loaded or exported, output paths); 130 interrupted (Ctrl-C); 143 terminated
(SIGTERM). Set GRADBOOK_DEBUG=1 to see the traceback of an internal error.

``--lang {en,zh}`` (before or after the subcommand) sets the language of every message and
output (gradcheck's table, graph legends); by default it follows the locale
(:func:`autograd.default_language`). The words are in :mod:`gradbook.messages`, which says what
stays English.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import re
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from autograd import LANGUAGES, default_language
from gradbook import __version__
from gradbook.messages import language, say, set_language

DEMO_DIR = "gradbook-demo"


def _cmd_demo(args: argparse.Namespace) -> int:
    """micrograd's moons demo on the scalar engine, with everything written to --out."""
    from gradbook.jobs import JobError, demo

    try:
        result = demo(args.out, steps=args.steps, force=args.force)
    except JobError as e:
        raise UsageError(str(e)) from None
    out = Path(args.out)
    print()
    print(say("final training accuracy {accuracy:.0%}, loss {loss:.4f}",
              accuracy=result["accuracy"], loss=result["loss"]))
    print(say("written to {path}:", path=out.resolve()))
    for name in result["files"]:
        print(f"  {out / name}")
    course = "notebooks/zh/README.md" if language() == "zh" else "notebooks/README.md"
    print(say("next: open neuron.html in a browser to step through backpropagation, look at "
              "neuron.svg and decision_boundary.png, then the course: {course} "
              "(make notebooks)", course=course))
    return 0 if result["gradcheck"] else 1


def _cmd_train(args: argparse.Namespace) -> int:
    """Train an MLP on a built-in or user data set; outputs go to --out."""
    from gradbook.jobs import JobError, TrainConfig, train

    try:
        hidden = tuple(int(h) for h in args.hidden.split(",") if h.strip())
    except ValueError:
        raise UsageError(say("--hidden takes sizes like 16,16, got {value!r}",
                             value=args.hidden)) from None
    if any(h < 1 for h in hidden):
        raise UsageError(say("--hidden sizes must be positive, got {value!r}",
                             value=args.hidden))
    cfg = TrainConfig(
        data=args.data, hidden=hidden, activation=args.activation, engine=args.engine,
        loss=args.loss, optimizer=args.optimizer, lr=args.lr, epochs=args.epochs,
        batch_size=args.batch_size, dropout=args.dropout, weight_decay=args.weight_decay,
        seed=args.seed, out=args.out, progress=not args.no_progress, samples=args.samples,
        task=args.task, force=args.force,
    )
    from nn.train import NonFiniteLossError

    try:
        summary = train(cfg)
    except NonFiniteLossError as e:
        raise CommandFailed(say("{error}; nothing was written", error=e)) from None
    except (JobError, FileNotFoundError, ValueError, ImportError) as e:
        raise UsageError(str(e).splitlines()[0] if str(e) else repr(e)) from None
    out = Path(args.out)
    print(say("written to {path}: {files}", path=out.resolve(),
              files=", ".join([*summary["files"], "summary.json"])))
    return 0


def _new_file(path_text: str, force: bool) -> Path:
    """The file ``-o`` names (see :func:`_output_file`), refused when it exists unless
    ``force``."""
    path = _output_file(path_text)
    if (path.exists() or path.is_symlink()) and not force:
        raise UsageError(say("{path} exists; use --force to replace it", path=path_text))
    return path


def _cmd_export(args: argparse.Namespace) -> int:
    """Write a trained model as an ONNX graph or as safetensors weights (with its record)."""
    from gradbook.jobs import EXPORT_SUFFIXES, JobError, export_model, load_trained

    out = Path(args.output).expanduser()
    if out.suffix.lower() not in EXPORT_SUFFIXES:
        raise UsageError(say("cannot tell what to write from the suffix of {path}: use .onnx "
                             "(the graph) or .safetensors (the weights)", path=args.output))
    targets = [out] if out.suffix.lower() == ".onnx" else [out, out.with_suffix(".json")]
    for target in targets:
        _new_file(str(target), args.force)
    from nn.onnx import ExportError

    try:
        trained = load_trained(args.model)
        out.parent.mkdir(parents=True, exist_ok=True)
        written = export_model(trained, out, dtype=args.dtype)
    except ImportError as e:  # onnx or safetensors missing: like Graphviz, exit 1
        raise CommandFailed(str(e).splitlines()[0]) from None
    except ExportError as e:
        raise UsageError(say("cannot export {model}: {error}", model=args.model,
                             error=str(e).splitlines()[0])) from None
    except JobError as e:
        raise UsageError(str(e)) from None
    if out.suffix.lower() == ".onnx":
        print(say("ONNX graph written to {path}: input {features} raw features per row, "
                  "output the model's {outputs} scores, {dtype}", path=written[0],
                  features=trained.features, outputs=trained.record["sizes"][-1],
                  dtype=args.dtype))
    else:
        print(say("weights written to {path}, their record to {record}", path=written[0],
                  record=written[1]))
    return 0


def _cmd_predict(args: argparse.Namespace) -> int:
    """Print one prediction per row of --data (CSV), or write them to -o."""
    from gradbook.jobs import JobError, load_rows, load_trained, predictions_csv

    target = _new_file(args.output, args.force) if args.output else None
    try:
        trained = load_trained(args.model)
        X, _ = load_rows(args.data, trained.features, seed=args.seed, samples=args.samples)
        predictions = trained.predict(X)
    except ImportError as e:  # a .safetensors model without the safetensors package
        raise CommandFailed(str(e).splitlines()[0]) from None
    except (JobError, FileNotFoundError) as e:
        raise UsageError(str(e).splitlines()[0] if str(e) else repr(e)) from None
    except ValueError as e:  # standardising overflows float64
        raise UsageError(str(e).splitlines()[0]) from None
    text = predictions_csv(predictions)
    if target is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return 0
    from autograd import atomic_write_text

    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(target, text)
    print(say("{count} predictions written to {path}", count=len(predictions), path=target),
          file=sys.stderr)
    return 0


class UsageError(Exception):
    """Bad input from the command line: printed as one line, exit code 2."""


class CommandFailed(Exception):
    """The command ran but failed (training diverged, dot failed): one line, exit code 1."""


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread so that cleanup (staging folders, dot) runs."""


def _output_file(path_text: str) -> Path:
    """The file ``-o`` names, refused early when it cannot be written: a folder, or a file in
    a folder that is not writable."""
    path = Path(path_text).expanduser()
    if path.is_dir():
        raise UsageError(say("-o names a folder, not a file: {path}", path=path_text))
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise UsageError(say("cannot write {path}: {folder} is not a folder", path=path_text,
                             folder=folder))
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(say("cannot write {path}: permission denied", path=path_text))
    return path


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
    fmt = args.format or (Path(args.output).suffix.lstrip(".").lower() or "svg")
    if fmt not in ("svg", "png", "pdf"):
        raise UsageError(say("unknown output format {format!r}; use svg, png or pdf",
                             format=fmt))
    target = _output_file(args.output)
    leaves = [Value(v, label=k) for k, v in values.items()]
    out = _evaluate(f, leaves)
    if not out.label:
        out.label = "out"
    if out.requires_grad:
        out.backward()
    shown = args.expression if len(args.expression) <= 70 else args.expression[:67] + "..."
    print(f"{shown} = {out.data:.6g}")
    for leaf in leaves:
        print(f"  d/d{leaf.label} = {leaf.grad:.6g}")
    from viz import render_graph

    try:
        path = render_graph(out, target, format=fmt, rankdir=args.rankdir,
                            show_grad=not args.no_grad, lang=language())
    except OSError as e:
        raise UsageError(say("cannot write {path}: {reason}", path=args.output,
                             reason=e.strerror or e)) from None
    print(say("graph written to {path}", path=path))
    return 0


def _evaluate(f: Callable[..., Any], leaves: list) -> Any:
    """``f(*leaves)``, an operation the engine refuses (``clip(x, 2, 1)``) being bad input."""
    from gradbook.expr import ExpressionError

    try:
        return f(*leaves)
    except ExpressionError as e:
        raise UsageError(str(e)) from None


def _cmd_explore(args: argparse.Namespace) -> int:
    """Parse the expression and write a page that steps through its backward pass."""
    from autograd import Value
    from viz import GraphvizNotFoundError, explore

    f, values = _variables(args.assignments, args.expression)
    leaves = [Value(v, label=k) for k, v in values.items()]
    out = f(*leaves)
    if not out.label:
        out.label = "out"
    try:
        page = explore(out, rankdir=args.rankdir)
        path = page.save(args.output)
    except (ValueError, TypeError) as e:
        raise UsageError(str(e)) from None
    except GraphvizNotFoundError as e:
        print(f"gradbook: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        raise UsageError(say("cannot write {path!r}: {reason}", path=args.output,
                             reason=e.strerror or e)) from None
    print(f"{args.expression} = {out.data:.6g}")
    for leaf in leaves:
        print(f"  d/d{leaf.label} = {page.grads.get(leaf, 0.0):.6g}")
    print(say("page written to {path} ({steps} steps): open it in a browser", path=path,
              steps=len(page)))
    return 0


def _cmd_gradcheck(args: argparse.Namespace) -> int:
    """Compare the engine's gradient with finite differences; exit 1 on a mismatch."""
    from autograd import Value, gradcheck

    f, values = _variables(args.assignments, args.expression)
    if not values:
        raise UsageError(say("give at least one variable, e.g. x=1.3"))
    leaves = [Value(v, label=k) for k, v in values.items()]
    if not _evaluate(f, leaves).requires_grad:
        raise UsageError(say("{expression!r} does not depend on {names}: there is no gradient "
                             "to check", expression=args.expression, names=", ".join(values)))
    try:
        report = gradcheck(f, [Value(v, label=k) for k, v in values.items()], eps=args.eps,
                           atol=args.atol, rtol=args.rtol, method=args.method,
                           raise_exception=False, lang=language())
    except ValueError as e:  # gradcheck's own checks of eps and the tolerances
        raise UsageError(str(e).splitlines()[0]) from None
    print(report)
    return 0 if report else 1


def _number(low: float, *, strict: bool = True, high: float | None = None,
            ) -> Callable[[str], float]:
    """An argparse type: a finite float above ``low`` (``>= low`` unless ``strict``) and below
    ``high``."""

    def rule(text: str) -> str:
        if high is None:
            if strict:
                return say("must be a finite number > {low:g}, got {text}", low=low, text=text)
            return say("must be a finite number >= {low:g}, got {text}", low=low, text=text)
        if strict:
            return say("must be a finite number > {low:g} and < {high:g}, got {text}", low=low,
                       high=high, text=text)
        return say("must be a finite number >= {low:g} and < {high:g}, got {text}", low=low,
                   high=high, text=text)

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(say("expected a number, got {text!r}",
                                                 text=text)) from None
        ok = math.isfinite(value) and (value > low if strict else value >= low)
        if not ok or (high is not None and not value < high):
            raise argparse.ArgumentTypeError(rule(text))
        return value

    return parse


def _integer(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: an integer in ``[low, high]``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(say("expected an integer, got {text!r}",
                                                 text=text)) from None
        if high is None and value < low:
            raise argparse.ArgumentTypeError(say("must be an integer >= {low}, got {text}",
                                                 low=low, text=text))
        if high is not None and not low <= value <= high:
            raise argparse.ArgumentTypeError(say("must be an integer from {low} to {high:,}, "
                                                 "got {text}", low=low, high=high, text=text))
        return value

    return parse


def _argparse_problem(text: str) -> str:
    """One of argparse's own messages about an argument, in the current language (a message
    this function does not know is returned as it is)."""
    if m := re.fullmatch(r"invalid choice: (.*) \(choose from (.*)\)", text):
        return say("invalid choice: {value} (choose from {choices})", value=m[1], choices=m[2])
    if m := re.fullmatch(r"invalid (\S+) value: (.*)", text):
        return say("invalid {type} value: {value}", type=m[1], value=m[2])
    if text == "expected one argument":
        return say("expected one argument")
    if text == "expected at most one argument":
        return say("expected at most one argument")
    if text == "expected at least one argument":
        return say("expected at least one argument")
    if m := re.fullmatch(r"ignored explicit argument (.*)", text):
        return say("ignored explicit argument {value}", value=m[1])
    return text


def _argparse_message(message: str) -> str:
    """An error message of argparse, in the current language."""
    if m := re.fullmatch(r"argument (.+?): (.*)", message):
        return say("argument {name}: {problem}", name=m[1], problem=_argparse_problem(m[2]))
    if m := re.fullmatch(r"the following arguments are required: (.*)", message):
        return say("the following arguments are required: {names}", names=m[1])
    if m := re.fullmatch(r"ambiguous option: (\S+) could match (.*)", message):
        return say("ambiguous option: {option} could match {matches}", option=m[1],
                   matches=m[2])
    if m := re.fullmatch(r"unrecognized arguments: (.*)", message):
        return say("unrecognized arguments: {arguments}", arguments=m[1])
    return message


class _ArgumentParser(argparse.ArgumentParser):
    """argparse, with its errors on one line (no usage block before them), in the current
    language."""

    def error(self, message: str) -> NoReturn:
        text = say("{message} (see {prog} --help)", message=_argparse_message(message),
                   prog=self.prog)
        self.exit(2, f"{self.prog}: {text}\n")


LANG_HELP = ("language of the messages and reports: en or zh (default: from the locale, zh "
             "when LC_ALL, LC_MESSAGES or LANG starts with zh)")


def build_parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(
        prog="gradbook",
        description="gradbook: reverse-mode automatic differentiation, built to be read, "
        "run and trusted.",
        epilog="Examples:\n  gradbook demo\n  gradbook --version",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--lang", choices=LANGUAGES, default=default_language(),
                        help=LANG_HELP)
    # --lang after the subcommand too; SUPPRESS: absent there, it keeps the value given before
    common = _ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=LANG_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser(
        "demo",
        parents=[common],
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
    demo.add_argument("--steps", type=_integer(1), default=100, help="SGD steps (default 100)")
    demo.add_argument("--force", action="store_true",
                      help="replace OUT even when it is a non-empty folder of other files")
    demo.set_defaults(func=_cmd_demo)

    tr = sub.add_parser(
        "train",
        parents=[common],
        help="train an MLP on a built-in or your own data set",
        description="Train an MLP with a progress bar, print per-epoch metrics, and write to OUT "
        "the model (model.npz), the history (history.json, history.csv), the loss curve "
        "(loss.png), the decision boundary for 2-D data (decision_boundary.png) and the graph of "
        "one neuron's forward and backward pass (neuron.svg), and the record of the model "
        "(model.json) that gradbook export and gradbook predict read. Inputs are standardised "
        "with the training set's mean and deviation. CSV files: numeric columns, the last one "
        "the target.",
        epilog="Examples:\n  gradbook train --data moons --epochs 30\n"
        "  gradbook train --data digits --hidden 256 --optimizer adam --epochs 10\n"
        "  gradbook train --data csv:points.csv --loss mse --engine tensor\n"
        "  gradbook train --data idx:~/fashion --hidden 256,256 --dropout 0.2",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from gradbook.jobs import AUTO_MAX_CLASSES, LOSSES, OPTIMIZERS, TASKS

    tr.add_argument("--data", default="moons",
                    help="moons, circles, spirals, xor, digits, idx:DIR or csv:PATH (moons)")
    tr.add_argument("--samples", type=_integer(1, 10_000_000), default=200,
                    help="size of a generated set (200)")
    tr.add_argument("--hidden", default="16,16", help="hidden layer sizes (16,16)")
    tr.add_argument("--activation", default="relu", help="relu, tanh, sigmoid, gelu, ... (relu)")
    tr.add_argument("--engine", choices=("auto", "value", "tensor"), default="auto",
                    help="scalar Values or Tensors (auto: Values for small 2-D sets)")
    tr.add_argument("--loss", choices=LOSSES, default="auto")
    tr.add_argument("--optimizer", choices=OPTIMIZERS, default="sgd")
    tr.add_argument("--lr", type=_number(0), default=None, help="learning rate (per optimizer)")
    tr.add_argument("--epochs", type=_integer(1), default=20)
    tr.add_argument("--batch-size", type=_integer(1), default=32)
    tr.add_argument("--dropout", type=_number(0, strict=False, high=1), default=0.0,
                    help="tensor engine only")
    tr.add_argument("--weight-decay", type=_number(0, strict=False), default=0.0)
    tr.add_argument("--seed", type=_integer(0), default=0)
    tr.add_argument("--task", choices=TASKS, default="auto",
                    help="classify (the classes are the distinct target values), regress, or "
                    "auto: classify integer targets with at most "
                    f"{AUTO_MAX_CLASSES} distinct values (auto)")
    tr.add_argument("--out", default="gradbook-out",
                    help="output folder, new or empty (gradbook-out)")
    tr.add_argument("--force", action="store_true",
                    help="replace --out even when it is a non-empty folder")
    tr.add_argument("--no-progress", action="store_true", help="no progress bar")
    tr.set_defaults(func=_cmd_train)

    ex = sub.add_parser(
        "export",
        parents=[common],
        help="write a trained model as an ONNX graph or as safetensors weights",
        description="Rebuild the model gradbook train wrote (MODEL: its --out folder, its "
        "model.npz, or a .safetensors written by this command) and write it to OUT, by "
        "suffix. .onnx: the graph of the standardisation train applied followed by the model, "
        "so it takes the raw feature rows (input 'input', shape (batch, features)) and returns "
        "the model's scores (output 'output': logits or margins for a binary classifier, one "
        "score per class, or the value); in float32 unless --dtype float64. .safetensors: the "
        "weights under PyTorch's names (0.weight of shape (out, in), ...) as float64, and their "
        "record beside it (OUT with .json: the sizes, the activation, the classes, the "
        "standardisation), which gradbook predict reads.",
        epilog="Examples:\n  gradbook train --data csv:points.csv --out run\n"
        "  gradbook export run -o model.onnx\n"
        "  gradbook export run/model.npz -o model.onnx --dtype float64 --force\n"
        "  gradbook export run -o model.safetensors     # also writes model.json\n"
        "  python -c \"import onnxruntime as ort, numpy as np; "
        "s = ort.InferenceSession('model.onnx'); "
        "print(s.run(None, {'input': np.array([[1000.5, 998.2]], np.float32)}))\"",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ex.add_argument("model", metavar="MODEL",
                    help="gradbook train's --out folder, its model.npz, or a .safetensors with "
                    "its .json beside it")
    ex.add_argument("-o", "--output", required=True, metavar="OUT",
                    help="the file to write: .onnx or .safetensors")
    ex.add_argument("--dtype", choices=("float32", "float64"), default="float32",
                    help="the ONNX graph's number type (float32)")
    ex.add_argument("--force", action="store_true", help="replace OUT (and its .json) if it "
                    "exists")
    ex.set_defaults(func=_cmd_export)

    pr = sub.add_parser(
        "predict",
        parents=[common],
        help="print a trained model's prediction for each row of a data set",
        description="Rebuild the model gradbook train wrote (MODEL as for gradbook export), "
        "standardise the rows of --data as train did, run the model and write one prediction "
        "per row as CSV, with the header 'prediction': a classifier's class (the label as in "
        "the training data), a regression's value. Only the CSV goes to standard output (or to "
        "-o FILE), so it can be piped. A CSV file may have the model's number of feature "
        "columns, or one more, the last a target, which is ignored.",
        epilog="Examples:\n  gradbook predict run --data csv:new_points.csv\n"
        "  gradbook predict run/model.npz --data csv:points.csv -o predictions.csv\n"
        "  gradbook predict model.safetensors --data moons --samples 50 | head",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    pr.add_argument("model", metavar="MODEL",
                    help="gradbook train's --out folder, its model.npz, or a .safetensors with "
                    "its .json beside it")
    pr.add_argument("--data", required=True,
                    help="csv:PATH, or moons, circles, spirals, xor, digits, idx:DIR (its test "
                    "images)")
    pr.add_argument("--samples", type=_integer(1, 10_000_000), default=200,
                    help="size of a generated set (200)")
    pr.add_argument("--seed", type=_integer(0), default=0, help="seed of a generated set (0)")
    pr.add_argument("-o", "--output", metavar="FILE", default=None,
                    help="write the CSV to FILE instead of standard output")
    pr.add_argument("--force", action="store_true", help="replace FILE if it exists")
    pr.set_defaults(func=_cmd_predict)

    graph = sub.add_parser(
        "graph",
        parents=[common],
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

    exp = sub.add_parser(
        "explore",
        parents=[common],
        help="write a web page that steps through backpropagation on an expression",
        description="Parse EXPRESSION safely (as for `gradbook graph`) and write one "
        "self-contained HTML page that replays its forward and backward pass node by node, "
        "with the chain rule written out in numbers at every step (works offline).",
        epilog='Example:\n  gradbook explore "tanh(x1*w1 + x2*w2 + b)" x1=2 x2=0 w1=-3 w2=1 '
        "b=6.8813735870195432 -o neuron.html",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    exp.add_argument("expression", help='e.g. "tanh(x*w + b)"')
    exp.add_argument("assignments", nargs="*", metavar="NAME=VALUE", help="e.g. x=2 w=-3")
    exp.add_argument("-o", "--output", default="explore.html",
                     help="page to write (explore.html)")
    exp.add_argument("--rankdir", choices=("LR", "TB"), default="LR", help="layout direction")
    exp.set_defaults(func=_cmd_explore)

    check = sub.add_parser(
        "gradcheck",
        parents=[common],
        help="compare the engine's gradient of an expression with finite differences",
        description="Print the analytic and numerical gradient of EXPRESSION for each variable; "
        "exit with status 1 when they disagree.",
        epilog='Example:\n  gradbook gradcheck "x**3 * sin(y)" x=1.3 y=0.4 --eps 1e-6',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("expression")
    check.add_argument("assignments", nargs="*", metavar="NAME=VALUE")
    check.add_argument("--eps", type=_number(0), default=1e-6,
                       help="finite-difference step (1e-6)")
    check.add_argument("--method", choices=("central", "forward", "backward"), default="central")
    check.add_argument("--atol", type=_number(0, strict=False), default=1e-5)
    check.add_argument("--rtol", type=_number(0, strict=False), default=1e-3)
    check.set_defaults(func=_cmd_gradcheck)
    return parser


def _install_graphviz() -> str:
    return say("Graphviz's dot program is not on PATH; install it (Debian/Ubuntu: sudo apt-get "
               "install graphviz, Fedora: sudo dnf install graphviz, macOS: brew install "
               "graphviz, conda: conda install -c conda-forge graphviz, Windows: winget install "
               "graphviz), check with dot -V")


#: The message for a missing Graphviz, in English.
INSTALL_GRAPHVIZ = _install_graphviz()


def _exit_code(error: Exception) -> tuple[int, str]:
    """The exit code and the one-line message for an error that reached :func:`main`."""
    from gradbook.expr import ExpressionError
    from viz.dot import GraphTooLargeError, GraphvizError, GraphvizNotFoundError

    first = (str(error).strip().splitlines() or [repr(error)])[0]
    if isinstance(error, (UsageError, ExpressionError)):
        return 2, first
    if isinstance(error, GraphvizNotFoundError):
        return 1, _install_graphviz()
    if isinstance(error, (CommandFailed, GraphvizError, GraphTooLargeError)):
        return 1, first
    if isinstance(error, OSError):
        return 2, f"{error.filename or ''}{': ' if error.filename else ''}{error.strerror or first}"
    return 1, say("internal error: {kind}: {message} (GRADBOOK_DEBUG=1 shows more)",
                  kind=type(error).__name__, message=first)


def _on_sigterm(signum: int, frame: Any) -> None:
    raise _Terminated


def _subparser(parser: argparse.ArgumentParser, command: str | None) -> argparse.ArgumentParser:
    """The parser of ``command`` (``parser`` itself when there is none)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            return action.choices[command]
    return parser


def _expression_not_option(parser: argparse.ArgumentParser, argv: list[str] | None) -> list[str]:
    """``argv`` with an expression that starts with a minus (``gradbook graph "-x*2" x=1``)
    protected from argparse, which would take it for an unknown option: it gets a leading space,
    which the expression parser ignores and which argparse reads as "positional". Known options,
    their values and negative numbers are left alone."""
    argv = list(sys.argv[1:] if argv is None else argv)
    start = _command_index(parser, argv)
    if start >= len(argv) or argv[start] not in ("graph", "explore", "gradcheck"):
        return argv
    actions = _subparser(parser, argv[start])._option_string_actions
    out, takes_value = argv[:start + 1], False
    for token in argv[start + 1:]:
        if takes_value:
            out.append(token)
            takes_value = False
            continue
        action = actions.get(token.split("=", 1)[0])
        if action is not None:
            takes_value = action.nargs != 0 and "=" not in token
        elif token.startswith("-") and not token.startswith("--") and len(token) > 1:
            try:
                float(token)
            except ValueError:
                token = " " + token
        out.append(token)
    return out


def _global_option(parser: argparse.ArgumentParser, token: str) -> argparse.Action | None:
    """The option of ``parser`` that ``token`` (``--lang``, ``--la=zh``) names, as argparse
    reads it (a unique prefix of a long option will do)."""
    name = token.partition("=")[0]
    actions = parser._option_string_actions
    if name in actions:
        return actions[name]
    found = {a for s, a in actions.items() if name.startswith("--") and s.startswith(name)}
    return found.pop() if len(found) == 1 else None


def _command_index(parser: argparse.ArgumentParser, argv: list[str]) -> int:
    """The position of the subcommand in ``argv``, after the global options (``--lang zh``)."""
    i = 0
    while i < len(argv) and argv[i].startswith("-") and argv[i] != "--":
        action = _global_option(parser, argv[i])
        takes_value = action is not None and action.nargs != 0 and "=" not in argv[i]
        i += 2 if takes_value else 1
    return i


def _requested_language(parser: argparse.ArgumentParser, argv: list[str]) -> str:
    """The language ``--lang`` asks for in ``argv`` (the last one given), else the locale's:
    read before argparse runs, so that its errors are in that language too."""
    lang = default_language()
    command = parser._option_string_actions["--lang"]
    for i, token in enumerate(argv):
        if token == "--":
            break
        if token.startswith("--") and _global_option(parser, token) is command:
            value = token.partition("=")[2] if "=" in token else (argv[i + 1:i + 2] or [""])[0]
            if value in LANGUAGES:
                lang = value
    return lang


def main(argv: list[str] | None = None) -> int:
    """Run the command; see the module's docstring for the exit codes."""
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    command = "gradbook"
    previous = None
    language_set = set_language(_requested_language(parser, argv))  # for argparse's errors
    try:
        if sys.platform != "win32":
            # In the main thread only (signal's rule); tests may call main() from others.
            with contextlib.suppress(ValueError):
                previous = signal.signal(signal.SIGTERM, _on_sigterm)
        args, extra = parser.parse_known_args(_expression_not_option(parser, argv))
        if extra:  # name the subcommand, whose --help lists what it accepts
            _subparser(parser, args.command).error(f"unrecognized arguments: {' '.join(extra)}")
        set_language(args.lang)
        if isinstance(getattr(args, "expression", None), str) and args.expression.startswith(" -"):
            args.expression = args.expression[1:]   # the space _expression_not_option added
        if args.command is None:
            parser.print_help(sys.stderr)
            return 2
        command = f"gradbook {args.command}"
        return args.func(args)
    except KeyboardInterrupt:
        print(f"{command}: {say('interrupted')}", file=sys.stderr)
        return 130
    except _Terminated:
        print(f"{command}: {say('terminated')}", file=sys.stderr)
        return 143
    except BrokenPipeError:  # `gradbook ... | head`: the reader left; stop quietly
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as error:
        if os.environ.get("GRADBOOK_DEBUG"):
            raise
        code, message = _exit_code(error)
        print(f"{command}: {message}", file=sys.stderr)
        return code
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        language_set.var.reset(language_set)  # back to the caller's language


if __name__ == "__main__":
    raise SystemExit(main())
