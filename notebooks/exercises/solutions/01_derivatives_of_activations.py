"""Worked solutions of exercises 01 (derivatives of activations): try the tasks first."""


# %% Task 1.1
def dsigmoid(x):
    # σ = (1 + e^-x)^-1, so σ' = (1 + e^-x)^-2 · e^-x = σ · e^-x / (1 + e^-x).
    # And e^-x / (1 + e^-x) = 1 - 1/(1 + e^-x) = 1 - σ. So σ' = σ(1 - σ), at most 1/4 (at 0).
    s = sigma(x)
    return s * (1 - s)


# %% Task 1.2
def dtanh(x):
    # quotient rule: ((e^x + e^-x)² - (e^x - e^-x)²) / (e^x + e^-x)² = 1 - tanh² x,
    # at most 1 (at 0): four times the sigmoid's largest slope
    t = math.tanh(x)
    return 1 - t * t


# %% Task 1.3
def dsoftplus(x):
    # d/dx log(1 + e^x) = e^x / (1 + e^x) = 1 / (e^-x + 1) = σ(x):
    # a smooth step, just as ReLU's derivative is the step function
    return sigma(x)


# %% Task 1.4
C = math.sqrt(2 / math.pi)
A = 0.044715


def dgelu_tanh(x):
    # g = ½ x (1 + tanh u), u = C (x + A x³).
    # product rule: g' = ½ (1 + tanh u) + ½ x · d/dx tanh u
    # chain rule:   d/dx tanh u = (1 - tanh² u) · u',  u' = C (1 + 3 A x²)
    u = C * (x + A * x**3)
    t = math.tanh(u)
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * C * (1 + 3 * A * x * x)


# %% Task 1.5
def dleaky_relu(x):
    # slope 1 on the right, γ on the left. relu'(0) = 0 is ReLU's left slope, so the rule is
    # "at the kink, take the left piece's slope": leaky_relu'(0) = γ. Hence x > 0, strictly.
    return 1.0 if x > 0 else 0.1


# %% Task 1.6
def dtanh_of_square(x):
    # outer = tanh, inner = x²: tanh'(x²) · 2x = (1 - tanh²(x²)) · 2x
    t = math.tanh(x * x)
    return (1 - t * t) * 2 * x


# %% Task 1.7
def dlog_sigmoid(x):
    # outer = log, inner = σ: (1/σ) · σ(1 - σ) = 1 - σ(x)  (which also equals σ(-x))
    return 1 - sigma(x)
