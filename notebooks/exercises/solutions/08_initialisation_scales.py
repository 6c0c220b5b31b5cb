"""Worked solutions of exercises 08 (initialisation scales): try the tasks first."""

# %% Task 8.1
def fans(shape):
    out_features, in_features = shape       # a Linear weight is stored as [out, in]
    return in_features, out_features


# %% Task 8.2
def xavier_uniform_bound(fan_in, fan_out, gain=1.0):
    # Var(w) = gain^2 * 2 / (fan_in + fan_out), and U(-a, a) has variance a^2 / 3,
    # so a^2 = 3 * gain^2 * 2 / (fan_in + fan_out)
    return gain * math.sqrt(6 / (fan_in + fan_out))


# %% Task 8.3
def xavier_normal_std(fan_in, fan_out, gain=1.0):
    return gain * math.sqrt(2 / (fan_in + fan_out))


# %% Task 8.4
def he_normal_std(fan_in):
    # Var(w) = gain^2 / fan_in with the ReLU gain sqrt(2): std = sqrt(2) / sqrt(fan_in)
    return math.sqrt(2) / math.sqrt(fan_in)


def he_uniform_bound(fan_in):
    # the same variance from U(-a, a): a = sqrt(3) * std = sqrt(2) * sqrt(3 / fan_in)
    return math.sqrt(2) * math.sqrt(3 / fan_in)


# %% Task 8.5
def variance_factor(std, n):
    # Var(z^l) = n * std^2 * E[relu(z^(l-1))^2] = n * std^2 * Var(z^(l-1)) / 2
    return n * std**2 / 2


# %% Task 8.6
# with std = 1/sqrt(n) each layer multiplies the variance by n * (1/n) / 2 = 1/2, and there are
# 20 layers from z^1 to z^21
ratio_20 = 0.5**20
