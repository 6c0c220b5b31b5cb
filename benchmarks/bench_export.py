"""Taking a model elsewhere: ONNX export and safetensors files of an MLP 784-256-256-10, and
the exported graph's forward pass in onnxruntime against gradbook's, measured in one run.

The model is ``nn.mlp([784, 256, 256, 10])`` (ReLU, seed 0). The report gives:

* the size of the ONNX file (float32 and float64) and of the safetensors file;
* the time to export (``nn.onnx.export``, the graph built, checked with
  ``onnx.checker.check_model(full_check=True)`` and written; the first export also pays for
  importing onnx, reported apart) and to save the safetensors file;
* the forward pass of a batch of 256 rows: onnxruntime (CPU execution provider, float32 and
  float64 graphs) against gradbook's Tensor forward under ``no_grad`` (float64, gradbook's
  dtype), repeats interleaved so that machine noise hits both alike, as medians and as the
  ratio gradbook / onnxruntime; and the largest difference between their outputs.

numpy and onnxruntime use the same number of threads (1 by default, ``--threads 2``).

Run (onnx, onnxruntime and safetensors are in the project's .venv):
    .venv/bin/python benchmarks/bench_export.py
    .venv/bin/python benchmarks/bench_export.py --repeats 21 --threads 2
"""

from __future__ import annotations

# isort: split
import argparse
import pathlib
import statistics
import sys
import tempfile
import time

import numpy as np

import nn
from autograd import Tensor, no_grad


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=11)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch", type=int, default=256)
    args = parser.parse_args()
    import onnxruntime as ort

    model = nn.mlp([784, 256, 256, 10], activation="relu", seed=0).eval()
    x = np.random.default_rng(0).standard_normal((args.batch, 784))
    with tempfile.TemporaryDirectory() as tmp:
        folder = pathlib.Path(tmp)
        t0 = time.perf_counter()
        import onnx  # noqa: F401 - timed apart: the first export pays for it
        import_s = time.perf_counter() - t0
        export_s, sizes = {}, {}
        for name, dtype in (("float32", np.float32), ("float64", np.float64)):
            times = []
            for k in range(max(3, args.repeats // 3)):
                path = folder / f"m{k}-{name}.onnx"
                t0 = time.perf_counter()
                nn.onnx.export(model, x[:1], path, dtype=dtype)
                times.append(time.perf_counter() - t0)
            export_s[name] = statistics.median(times)
            sizes[name] = path.stat().st_size
        t0 = time.perf_counter()
        model.save(folder / "m.safetensors")
        save_s = time.perf_counter() - t0
        sizes["safetensors"] = (folder / "m.safetensors").stat().st_size

        options = ort.SessionOptions()
        options.intra_op_num_threads = args.threads
        options.inter_op_num_threads = 1
        sessions = {
            name: ort.InferenceSession(str(folder / f"m0-{name}.onnx"), options,
                                       providers=["CPUExecutionProvider"])
            for name in ("float32", "float64")
        }
        inputs = {"float32": x.astype(np.float32), "float64": x}

        def run_ort(name: str) -> np.ndarray:
            return sessions[name].run(None, {"input": inputs[name]})[0]

        def run_gradbook() -> np.ndarray:
            with no_grad():
                return model(Tensor(x)).data

        for name in sessions:  # warm-up: first runs allocate
            run_ort(name)
        run_gradbook()
        timings: dict[str, list[float]] = {"gradbook": [], "float32": [], "float64": []}
        for _ in range(args.repeats):
            for name, fn in (("gradbook", run_gradbook), ("float32", lambda: run_ort("float32")),
                             ("float64", lambda: run_ort("float64"))):
                t0 = time.perf_counter()
                fn()
                timings[name].append(time.perf_counter() - t0)
        reference = run_gradbook()
        diff32 = float(np.max(np.abs(run_ort("float32") - reference)))
        diff64 = float(np.max(np.abs(run_ort("float64") - reference)))

    med = {k: statistics.median(v) for k, v in timings.items()}
    print(f"nn.mlp([784, 256, 256, 10]), batch {args.batch}, {args.threads} thread(s), "
          f"{args.repeats} repeats")
    print(f"  import onnx (once):            {import_s * 1e3:8.1f} ms")
    for name in ("float32", "float64"):
        print(f"  export {name} (median):       {export_s[name] * 1e3:8.1f} ms, "
              f"file {sizes[name]:,} bytes")
    print(f"  save safetensors (float64):    {save_s * 1e3:8.1f} ms, "
          f"file {sizes['safetensors']:,} bytes")
    print(f"  forward gradbook (float64):    {med['gradbook'] * 1e3:8.2f} ms")
    for name in ("float32", "float64"):
        print(f"  forward onnxruntime {name}:  {med[name] * 1e3:8.2f} ms  "
              f"(gradbook / onnxruntime = {med['gradbook'] / med[name]:.1f}x)")
    print(f"  largest |difference| from gradbook: float32 {diff32:.2g}, float64 {diff64:.2g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
