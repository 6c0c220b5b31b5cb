"""One epoch of an MLP 784-256-10 on 60,000 random inputs: gradbook Tensors vs numpy vs PyTorch.

The network: Linear(784, 256) -> ReLU -> Linear(256, 10), softmax cross-entropy computed through
log_softmax, plain SGD (lr 0.1), mini-batches of 256 in order (the last one has 96 rows), on
60,000 random float32 inputs with integer labels (fixed seed). Every contender starts from the
same float32 weights and does the same arithmetic:

* ``gradbook``: the network written with ``autograd.Tensor`` ops, ``loss.backward()`` and an
  in-place update of ``.data``;
* ``numpy``: the forward and backward pass written out by hand, no graph at all: the physical
  limit of any numpy-based engine;
* ``torch``: the same network in PyTorch on the CPU (skipped when torch is not importable).

All of them use the same number of BLAS/OpenMP threads (1 by default, ``--threads 2``); the
repeats are interleaved (g, n, t, g, n, t, ...) so that machine noise hits every contender
alike, and the report gives the median epoch time (and the ratio of the fastest epochs, which
concurrent load on the machine disturbs least). Peak memory is the peak resident set size
(VmHWM in /proc/self/status, Linux) of a fresh subprocess per contender that builds the data,
imports its library and runs one epoch: the table shows that peak and the epoch's share of it
(the peak minus the RSS just before the epoch started).

Run:
    .bench-venv/bin/python benchmarks/bench_tensor.py                  # 1 thread, 5 repeats
    .bench-venv/bin/python benchmarks/bench_tensor.py --threads 2 --repeats 7
    .bench-venv/bin/python benchmarks/bench_tensor.py --profile        # cProfile of gradbook
"""

from __future__ import annotations

from threads import THREADS  # first: BLAS and OpenMP read the thread count as numpy loads

# isort: split
import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np

N, D, H, C = 60_000, 784, 256, 10
BATCH, LR, SEED = 256, 0.1, 0


def make_data(n: int = N) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(SEED)
    x = rng.random((n, D), dtype=np.float32)  # no float64 temporary
    y = rng.integers(0, C, n)
    return x, y


def init_weights() -> list[np.ndarray]:
    """Kaiming-uniform weights and zero biases, float32, the same for every contender."""
    rng = np.random.default_rng(SEED + 1)
    w1 = rng.uniform(-1, 1, (D, H)).astype(np.float32) * np.float32(np.sqrt(6 / D))
    w2 = rng.uniform(-1, 1, (H, C)).astype(np.float32) * np.float32(np.sqrt(6 / H))
    return [w1, np.zeros(H, np.float32), w2, np.zeros(C, np.float32)]


def batches(x: np.ndarray, y: np.ndarray, limit: int | None = None):
    eye = np.eye(C, dtype=np.float32)
    stops = range(0, len(x), BATCH)
    for k, i in enumerate(stops):
        if limit is not None and k >= limit:
            return
        yield x[i : i + BATCH], y[i : i + BATCH], eye[y[i : i + BATCH]]


# --- the contenders: each returns (run_epoch(limit=None) -> final loss, final weights) --------


def gradbook_epoch(x: np.ndarray, y: np.ndarray):
    from autograd import Tensor, as_tensor

    params = [Tensor(w, requires_grad=True) for w in init_weights()]
    w1, b1, w2, b2 = params

    def run(limit: int | None = None) -> float:
        loss = None
        for xb, _, onehot in batches(x, y, limit):
            h = (as_tensor(xb) @ w1 + b1).relu()
            logp = (h @ w2 + b2).log_softmax()
            loss = (logp * onehot).sum() * (-1.0 / len(xb))
            for p in params:
                p.grad = None
            loss.backward()
            for p in params:
                p.data -= LR * p.grad
        return float(loss.item())

    return run, params


def numpy_epoch(x: np.ndarray, y: np.ndarray):
    params = init_weights()
    w1, b1, w2, b2 = params

    def run(limit: int | None = None) -> float:
        loss = None
        for xb, _, onehot in batches(x, y, limit):
            n = len(xb)
            z1 = xb @ w1
            z1 += b1
            h = np.maximum(z1, 0)
            z2 = h @ w2
            z2 += b2
            m = z2.max(axis=1, keepdims=True)
            e = np.exp(z2 - m)
            se = e.sum(axis=1, keepdims=True)
            logp = z2 - m - np.log(se)
            loss = -(logp * onehot).sum() / n
            g2 = (e / se - onehot) * np.float32(1.0 / n)  # d loss / d z2 = softmax - onehot
            gw2 = h.T @ g2
            gb2 = g2.sum(axis=0)
            gh = g2 @ w2.T
            gh *= z1 > 0
            gw1 = xb.T @ gh
            gb1 = gh.sum(axis=0)
            for p, gp in zip(params, (gw1, gb1, gw2, gb2)):
                p -= LR * gp  # in place
        return float(loss)

    return run, params


def torch_epoch(x: np.ndarray, y: np.ndarray):
    import torch

    torch.set_num_threads(int(THREADS))
    params = [torch.tensor(w, requires_grad=True) for w in init_weights()]
    w1, b1, w2, b2 = params
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def run(limit: int | None = None) -> float:
        loss = None
        for k, i in enumerate(range(0, len(xt), BATCH)):
            if limit is not None and k >= limit:
                break
            xb, yb = xt[i : i + BATCH], yt[i : i + BATCH]
            h = (xb @ w1 + b1).relu()
            logp = (h @ w2 + b2).log_softmax(dim=1)
            loss = torch.nn.functional.nll_loss(logp, yb)
            for p in params:
                p.grad = None
            loss.backward()
            with torch.no_grad():
                for p in params:
                    p -= LR * p.grad
        return float(loss.item())

    return run, [p.detach().numpy() for p in params]


CONTENDERS = {"gradbook": gradbook_epoch, "numpy": numpy_epoch, "torch": torch_epoch}


def available() -> list[str]:
    names = ["gradbook", "numpy"]
    try:
        import torch  # noqa: F401

        names.append("torch")
    except ImportError:
        pass
    return names


def _weights_of(params) -> list[np.ndarray]:
    return [p.data if hasattr(p, "_is_tensor") else np.asarray(p) for p in params]


# --- measurements --------------------------------------------------------------------------


def check_agreement(x, y) -> None:
    """The contenders compute the same thing: same weights after 20 steps (float32 noise)."""
    ref = None
    for name in available():
        run, params = CONTENDERS[name](x, y)
        run(limit=20)
        ws = _weights_of(params)
        if ref is None:
            ref = ws
            continue
        # numpy by hand does gradbook's arithmetic; torch sums in orders of its own (float32)
        atol = 1e-5 if name == "numpy" else 1e-4
        for a, b in zip(ref, ws):
            if not np.allclose(a, b, rtol=1e-3, atol=atol):
                raise SystemExit(f"{name} disagrees with gradbook: max diff {np.abs(a - b).max()}")


def time_epochs(x, y, names: list[str], repeats: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {n: [] for n in names}
    losses = {}
    for _ in range(repeats):
        for name in names:
            run, _ = CONTENDERS[name](x, y)
            run(limit=3)  # warm up (allocator, BLAS buffers, torch's first-call costs)
            run, _ = CONTENDERS[name](x, y)
            gc.collect()
            t0 = time.perf_counter()
            losses[name] = run()
            times[name].append(time.perf_counter() - t0)
    print("final loss of the epoch: " + ", ".join(f"{n} {v:.4f}" for n, v in losses.items()))
    return times


def _status_kib(field: str) -> int:
    """A memory figure of this process from /proc/self/status (Linux), in KiB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def peak_rss(name: str) -> dict[str, float]:
    """Peak RSS of a process that builds the data and runs one epoch, and how far the epoch
    took it above the RSS it started from (MiB; call it in a fresh child process).

    VmHWM, not ``getrusage().ru_maxrss``: Linux carries ru_maxrss over fork and exec, so a
    child would report its parent's peak; VmHWM belongs to the child's own address space."""
    x, y = make_data()
    run, _ = CONTENDERS[name](x, y)  # imports the library, builds the weights
    gc.collect()
    before = _status_kib("VmRSS")
    run()
    peak = _status_kib("VmHWM")
    return {"peak_rss_mib": peak / 1024, "epoch_growth_mib": (peak - before) / 1024}


def memory_in_subprocesses(names: list[str]) -> dict[str, dict[str, float]]:
    out = {}
    for name in names:
        res = subprocess.run(
            [sys.executable, __file__, "--threads", THREADS, "--batch", str(BATCH),
             "--memory-of", name],
            capture_output=True, text=True, check=True,
        )
        out[name] = json.loads(res.stdout.strip().splitlines()[-1])
    return out


def machine() -> str:
    lines = [f"python {platform.python_version()}, numpy {np.__version__}, nproc {os.cpu_count()}"]
    try:
        import torch

        lines[0] += f", torch {torch.__version__}"
    except ImportError:
        pass
    try:
        from threadpoolctl import threadpool_info

        for info in threadpool_info():
            lines.append(
                f"  {info['internal_api']} {info.get('version')} "
                f"({info.get('architecture', '-')}), {info['num_threads']} thread(s)"
            )
    except ImportError:
        cfg = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        lines.append(f"  blas: {cfg.get('name')} {cfg.get('version')}")
    coretype = os.environ.get("OPENBLAS_CORETYPE")
    if coretype:
        lines.append(f"  OPENBLAS_CORETYPE={coretype} (set by the environment, left as is)")
    return "\n".join(lines)


def profile(x, y) -> None:
    import cProfile
    import pstats

    run, _ = gradbook_epoch(x, y)
    run(limit=3)
    run, _ = gradbook_epoch(x, y)
    prof = cProfile.Profile()
    prof.enable()
    run()
    prof.disable()
    pstats.Stats(prof).sort_stats("tottime").print_stats(25)


def main() -> None:
    global BATCH
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP threads for everyone")
    ap.add_argument("--batch", type=int, default=BATCH, help="mini-batch size (default 256)")
    ap.add_argument("--repeats", type=int, default=5, help="timed epochs per contender")
    ap.add_argument("--only", nargs="*", help="contenders to run (default: all available)")
    ap.add_argument("--no-memory", action="store_true", help="skip the peak-memory subprocesses")
    ap.add_argument("--profile", action="store_true", help="cProfile one gradbook epoch")
    ap.add_argument("--memory-of", help=argparse.SUPPRESS)
    args = ap.parse_args()
    BATCH = args.batch

    if args.memory_of:
        print(json.dumps(peak_rss(args.memory_of)))
        return

    if args.profile:
        profile(*make_data())
        return
    names = [n for n in available() if not args.only or n in args.only]
    print(machine())
    print(f"MLP {D}-{H}-{C}, {N} samples, batch {BATCH}, float32, {args.threads} thread(s), "
          f"{args.repeats} interleaved repeats")
    memory = {} if args.no_memory else memory_in_subprocesses(names)
    x, y = make_data()
    check_agreement(x, y)
    times = time_epochs(x, y, names, args.repeats)

    med = {n: statistics.median(ts) for n, ts in times.items()}
    print(f"\n{'contender':<10}{'median s':>10}{'min s':>9}{'max s':>9}"
          f"{'peak RSS MiB':>14}{'epoch +MiB':>12}")
    for n in names:
        m = memory.get(n)
        mem_s = (f"{m['peak_rss_mib']:14.1f}{m['epoch_growth_mib']:12.1f}" if m
                 else f"{'-':>14}{'-':>12}")
        print(f"{n:<10}{med[n]:10.3f}{min(times[n]):9.3f}{max(times[n]):9.3f}{mem_s}")
    if "gradbook" in med:
        targets = {"numpy": 1.10 if BATCH >= 256 else 1.3, "torch": 1.0}
        for other, target in targets.items():
            if other in med:
                ratio = med["gradbook"] / med[other]
                best = min(times["gradbook"]) / min(times[other])
                if args.threads == 1:  # the targets are set for one thread
                    verdict = "meets" if ratio <= target else "misses"
                    verdict = f"({verdict} the target <= {target})"
                else:
                    verdict = "(the targets are for 1 thread)"
                print(f"gradbook / {other}: {ratio:.3f} by medians, {best:.3f} by minimums "
                      f"{verdict}")


if __name__ == "__main__":
    main()
