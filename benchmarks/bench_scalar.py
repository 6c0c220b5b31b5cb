"""micrograd's demo step, timed in gradbook and in micrograd in the same process.

The step: MLP(2, [16, 16, 1]) on 100 two-moons points, max-margin (hinge) loss plus L2
regularisation, one forward + backward + SGD update, exactly as in micrograd's demo notebook.
Both engines run the *same* model code (written below against micrograd's API), so the ratio
measures the engines; ``--nn`` also times gradbook's own ``nn.MLP``.

A step is timed from building the loss to the end of the update; its graph is dropped after the
clock stops, for every contender, and the cost of freeing it is timed apart (micrograd's graph,
every node in a reference cycle, can only be freed by the garbage collector; gradbook's is freed
by reference counting). The report gives the ratios without the freeing, with it, and as the
benchmark timed them before (gradbook's freeing inside the clock, micrograd's outside).

Run (micrograd must be importable; it is never a gradbook dependency):
    make bench                    # or: .bench-venv/bin/python benchmarks/bench_scalar.py
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import statistics
import sys
import time
import tracemalloc

import numpy as np


def moons(n: int = 100, noise: float = 0.1, seed: int = 1):
    rng = np.random.default_rng(seed)
    n_out, n_in = n // 2, n - n // 2
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    X = np.vstack([
        np.column_stack([np.cos(t_out), np.sin(t_out)]),
        np.column_stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5]),
    ]) + rng.normal(scale=noise, size=(n, 2))
    y = np.array([-1] * n_out + [1] * n_in)
    return X.tolist(), y.tolist()


def make_mlp(Value, nin, nouts, seed=1337):
    """micrograd's MLP, written once against an engine's Value class."""
    rnd = random.Random(seed)

    class Neuron:
        def __init__(self, nin, nonlin):
            self.w = [Value(rnd.uniform(-1, 1)) for _ in range(nin)]
            self.b = Value(0.0)
            self.nonlin = nonlin

        def __call__(self, x):
            act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
            return act.relu() if self.nonlin else act

        def parameters(self):
            return self.w + [self.b]

    class MLP:
        def __init__(self):
            sz = [nin] + nouts
            self.layers = [[Neuron(sz[i], i != len(nouts) - 1) for _ in range(sz[i + 1])]
                           for i in range(len(nouts))]

        def __call__(self, x):
            for layer in self.layers:
                out = [n(x) for n in layer]
                x = out[0] if len(out) == 1 else out
            return x

        def parameters(self):
            return [p for layer in self.layers for n in layer for p in n.parameters()]

    return MLP()


def loss_fn(Value, model, X, y):
    inputs = [list(map(Value, row)) for row in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum(p * p for p in model.parameters())
    return data_loss + reg_loss


def step(Value, model, params, X, y, lr=0.5):
    loss = loss_fn(Value, model, X, y)
    for p in params:
        p.grad = 0.0
    loss.backward()
    for p in params:
        p.data -= lr * p.grad
    return loss


def count_nodes(root):
    seen, stack = {root}, [root]
    while stack:
        n = stack.pop()
        for p in n._prev if hasattr(n, "_prev") else n.parents:
            if p not in seen:
                seen.add(p)
                stack.append(p)
    return len(seen)


def bytes_per_node(Value, model, X, y):
    gc.collect()
    tracemalloc.start()
    loss = loss_fn(Value, model, X, y)
    loss.backward()
    current, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    n = count_nodes(loss)
    return current / n, n


def timed(fn, gc_on):
    """Seconds for one step. The step's graph is dropped after the clock stops, for both
    engines: micrograd's graph (every node in a reference cycle) can only be freed by the
    collector, which the next gc.collect() does; gradbook's is freed by reference counting the
    moment it is dropped. Freeing is timed apart, by :func:`free_time`."""
    gc.collect()
    if not gc_on:
        gc.disable()
    try:
        t = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - t
    finally:
        gc.enable()
    del result
    return elapsed


def free_time(fn):
    """Seconds to free one step's graph: dropping it, then a full collection (which frees
    micrograd's cycles; gradbook's graph is already gone when it starts)."""
    gc.collect()
    result = fn()
    t = time.perf_counter()
    del result
    gc.collect()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--nn", action="store_true", help="also time gradbook's nn.MLP")
    args = ap.parse_args()
    from micrograd.engine import Value as MValue

    from autograd import Value as GValue

    X, y = moons()
    engines = {"micrograd": MValue, "gradbook": GValue}
    models = {k: make_mlp(V, 2, [16, 16, 1]) for k, V in engines.items()}
    params = {k: m.parameters() for k, m in models.items()}
    contenders = {k: (lambda k=k: step(engines[k], models[k], params[k], X, y)) for k in engines}
    if args.nn:
        from nn import MLP

        nn_model = MLP(2, [16, 16, 1], activation="relu")
        nn_params = nn_model.parameters()

        def nn_step():
            loss = loss_fn(GValue, nn_model, X, y)
            nn_model.zero_grad()
            loss.backward()
            for p in nn_params:
                p.data -= 0.5 * p.grad
            return loss

        contenders["gradbook nn.MLP"] = nn_step

    print(f"python {platform.python_version()} on {platform.machine()}, {platform.processor()}")
    results: dict = {}
    for gc_on in (True, False):
        times: dict = {k: [] for k in contenders}
        for _ in range(args.repeats):  # interleaved, so drifting machine load hits all alike
            for k, fn in contenders.items():
                times[k].append(timed(fn, gc_on))
        results[gc_on] = {k: statistics.median(v) for k, v in times.items()}
    for k in contenders:
        print(f"{k:>18}: step {results[True][k]*1e3:8.1f} ms (gc on)  "
              f"{results[False][k]*1e3:8.1f} ms (gc off during the step)")
    frees = {k: statistics.median(free_time(fn) for _ in range(5)) for k, fn in contenders.items()}
    for k in contenders:
        print(f"{k:>18}: freeing a step's graph (drop + gc.collect) {frees[k]*1e3:8.1f} ms")
    for gc_on in (True, False):
        r = results[gc_on]
        label = "on " if gc_on else "off"
        ratios = (f"{k} {r['micrograd'] / r[k]:.2f}x" for k in contenders if k != "micrograd")
        print(f"speed-up over micrograd, gc {label}: " + ", ".join(ratios))
    # the whole cost of a step: computing it, then freeing its graph
    for gc_on in (True, False):
        full = {k: results[gc_on][k] + frees[k] for k in contenders}
        label = "on " if gc_on else "off"
        ratios = (f"{k} {full['micrograd'] / full[k]:.2f}x" for k in contenders if k != "micrograd")
        print(f"speed-up counting the freeing too, gc {label}: " + ", ".join(ratios))
    # the benchmark's former timing: gradbook's graph freed inside the clock (reference
    # counting), micrograd's outside it (its cycles wait for the next gc.collect())
    for gc_on in (True, False):
        r = results[gc_on]
        label = "on " if gc_on else "off"
        ratios = (f"{k} {r['micrograd'] / (r[k] + frees[k]):.2f}x"
                  for k in contenders if k != "micrograd")
        print(f"speed-up, former timing, gc {label}: " + ", ".join(ratios))
    graphs = {k: (engines[k], models[k]) for k in engines}
    if args.nn:
        graphs["gradbook nn.MLP"] = (GValue, nn_model)
    for k, (V, model) in graphs.items():
        b, n = bytes_per_node(V, model, X, y)
        print(f"{k:>18}: {n} nodes, {b:.0f} bytes per node, {b * n / 2**20:.1f} MiB per graph "
              "(after backward, tracemalloc)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
