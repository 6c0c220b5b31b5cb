"""Worked solutions of exercises 02 (backpropagation by hand): try the tasks first."""

# %% Task 2.1
n = x1 * w1 + x2 * w2 + b   # 2·(−3) + 0·1 + 6.88… = ln(1 + √2)
o = math.tanh(n)            # = 1/√2

# %% Task 2.2
# d tanh(n)/dn = 1 − tanh(n)², and tanh(n) is o, which the forward pass already computed
do_dn = 1 - o**2

# %% Task 2.3
# n = x1·w1 + x2·w2 + b: the + nodes pass do/dn through unchanged to each product and to b;
# a product sends each factor the gradient times the OTHER factor
do_dw1 = do_dn * x1
do_dx1 = do_dn * w1
do_dw2 = do_dn * x2         # 0: x2 = 0, so nudging w2 changes nothing
do_dx2 = do_dn * w2
do_db = do_dn * 1.0


# %% Task 2.4
def neuron_grads(x1, x2, w1, w2, b):
    # forward
    n = x1 * w1 + x2 * w2 + b
    o = math.tanh(n)
    # backward: through the tanh, then the sums route do/dn, the products swap the factors
    do_dn = 1 - o**2
    return (do_dn * w1, do_dn * x1, do_dn * w2, do_dn * x2, do_dn)


# %% Task 2.5
# f = (a·a) + a. The product sends each of its two inputs "gradient × the other input":
# 1·a to the first use and 1·a to the second; the sum sends 1 along the third edge.
# They all land in a, so they add up: a + a + 1 (= 2a + 1, as calculus says).
df_da = a + a + 1
# backward() adds into a leaf's .grad, so a second call adds the same gradient again
a_grad_after_two = 2 * df_da

# %% Task 2.6
z1 = W1 @ a0 + b1
a1 = np.maximum(z1, 0)
z2 = W2 @ a1 + b2
a2 = np.maximum(z2, 0)          # the first unit of z2 is negative: it is off
z3 = W3 @ a2 + b3
a3 = np.maximum(z3, 0)
L = 0.5 * (y - a3[0]) ** 2

# %% Task 2.7
# dL/da3 = a3 − y (the ½ cancels the 2 of the square); ReLU'(z3) = 1 since z3 > 0
delta3 = (a3 - y) * (z3 > 0)          # dL/dz3, shape (1,)
dL_dW3 = np.outer(delta3, a2)         # input × error: dL/dW3[0, k] = delta3 · a2[k]
dL_db3 = delta3

# %% Task 2.8
# back through W3 (its transpose sends the error of the output unit to each unit of layer 2),
# then through ReLU'(z2): the first unit is off (z2 < 0), so its error is exactly 0
delta2 = (W3.T @ delta3) * (z2 > 0)
dL_dW2 = np.outer(delta2, a1)

# %% Task 2.9
# once more: back through W2ᵀ and ReLU'(z1) (both units of layer 1 are on), all with the old
# weights; then the weight's gradient is its input (a0[0] = 1200) times its unit's error
delta1 = (W2.T @ delta2) * (z1 > 0)
dL_dW1_00 = a0[0] * delta1[0]

# %% Task 2.10
# w ← w − lr · dL/dw, with the gradient of Task 2.9 (computed with the old weights)
W1_00_new = W1[0, 0] - lr * dL_dW1_00
