"""The thread count a benchmark runs with, set before numpy (or torch) is imported.

BLAS and OpenMP read their thread counts when their libraries load, so a benchmark imports this
module first: it takes ``--threads N`` (or ``--threads=N``) from the command line, 1 by
default, and exports it to every library's variable.
"""

from __future__ import annotations

import os
import sys

THREADS = "1"
for _i, _arg in enumerate(sys.argv):
    if _arg == "--threads" and _i + 1 < len(sys.argv):
        THREADS = sys.argv[_i + 1]
    elif _arg.startswith("--threads="):
        THREADS = _arg.split("=", 1)[1]
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = THREADS
