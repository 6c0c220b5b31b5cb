"""Pictures of what the engine computes.

Graphs (needs the Graphviz ``dot`` program for rendering)::

    from viz import draw_graph, render_graph, to_svg
    draw_graph(loss)                      # inline SVG in Jupyter
    render_graph(loss, "loss.svg", names=model, color_by="grad")

Stepping through backpropagation node by node (a self-contained web page; Jupyter shows it
inline)::

    from viz import explore, explain_grad
    explore(loss, names=model)            # or .save("loss.html")
    print(explain_grad(loss, w))          # every path from loss to w, summing to w's gradient

Teaching plots (matplotlib, ``pip install gradbook[plots]``): :func:`plot_activation`,
:func:`plot_history`, :func:`plot_decision_boundary`, :func:`plot_gradient_flow`,
:func:`plot_loss_surface`; each returns a matplotlib ``Figure``. Labels may be in any language:
importing viz after matplotlib (or drawing any of these plots) adds a CJK font to matplotlib's
fallback list (:mod:`viz.fonts`), so Chinese text draws as Chinese, not as empty boxes.
"""

from .collapse import Box, Collapse, layer_key, module_key
from .dot import INSTALL_HELP, GradbookDigraph, GraphvizNotFoundError
from .explore import EXPLORE_MAX_NODES, Explorer, GradExplanation, explain_grad, explore
from .fonts import configure_if_loaded, use_cjk_fallback
from .graph import GRAD_SCALE, draw_graph, grad_color, render_graph, to_svg
from .plots import (
    plot_activation,
    plot_decision_boundary,
    plot_gradient_flow,
    plot_history,
    plot_loss_surface,
)

__all__ = [
    "EXPLORE_MAX_NODES", "GRAD_SCALE", "INSTALL_HELP", "Box", "Collapse", "Explorer",
    "GradExplanation", "GradbookDigraph", "GraphvizNotFoundError", "draw_graph",
    "explain_grad", "explore", "grad_color", "layer_key", "module_key", "plot_activation",
    "plot_decision_boundary", "plot_gradient_flow", "plot_history", "plot_loss_surface",
    "render_graph", "to_svg", "use_cjk_fallback",
]

configure_if_loaded()
