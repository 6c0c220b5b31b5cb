"""Worked solutions of exercises 09 (softmax and cross-entropy): try the tasks first."""

# %% Task 9.1
def softmax(Z):
    Z = np.asarray(Z, dtype=float)
    # subtracting each row's max changes nothing (e^-m cancels) and makes every exponent <= 0
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


# %% Task 9.2
def log_softmax(Z):
    Z = np.asarray(Z, dtype=float)
    shifted = Z - Z.max(axis=1, keepdims=True)          # every entry <= 0, one of them 0
    # the sum is at least e^0 = 1, so its log is finite
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


# %% Task 9.3
def cross_entropy(Z, labels):
    log_p = log_softmax(Z)
    rows = np.arange(len(labels))
    # -log p of each sample's true class, averaged over the batch
    return -log_p[rows, labels].mean()


# %% Task 9.4
def cross_entropy_grad(Z, labels):
    P = softmax(Z)
    Y = np.zeros_like(P)
    Y[np.arange(len(labels)), labels] = 1.0             # one-hot labels
    # each sample contributes p - y; the mean over the batch divides by B
    return (P - Y) / len(labels)


# %% Task 9.5
def softplus(t):
    # log(1 + e^t) = max(t, 0) + log(1 + e^-|t|): the exponent is never positive
    return np.maximum(t, 0.0) + np.log1p(np.exp(-np.abs(t)))


def bce_with_logits(z, y):
    # -log sigma(z) = log(1 + e^-z) = softplus(-z), -log(1 - sigma(z)) = softplus(z)
    return np.mean(y * softplus(-z) + (1 - y) * softplus(z))


# %% Task 9.6
def bce_with_logits_grad(z, y):
    # a stable sigmoid: 1 / (1 + e^-z) for z >= 0, e^z / (1 + e^z) for z < 0
    e = np.exp(-np.abs(z))
    sigma = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    return (sigma - y) / len(z)
