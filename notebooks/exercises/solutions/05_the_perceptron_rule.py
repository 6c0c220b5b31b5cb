"""Worked solutions of exercises 05 (the perceptron rule): try the tasks first."""

# %% Task 5.1
def predict(w, b, x):
    # the step function with the strict '>': a net input of exactly 0 is class 0
    return 1 if np.dot(w, x) + b > 0 else 0


# %% Task 5.2
def perceptron_update(w, b, x, y, eta):
    # predict with the current weights; y - y_hat is 0 (right), +1 (said 0 for a 1: add x)
    # or -1 (said 1 for a 0: subtract x)
    error = y - predict(w, b, x)
    return w + eta * error * x, b + eta * error     # new objects: w itself is not changed


# %% Task 5.3
def train(X, y, eta=1.0, epochs=100):
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    w, b = np.zeros(X.shape[1]), 0.0
    for epoch in range(1, epochs + 1):
        mistakes = 0
        for x_i, y_i in zip(X, y):                  # the rows in order, every epoch
            mistakes += predict(w, b, x_i) != y_i   # counted before the update
            w, b = perceptron_update(w, b, x_i, y_i, eta)
        if mistakes == 0:                           # this epoch changed nothing: done
            return w, b, epoch
    return w, b, epochs


# %% Task 5.4
xor_result = train(X_xor, y_xor, eta=1.0, epochs=50)
print("n_epochs:", xor_result[2])


# %% Task 5.5
# the weights after each epoch k (train with epochs=k stops after epoch k, as long as it has
# not converged, which on XOR it never does); stop at the first repeat
after = {}
cycle = None
for k in range(1, 51):
    w, b, _ = train(X_xor, y_xor, eta=1.0, epochs=k)
    state = (*w.tolist(), b)
    if state in after:
        cycle = (after[state], k)
        break
    after[state] = k
print("cycle:", cycle)


# %% Task 5.6
# the line x1 + x2 = 1.5 has (1, 1) alone on one side; NAND wants that corner to be 0 and the
# other three 1, so w·x + b must be positive below the line: w = (-1, -1), b = 1.5.
# The net inputs on (0,0), (0,1), (1,0), (1,1) are 1.5, 0.5, 0.5, -0.5: all at least 0.5 away.
w_nand = np.array([-1.0, -1.0])
b_nand = 1.5
