"""Where the scalar engine's time goes, per node: construction, dispatch, pass 1, pass 2, rules.

The graph is the loss of micrograd's demo step (the model code of ``bench_scalar.py``, plain
``sum()`` chains of ``w*x``, 65,818 nodes); every figure is a median over ``--repeats`` runs,
with the garbage collector off, divided by the number of nodes:

* **forward**: building the graph (``loss_fn``), of which
  * **construction**: making that many node objects and setting their slots, nothing else
    (``object.__new__`` and one store per slot, in a loop);
  * **dispatch**: the rest (finding the method, checking the operand, the float arithmetic,
    deciding whether to record);
* **pass 1**: counting each node's consumers (the first pass of backprop);
* **pass 2**: the rules and the bookkeeping around them (the second pass);
* **rules**: calling every rule of the registry once on the graph's floats (the mathematics of
  pass 2, plus one Python call each: the engine now inlines the hottest rules instead).

``--scaling`` times forward and backward per node on graphs of 10^4 to 10^7 nodes (the same
``w*x`` sum chains), with the collector on and off. Point ``PYTHONPATH`` at another checkout to
measure its engine with the same script (the "before" figures in benchmarks/README.md came from
the commit before the restructure: ``git worktree add /tmp/before 203aa44`` then
``PYTHONPATH=/tmp/before python benchmarks/breakdown_scalar.py``).
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scalar import loss_fn, make_mlp, moons  # noqa: E402


def _passes():
    """This engine's (pass 1, pass 2) on a graph of floats, each taking the list of roots,
    before or after the restructure."""
    from autograd import Value, backprop

    zero = Value._grad_zero
    try:
        from autograd import fastpath

        return (lambda roots: fastpath.count_consumers(roots, zero),
                lambda roots: fastpath.propagate(roots, backprop._visit, zero))
    except ImportError:  # the engine before: both passes in backprop.py
        return (lambda roots: backprop._count_consumers(roots, zero),
                backprop._propagate_floats)


def _median(fn, repeats):
    times = []
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        try:
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        finally:
            gc.enable()
    return statistics.median(times)


def breakdown(repeats: int) -> dict[str, float]:
    from autograd import Value
    from autograd.backprop import topological_order

    count, propagate = _passes()
    X, y = moons()
    model = make_mlp(Value, 2, [16, 16, 1])
    graph = {}

    def forward():
        graph["loss"] = loss_fn(Value, model, X, y)

    t_forward = _median(forward, repeats)
    nodes = topological_order(graph["loss"])
    n = len(nodes)
    slots = [s for cls in type(nodes[0]).__mro__ for s in getattr(cls, "__slots__", ())]
    new = object.__new__

    # setattr by name costs more than the engine's compiled stores; time one store per slot
    # the way compiled code does it, on one object, and add the allocation
    one = new(Value)
    source = "def stores(o, n):\n    for _ in range(n):\n" + "".join(
        f"        o.{s} = None\n" for s in slots)
    namespace: dict = {}
    exec(source, namespace)  # noqa: S102 - the benchmark's own text
    t_stores = _median(lambda: namespace["stores"](one, n), repeats)
    t_alloc = _median(lambda: [new(Value) for _ in range(n)], repeats)
    t_construct = t_stores + t_alloc

    p1, p2 = [], []
    for _ in range(repeats):
        forward()
        loss = graph["loss"]
        gc.collect()
        gc.disable()
        t = time.perf_counter()
        count([loss])
        t1 = time.perf_counter()
        loss.grad = 1.0
        propagate([loss])
        t2 = time.perf_counter()
        gc.enable()
        p1.append(t1 - t)
        p2.append(t2 - t1)

    calls = []  # (rule, args) of every input of every node, as pass 2 calls them
    for node in nodes:
        if node.is_leaf:
            continue
        op = node._op
        ps = node.parents
        args = [p.data for p in ps]
        params = tuple(node.params)
        for i, rule in enumerate(op.vjps if len(op.vjps) == len(ps) else op.vjps * len(ps)):
            if len(op.vjps) == len(ps):
                calls.append((rule, (1.0, node.data, *args, *params)))
            else:  # a variadic op: rule(g, y, xs, i)
                calls.append((rule, (1.0, node.data, tuple(args), i, *params)))

    def rules():
        for rule, args in calls:
            rule(*args)

    t_rules = _median(rules, repeats)
    per = 1e9 / n
    return {
        "nodes": n, "forward": t_forward * per, "construction": t_construct * per,
        "dispatch": (t_forward - t_construct) * per, "pass 1": statistics.median(p1) * per,
        "pass 2": statistics.median(p2) * per, "rules": t_rules * per,
    }


class CollectorClock:
    """Time Python's garbage collector spends in each generation (``gc.callbacks``)."""

    def __init__(self) -> None:
        self.seconds = [0.0, 0.0, 0.0]
        self.runs = [0, 0, 0]
        self._start = 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds[info["generation"]] += time.perf_counter() - self._start
            self.runs[info["generation"]] += 1

    def __enter__(self) -> CollectorClock:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)


def scaling(sizes: list[int]) -> None:
    """Forward and backward time per node on growing graphs, the collector on and off; with it
    on, the share of the forward spent in each generation's collections."""
    from autograd import Value

    rnd = random.Random(0)
    w = [Value(rnd.uniform(-1, 1)) for _ in range(337)]
    x = [Value(rnd.uniform(-1, 1)) for _ in range(200)]
    sum((w[i % 337] * x[i % 200] for i in range(5000)), Value(0.0)).backward()  # warm up
    print(f"{'nodes':>10} {'gc':>4} {'forward':>8} {'backward':>9}   in the collector "
          "(forward, gc on): gen 0, gen 1, gen 2     [ns per node]")
    for size in sizes:
        for gc_on in (True, False):
            gc.collect()
            if not gc_on:
                gc.disable()
            try:
                with CollectorClock() as clock:
                    t = time.perf_counter()
                    s = sum((w[i % 337] * x[i % 200] for i in range(size // 2)), Value(0.0))
                    t1 = time.perf_counter()
                s.backward()
                t2 = time.perf_counter()
            finally:
                gc.enable()
            gens = ", ".join(f"{sec * 1e9 / size:5.0f} ({n} runs)"
                             for sec, n in zip(clock.seconds, clock.runs)) if gc_on else ""
            print(f"{size:>10} {'on' if gc_on else 'off':>4} {(t1 - t) * 1e9 / size:8.0f} "
                  f"{(t2 - t1) * 1e9 / size:9.0f}   {gens}", flush=True)
            del s


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=9)
    ap.add_argument("--scaling", nargs="*", type=int, metavar="N",
                    help="time per node on graphs of these sizes (default 1e4 1e5 1e6 1e7)")
    args = ap.parse_args()
    import autograd

    print(f"engine: {Path(autograd.__file__).parent}")
    if args.scaling is not None:
        scaling(args.scaling or [10**4, 10**5, 10**6, 10**7])
        return
    r = breakdown(args.repeats)
    print(f"{r['nodes']} nodes; nanoseconds per node (median of {args.repeats}, gc off):")
    for key in ("forward", "construction", "dispatch", "pass 1", "pass 2", "rules"):
        print(f"  {key:<13}{r[key]:7.0f}")
    total = r["forward"] + r["pass 1"] + r["pass 2"]
    print(f"  {'total':<13}{total:7.0f}  (forward + pass 1 + pass 2)")


if __name__ == "__main__":
    main()
