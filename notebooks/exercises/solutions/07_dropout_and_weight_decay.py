"""Worked solutions of exercises 07 (dropout and weight decay): try the tasks first."""

# %% Task 7.1
def inverted_dropout(x, mask, p):
    # keep the units where mask == 1, zero the others, and divide the kept ones by the keep
    # probability 1 - p, so that the average output is x
    return np.asarray(x) * np.asarray(mask) / (1 - p)


# %% Task 7.2
def dropout_average(x, p, n_masks, rng):
    total = np.zeros(np.shape(x))
    for _ in range(n_masks):
        # a unit is dropped when its uniform number is below p, kept (probability 1 - p) otherwise
        mask = (rng.random(np.shape(x)) >= p).astype(float)
        total += inverted_dropout(x, mask, p)
    return total / n_masks


# %% Task 7.3
def predict(model, x):
    model.eval()                # every Dropout becomes the identity
    out = model(x).data
    model.train()               # back to training mode for the next training step
    return out


# %% Task 7.4
def l2_gradient(W, dL_dW, lam):
    # d/dW of (lam/2) * sum(w_ij^2) is lam * W: the 1/2 cancels the 2 of the square
    return dL_dW + lam * W


# %% Task 7.5
def sgd_step(W, b, dL_dW, dL_db, lr, lam):
    W_new = W - lr * (dL_dW + lam * W)      # = (1 - lr * lam) * W - lr * dL_dW
    b_new = b - lr * dL_db                  # no decay for the bias
    return W_new, b_new


# %% Task 7.6
def l1_gradient(W, dL_dW, lam):
    # d|w|/dw = sign(w), and np.sign(0) = 0 is the engine's choice at the kink
    return dL_dW + lam * np.sign(W)
