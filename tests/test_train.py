"""Tests of nn.train: accuracy, fit (scalar and Tensor models), History, EarlyStopping,
callbacks, evaluate/predict, cross_validate, and the end-to-end proofs (digits >= 97 %, the
784-256-256-10 dropout network on IDX files written here)."""

from __future__ import annotations

import struct
import time
from pathlib import Path

import numpy as np
import pytest

import nn
from autograd import Tensor
from nn import F, optim
from nn.train import EarlyStopping, accuracy, cross_validate, evaluate, fit, predict

# ---------------------------------------------------------------------------------------------
# accuracy
# ---------------------------------------------------------------------------------------------


def test_accuracy_variants():
    logits = np.array([[2.0, 1.0, 0.0], [0.0, 3.0, 1.0], [1.0, 0.0, 5.0], [9.0, 0.0, 0.0]])
    assert accuracy(logits, [0, 1, 2, 1]) == 0.75
    assert accuracy(Tensor(logits), np.eye(3)[[0, 1, 2, 0]]) == 1.0  # one-hot targets
    probs = np.array([0.9, 0.2, 0.6, 0.4])
    assert accuracy(probs, [1, 0, 0, 0]) == 0.75  # threshold 0.5
    assert accuracy(probs[:, None], [1, 0, 1, 0]) == 1.0  # (N, 1) column
    raw = np.array([3.0, -0.2, 0.3, -5.0])
    assert accuracy(raw, [1, 0, 1, 0]) == 1.0  # logits: threshold 0
    assert accuracy(raw, [1, -1, -1, -1]) == 0.75  # ±1 labels: sign
    assert accuracy(np.array([0.3, 0.7]), [1, 1], threshold=0.0) == 1.0
    scores = [nn.Neuron(1, activation=None, init=1.0)([v]) for v in (-1.0, 2.0)]
    assert accuracy(scores, [-1, 1]) == 1.0  # a list of Values
    with pytest.raises(ValueError, match="do not match"):
        accuracy(np.zeros(3), [0, 1])


# ---------------------------------------------------------------------------------------------
# fit: the lecture notes' batch gradient-descent step, scalar batches, counting iterations
# ---------------------------------------------------------------------------------------------


def test_fit_seed_003_batch_gradient_descent_step():
    # x = [1,2,3,4], y = [2,4,6,8], w = b = 0, lr 0.01, MSE: ∂/∂w = 2·mean((wx+b−y)x) = −30
    # and ∂/∂b = 2·mean(wx+b−y) = −10, so one step gives w = 0.3, b = 0.1.
    X, y = np.array([[1.0], [2.0], [3.0], [4.0]]), np.array([2.0, 4.0, 6.0, 8.0])
    model = nn.Linear(1, 1, init=0.0)
    hist = fit(model, F.mse_loss, optim.SGD(model.parameters(), lr=0.01), (X, y), epochs=1,
               batch_size=4, metrics=None, progress=False)
    assert model.weight.data[0, 0] == pytest.approx(0.3)
    assert model.bias.data[0] == pytest.approx(0.1)
    assert hist.loss == [pytest.approx((4 + 16 + 36 + 64) / 4)]  # loss before the step


class CountingSGD(optim.SGD):
    steps = 0

    def step(self, closure=None):
        self.steps += 1
        return super().step(closure)


def test_fit_iterations_per_epoch_are_ceil_n_over_b():
    X, y = nn.data.moons(10, seed=0)
    model = nn.MLP(2, [3, 1], seed=0)
    opt = CountingSGD(model.parameters(), lr=0.01)
    fit(model, F.binary_cross_entropy_with_logits, opt, (X, y), epochs=2, batch_size=4,
        progress=False)
    assert opt.steps == 2 * 3  # ceil(10 / 4) = 3 per epoch


def test_scalar_fit_step_uses_the_mean_of_per_sample_gradients():
    X = np.array([[0.5, -1.0], [1.5, 2.0], [-0.3, 0.8], [1.0, 1.0], [2.0, -2.0]])
    y = np.array([0.2, -0.4, 1.0, 0.0, 0.5])
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    reference = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    grads = np.zeros(model.num_parameters())
    for xi, yi in zip(X, y):  # one backward per sample, by hand
        reference.zero_grad()
        ((reference(xi) - yi) ** 2).backward()
        grads += np.array([p.grad for p in reference.parameters()])
    expected = np.array([p.data for p in reference.parameters()]) - 0.1 * grads / len(X)
    fit(model, F.mse_loss, optim.SGD(model.parameters(), lr=0.1), (X, y), epochs=1,
        batch_size=5, shuffle=False, metrics=None, progress=False)
    np.testing.assert_allclose([p.data for p in model.parameters()], expected, rtol=1e-12)


def test_scalar_multiclass_fit_with_cross_entropy():
    X, y = nn.data.spirals(30, classes=3, seed=0)
    model = nn.MLP(2, [8, 3], activation="tanh", seed=0)
    hist = fit(model, F.cross_entropy, optim.Adam(model.parameters(), lr=0.05), (X, y),
               epochs=5, batch_size=10, progress=False, seed=0)
    assert hist.loss[-1] < hist.loss[0]
    assert 0.0 <= hist["accuracy"][-1] <= 1.0


def test_history_records_train_and_validation_metrics():
    X, y = nn.data.moons(60, noise=0.1, seed=0)
    model = nn.mlp([2, 16, 1], seed=0)
    hist = fit(model, F.binary_cross_entropy_with_logits,
               optim.Adam(model.parameters(), lr=0.05), (X[:40], y[:40]), epochs=15,
               batch_size=8, val_data=(X[40:], y[40:]), progress=False, seed=0)
    assert set(hist.keys()) == {"loss", "accuracy", "val_loss", "val_accuracy", "lr"}
    assert all(len(hist[k]) == 15 for k in hist) and hist.epochs == list(range(1, 16))
    assert hist.loss[-1] < hist.loss[0] and hist.val_loss[-1] < hist.val_loss[0]
    final = evaluate(model, F.binary_cross_entropy_with_logits, (X[40:], y[40:]))
    assert final["loss"] == pytest.approx(hist.val_loss[-1])
    assert final["accuracy"] == hist["val_accuracy"][-1]
    assert "History(15 epochs" in repr(hist)


# ---------------------------------------------------------------------------------------------
# early stopping and callbacks
# ---------------------------------------------------------------------------------------------


def test_early_stopping_restores_best_weights():
    # train on y = 2x but validate on y = -2x: every step towards w = 2 makes validation worse,
    # so the best epoch is the first and training stops `patience` epochs later
    X = np.linspace(-1, 1, 20)[:, None]
    model = nn.Linear(1, 1, init=0.0)
    snapshots = {}

    def keep(epoch, logs):
        snapshots[epoch] = model.state_dict()

    es = EarlyStopping(patience=2)
    hist = fit(model, F.mse_loss, optim.SGD(model.parameters(), lr=0.1), (X, 2 * X[:, 0]),
               epochs=50, batch_size=20, val_data=(X, -2 * X[:, 0]), metrics=None,
               early_stopping=es, callbacks=[keep], progress=False)
    assert np.argmin(hist.val_loss) == 0
    assert hist.best_epoch == 1 and hist.stopped_epoch == 3 and len(hist) == 3
    np.testing.assert_array_equal(model.weight.data, snapshots[1]["weight"])
    assert not np.array_equal(snapshots[3]["weight"], snapshots[1]["weight"])


def test_early_stopping_min_delta_mode_and_missing_monitor():
    es = EarlyStopping(patience=1, min_delta=0.5, monitor="val_accuracy")
    assert es.mode == "max"
    model = nn.Linear(1, 1)
    assert not es.step(1, {"val_accuracy": 0.5}, model)
    assert es.step(2, {"val_accuracy": 0.9}, model)  # +0.4 < min_delta: no improvement
    with pytest.raises(KeyError, match="pass val_data"):
        EarlyStopping().step(1, {"loss": 1.0}, model)


def test_callbacks_can_stop_and_schedulers_are_stepped():
    X, y = nn.data.moons(20, seed=0)
    model = nn.mlp([2, 4, 1], seed=0)
    opt = optim.SGD(model.parameters(), lr=1.0)
    sched = optim.StepLR(opt, step_size=1, gamma=0.5)
    seen = []

    class Recorder:
        def on_epoch_end(self, epoch, logs):
            seen.append(epoch)

    hist = fit(model, F.binary_cross_entropy_with_logits, opt, (X, y), epochs=10,
               callbacks=[sched, Recorder(), lambda epoch, logs: epoch == 4], progress=False)
    assert seen == [1, 2, 3, 4] and len(hist) == 4
    assert hist["lr"] == [1.0, 0.5, 0.25, 0.125]


def test_progress_bar_can_be_turned_off(capsys):
    X, y = nn.data.moons(20, seed=0)
    model = nn.mlp([2, 4, 1], seed=0)
    opt = optim.SGD(model.parameters(), lr=0.1)
    fit(model, F.binary_cross_entropy_with_logits, opt, (X, y), epochs=2, progress=False)
    assert capsys.readouterr().err == ""
    fit(model, F.binary_cross_entropy_with_logits, opt, (X, y), epochs=2, progress=True)
    assert "2/2" in capsys.readouterr().err


def test_evaluate_and_predict_use_eval_mode_and_restore_it():
    X = np.random.default_rng(0).normal(size=(30, 4))
    y = np.arange(30) % 3
    model = nn.mlp([4, 32, 3], dropout=0.5, seed=0)
    assert model.training
    a = evaluate(model, F.cross_entropy, (X, y))
    b = evaluate(model, F.cross_entropy, (X, y))
    assert a == b and model.training  # dropout off inside, training mode restored
    model.eval()
    expected = model(Tensor(X)).data
    model.train()
    # Batches of 7 and the full batch reach BLAS with different shapes, so the summation order
    # in each dot product may differ: agreement to a few ulps, not bit for bit.
    np.testing.assert_allclose(predict(model, X, batch_size=7), expected, rtol=1e-12, atol=1e-12)
    assert model.training


def test_fit_stops_at_the_first_non_finite_loss_before_applying_it():
    from nn.train import NonFiniteLossError

    X = np.linspace(-1.0, 1.0, 8).reshape(8, 1)
    y = 3.0 * X[:, 0]
    model = nn.Linear(1, 1, seed=0)
    # lr 1e300: the first step leaves weights of order 1e300, whose squared errors on the
    # second batch overflow to inf; that loss must stop training before its update
    opt = optim.SGD(model.parameters(), lr=1e300)
    with pytest.raises(NonFiniteLossError) as err:
        fit(model, F.mse_loss, opt, (X, y), epochs=5, batch_size=4, shuffle=False,
            progress=False)
    e = err.value
    assert (e.epoch, e.step) == (1, 2) and not np.isfinite(e.loss) and len(e.history) == 0
    msg = str(e)
    assert "at epoch 1, step 2 of 2" in msg and "Lower the learning rate" in msg
    assert "detect_anomaly()" in msg
    # the inf loss was never back-propagated into the weights (its gradient is inf or nan)
    assert np.all(np.isfinite(model.weight.data)) and np.all(np.isfinite(model.bias.data))

    scalar = nn.MLP(1, [1], activation=None, seed=0)  # the scalar engine, a nan from the data
    with pytest.raises(NonFiniteLossError, match="the loss is nan at epoch 1, step 1 of 1"):
        fit(scalar, F.mse_loss, optim.SGD(scalar.parameters(), lr=0.1),
            (np.array([[np.nan]]), np.array([1.0])), epochs=2, progress=False)


def test_fit_rejects_bad_arguments():
    model = nn.Linear(1, 1)
    opt = optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="epochs"):
        fit(model, F.mse_loss, opt, (np.zeros((2, 1)), np.zeros(2)), epochs=0)
    with pytest.raises(TypeError, match="train_data"):
        fit(model, F.mse_loss, opt, 42, epochs=1)
    with pytest.raises(ValueError, match="unknown metric"):
        fit(model, F.mse_loss, opt, (np.zeros((2, 1)), np.zeros(2)), metrics=["f1"])


# ---------------------------------------------------------------------------------------------
# cross-validation
# ---------------------------------------------------------------------------------------------


def test_cross_validate_trains_a_fresh_model_per_fold():
    X, y = nn.data.moons(60, noise=0.05, seed=0)
    made = []

    def make_model():
        made.append(nn.mlp([2, 16, 1], seed=len(made)))
        return made[-1]

    cv = cross_validate(make_model, lambda m: optim.Adam(m.parameters(), lr=0.05),
                        F.binary_cross_entropy_with_logits, X, y, k=3, epochs=20, batch_size=10,
                        seed=0)
    assert len(made) == 3 and len(cv.histories) == 3
    assert cv["val_accuracy"].shape == (3,) and cv["val_loss"].shape == (3,)
    assert cv.mean()["val_accuracy"] > 0.8
    assert "3 folds" in repr(cv)


# ---------------------------------------------------------------------------------------------
# proofs of work
# ---------------------------------------------------------------------------------------------


def test_tensor_mlp_digits_at_least_97_percent_under_a_minute():
    pytest.importorskip("sklearn")
    start = time.perf_counter()
    X, y = nn.data.digits()
    Xtr, Xte, ytr, yte = nn.data.train_test_split(X, y, test_size=0.25, seed=0, stratify=y)
    Xtr, Xte, _ = nn.data.standardize(Xtr, Xte)
    model = nn.mlp([64, 256, 10], seed=0)
    opt = optim.Adam(model.parameters(), lr=1e-3)
    fit(model, F.cross_entropy, opt, (Xtr, ytr), epochs=30, batch_size=32, progress=False,
        seed=0)
    result = evaluate(model, F.cross_entropy, (Xte, yte))
    assert result["accuracy"] >= 0.97
    assert time.perf_counter() - start < 60


def write_idx(path: Path, array: np.ndarray) -> None:
    """The IDX format by hand: two zero bytes, type code 0x08 (unsigned byte), the number of
    dimensions, each dimension as a big-endian int32, then the bytes."""
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}i", *array.shape)
    path.write_bytes(header + array.astype(np.uint8).tobytes())


def test_784_256_256_10_dropout_network_trains_on_idx_files(tmp_path: Path):
    rng = np.random.default_rng(0)
    n = 300
    labels = rng.integers(0, 10, size=n)
    images = rng.integers(0, 60, size=(n, 28, 28))
    for i, c in enumerate(labels):  # a bright 6x6 patch whose place encodes the class
        r, col = 3 + 14 * (c // 5), 1 + 5 * (c % 5)
        images[i, r:r + 6, col:col + 6] = 255
    write_idx(tmp_path / "train-images-idx3-ubyte", images)
    write_idx(tmp_path / "train-labels-idx1-ubyte", labels)

    X = nn.data.load_idx(tmp_path / "train-images-idx3-ubyte")
    y = nn.data.load_idx(tmp_path / "train-labels-idx1-ubyte")
    assert X.shape == (n, 28, 28) and y.shape == (n,)
    np.testing.assert_array_equal(y, labels)
    X = X.reshape(n, 784) / 255.0

    model = nn.mlp([784, 256, 256, 10], dropout=[0.2, 0.5], seed=0)
    weights = [p for name, p in model.named_parameters() if name.endswith("weight")]
    biases = [p for name, p in model.named_parameters() if name.endswith("bias")]
    opt = optim.SGD([{"params": weights, "weight_decay": 1e-4}, {"params": biases}], lr=0.1)
    hist = fit(model, F.cross_entropy, opt, (X, y), epochs=2, batch_size=32, progress=False,
               seed=0)
    assert hist.loss[1] < hist.loss[0]
    assert hist.loss[0] < np.log(10) + 0.5  # started near chance: −log(1/10)
