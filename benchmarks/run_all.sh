#!/usr/bin/env bash
# Runs every benchmark with the interpreter of the benchmark environment (.bench-venv, made by
# `make bench`), which has micrograd and PyTorch besides gradbook; the project's own .venv has
# neither. Figures go to stdout; copy them into benchmarks/README.md with the date and machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY="${PYTHON:-python}"
echo "== machine: $(nproc) cores, $(uname -m), $("$PY" --version 2>&1)"
echo "== scalar engine vs micrograd (bench_scalar.py)"
"$PY" benchmarks/bench_scalar.py --nn --repeats 11
echo "== where the scalar engine's time goes, per node (breakdown_scalar.py)"
"$PY" benchmarks/breakdown_scalar.py
"$PY" benchmarks/breakdown_scalar.py --scaling
echo "== Tensor MLP epoch vs numpy by hand and PyTorch (bench_tensor.py)"
"$PY" benchmarks/bench_tensor.py --repeats 11
"$PY" benchmarks/bench_tensor.py --repeats 11 --batch 32 --no-memory
echo "== ONNX export, safetensors and onnxruntime vs gradbook (bench_export.py)"
# onnx, onnxruntime and safetensors are in the project's .venv (the export extra), not in .bench-venv
.venv/bin/python benchmarks/bench_export.py --repeats 11
