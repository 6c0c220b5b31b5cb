"""Worked solutions of exercises 04 (BP1 to BP4 in numpy): try the tasks first."""

# %% Task 4.1
def sigma_prime(z):
    s = sigma(z)          # works on numbers and, element by element, on arrays
    return s * (1 - s)


# %% Task 4.2
def forward(X):
    # one sample per row: z = W a + b for every row a is A @ W.T + b (b broadcasts over rows)
    Z1 = X @ W1.T + b1
    A1 = sigma(Z1)
    Z2 = A1 @ W2.T + b2
    A2 = sigma(Z2)
    return Z1, A1, Z2, A2


# %% Task 4.3
def loss(A2, Y):
    # ½ times the squared error summed over the outputs of a sample, then the mean over samples
    return 0.5 * np.sum((Y - A2) ** 2) / len(A2)


# %% Task 4.4
def output_delta(Z2, A2, Y):
    # BP1 for every row: ∇_a C_x = a − y (the ½ cancels the 2), times σ'(z) element by element.
    # No 1/B here: row x is sample x's own error dC_x/dz.
    return (A2 - Y) * sigma_prime(Z2)


# %% Task 4.5
def hidden_delta(Delta2, Z1):
    # BP2: for one sample (W2ᵀ δ2) has shape (4,); for the rows of Delta2 (B, 2) that is
    # Delta2 @ W2, shape (B, 4): row x is (W2ᵀ δ2_x)ᵀ. Then ⊙ σ'(z1), element by element.
    return (Delta2 @ W2) * sigma_prime(Z1)


# %% Task 4.6
def bias_grads(Delta1, Delta2):
    # BP3 per sample (dC_x/db = δ_x), averaged over the samples as C is
    return Delta1.mean(axis=0), Delta2.mean(axis=0)


# %% Task 4.7
def weight_grads(Delta1, Delta2, X, A1):
    # BP4 per sample is the outer product δ_x a_xᵀ; summed over the samples that is Δᵀ A,
    # shape (out, in) like W; the average divides by B
    n = len(Delta1)
    return Delta1.T @ X / n, Delta2.T @ A1 / n


# %% Task 4.8
def gradients(X, Y):
    Z1, A1, Z2, A2 = forward(X)           # keeping Z and A of every layer
    Delta2 = output_delta(Z2, A2, Y)      # BP1
    Delta1 = hidden_delta(Delta2, Z1)     # BP2
    # BP3, BP4, with the functions above: they average over THIS batch (len(X), not B)
    dC_db1, dC_db2 = bias_grads(Delta1, Delta2)
    dC_dW1, dC_dW2 = weight_grads(Delta1, Delta2, X, A1)
    return dC_dW1, dC_db1, dC_dW2, dC_db2
