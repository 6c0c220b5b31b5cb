"""gradbook: a reverse-mode automatic-differentiation engine built to be read, run and trusted.

The engine lives in :mod:`autograd`, the neural-network modules in :mod:`nn` and the graph
rendering in :mod:`viz`. This small package holds the version and the ``gradbook`` command.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("gradbook")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.1.0"

__all__ = ["__version__"]
