"""Worked solutions of exercises 03 (numerical differences and your own op): try them first."""


# %% Task 3.1
def forward_difference(f, x, h):
    # the slope of the secant from x to x + h; brackets around the whole difference
    return (f(x + h) - f(x)) / h


# %% Task 3.2
def central_difference(f, x, h):
    # the secant from x - h to x + h: the two points are 2h apart
    return (f(x + h) - f(x - h)) / (2 * h)


# %% Task 3.3
# forward: (f(x+h) - f(x)) / h = f'(x) + h/2·f''(x) + ...: the error is proportional to h.
# central: f(x+h) - f(x-h) = 2h·f'(x) + h³/3·f'''(x) + ... (the f and h² terms cancel);
#          divided by 2h: f'(x) + h²/6·f'''(x) + ...: the error is proportional to h².
forward_order = 1
central_order = 2


# %% Task 3.4
def error_slope(difference, f, x, exact, hs):
    # e ≈ C·h^p  ⇒  log e = log C + p·log h: a straight line whose slope is the order p
    errors = [abs(difference(f, x, h) - exact) for h in hs]
    slope, intercept = np.polyfit(np.log(hs), np.log(errors), 1)
    return slope


# %% Task 3.5
class Softsign(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x / (1 + abs(x))

    @staticmethod
    def backward(ctx, grad_output):
        # x > 0: d/dx x/(1 + x) = ((1 + x) - x)/(1 + x)² = 1/(1 + x)²
        # x < 0: d/dx x/(1 - x) = ((1 - x) + x)/(1 - x)² = 1/(1 - x)²
        # both: 1/(1 + |x|)², which is continuous at 0 (no kink in the derivative's value)
        (x,) = ctx.saved_tensors
        return grad_output / (1 + abs(x)) ** 2


# %% Task 3.6
class SiLU(Function):
    @staticmethod
    def forward(ctx, x):
        s = x.sigmoid()
        ctx.save_for_backward(x, s)
        return x * s

    @staticmethod
    def backward(ctx, grad_output):
        # BuggySiLU treated x in x·σ(x) as a constant. The product rule gives
        # (x·σ)' = 1·σ + x·σ' = s + x·s(1 - s); the bug returned only the first term, so it
        # was right only where the second one vanishes (x = 0)
        x, s = ctx.saved_tensors
        return grad_output * (s + x * s * (1 - s))
