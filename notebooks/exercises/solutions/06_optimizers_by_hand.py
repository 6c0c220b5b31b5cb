"""Worked solutions of exercises 06 (optimizers by hand): try the tasks first."""

# %% Task 6.1
def grad_f(w):
    # ∂/∂w_k of ½ Σ_ij A_ij w_i w_j is ½ (Σ_j A_kj w_j + Σ_i A_ik w_i) = (A w)_k for a symmetric
    # A (the ½ cancels the two equal terms); the linear term −bᵀw contributes −b_k
    return A @ w - b


# %% Task 6.2
def sgd_momentum_step(w, v, g, lr, mu, nesterov=False):
    v = mu * v + g                       # the buffer first (with v = 0 the first step gives g)
    step = g + mu * v if nesterov else v  # Nesterov looks ahead with the new buffer
    return w - lr * step, v


# %% Task 6.3
def rmsprop_step(w, s, g, lr, alpha, eps):
    s = alpha * s + (1 - alpha) * g**2               # running average of g², per coordinate
    return w - lr * g / (np.sqrt(s) + eps), s        # eps after the square root


# %% Task 6.4
def adam_step(w, m, s, g, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g**2
    m_hat = m / (1 - beta1**t)           # the corrections undo the zero start of m and s:
    s_hat = s / (1 - beta2**t)           # at t = 1, m_hat = g and s_hat = g²
    return w - lr * m_hat / (np.sqrt(s_hat) + eps), m, s     # the raw m, s carry over


# %% Task 6.5
def adamw_step(w, m, s, g, t, lr, beta1, beta2, eps, weight_decay):
    # decoupled decay: shrink the weights first, then an Adam step with the loss gradient g
    # (λw is not added to g, so it is not divided by √ŝ)
    return adam_step((1 - lr * weight_decay) * w, m, s, g, t, lr, beta1, beta2, eps)


# %% Task 6.6
# GD: each step keeps 1 − 0.015·1 = 98.5 % of the distance along the flat w1 (and
# |1 − 0.015·100| = 50 % along w2), so after 20 steps the w2 part is gone and the loss is about
# ½·0.985⁴⁰ ≈ 0.27; to get below 1e-3 it needs 0.985^(2k) < 2e-3, k > 200 steps: too many.
# Momentum 0.9: both directions oscillate and shrink by √0.9 ≈ 0.95 per step; early on the steep
# direction's swings (curvature 100) keep its loss high, but 0.95ᵏ wins well within 100 steps.
# (Checked with the runs: your sgd_momentum_step with mu=0 and mu=0.9, gradient (w1, 100 w2).)
lower_at_20 = "GD"
first_below = "momentum"
