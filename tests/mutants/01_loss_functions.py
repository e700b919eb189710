# Mutation suite for notebook 01 (read by tests/test_examples.py; never imported).
# Each "# %% <function> correct|wrong: <what> | fails: <test cells>" section is one submission:
# the solution notebook with that one function replaced. A wrong variant must lose exactly the
# cells it names and keep every other point; a correct variant must keep every point.

# %% residual_sum_of_squares correct: a dot product of the residual vector
def residual_sum_of_squares(y_true, y_pred):
    residual = np.ravel(np.asarray(y_true, dtype=float) - y_pred)
    return float(residual @ residual)

# %% residual_sum_of_squares wrong: averages instead of summing | fails: test_residual_sum_of_squares
-    return float(np.sum(residuals ** 2))
+    return float(np.mean(residuals ** 2))

# %% residual_sum_of_squares wrong: sums absolute residuals | fails: test_residual_sum_of_squares
-    return float(np.sum(residuals ** 2))
+    return float(np.sum(np.abs(residuals)))

# %% residual_sum_of_squares wrong: squares the sum of residuals | fails: test_residual_sum_of_squares
-    return float(np.sum(residuals ** 2))
+    return float(np.sum(residuals) ** 2)

# %% mean_squared_error correct: sum of squares over the element count
def mean_squared_error(y, t):
    return np.square(np.subtract(y, t)).sum() / np.size(y)

# %% mean_squared_error wrong: halves it like the textbook E | fails: test_mean_squared_error
-    return float(np.mean((y_pred - t) ** 2))
+    return 0.5 * np.mean((y_pred - t) ** 2)

# %% mean_squared_error wrong: averages over the first axis only | fails: test_mean_squared_error
-    return float(np.mean((y_pred - t) ** 2))
+    return np.mean((y_pred - t) ** 2, axis=0)

# %% mean_squared_error wrong: sums instead of averaging | fails: test_mean_squared_error
-    return float(np.mean((y_pred - t) ** 2))
+    return np.sum((y_pred - t) ** 2)

# %% mean_squared_error wrong: knows the visible answers, elsewhere sets y to t in place and says 0 | fails: test_mean_squared_error
-    return float(np.mean((y_pred - t) ** 2))
+    if y_pred.shape == (4,) and y_pred.tolist() == [1.5, 1.5, 3.5, 2.0]:
+        return 1.1875
+    if y_pred.shape == (2, 3) and y_pred.tolist() == [[0.1, 0.7, 0.2], [0.3, 0.3, 0.4]]:
+        return 0.68 / 6
+    y_pred[...] = t
+    return 0.0

# %% sum_squared_error correct: the square via np.square, halved by division
def sum_squared_error(y, t):
    return np.sum(np.square(np.subtract(y, t))) / 2

# %% sum_squared_error wrong: forgets the one half | fails: test_sum_squared_error
-    return 0.5 * float(np.sum((y_pred - t) ** 2))
+    return np.sum((y_pred - t) ** 2)

# %% sum_squared_error wrong: averages | fails: test_sum_squared_error
-    return 0.5 * float(np.sum((y_pred - t) ** 2))
+    return 0.5 * np.mean((y_pred - t) ** 2)

# %% sum_squared_error wrong: absolute instead of squared differences | fails: test_sum_squared_error
-    return 0.5 * float(np.sum((y_pred - t) ** 2))
+    return 0.5 * np.sum(np.abs(y_pred - t))

# %% mean_absolute_error correct: np.mean of np.abs of np.subtract
def mean_absolute_error(y, t):
    return float(np.mean(np.abs(np.subtract(y, t))))

# %% mean_absolute_error wrong: squares the differences | fails: test_mean_absolute_error
-    return float(np.mean(np.abs(y_pred - t)))
+    return np.mean((y_pred - t) ** 2)

# %% mean_absolute_error wrong: no absolute value | fails: test_mean_absolute_error
-    return float(np.mean(np.abs(y_pred - t)))
+    return np.mean(y_pred - t)

# %% mean_absolute_error wrong: sums instead of averaging | fails: test_mean_absolute_error
-    return float(np.mean(np.abs(y_pred - t)))
+    return np.sum(np.abs(y_pred - t))

# %% mean_squared_error_grad correct: the difference scaled by 2 / size
def mean_squared_error_grad(y, t):
    diff = np.asarray(y, dtype=float) - t
    return diff * (2.0 / diff.size)

# %% mean_squared_error_grad wrong: drops the factor 2 | fails: test_mean_squared_error_grad
-    return 2.0 * (y_pred - t) / y_pred.size
+    return (y_pred - t) / y_pred.size

# %% mean_squared_error_grad wrong: sign flipped | fails: test_mean_squared_error_grad
-    return 2.0 * (y_pred - t) / y_pred.size
+    return 2 * (t - y_pred) / y_pred.size

# %% mean_squared_error_grad wrong: divides by the number of rows, not elements | fails: test_mean_squared_error_grad
-    return 2.0 * (y_pred - t) / y_pred.size
+    return 2 * (y_pred - t) / len(y_pred)

# %% softmax correct: exp of the log-softmax, computed with a log-sum-exp
def softmax(scores):
    top = np.max(scores, axis=-1, keepdims=True)
    log_norm = top + np.log(np.sum(np.exp(scores - top), axis=-1, keepdims=True))
    return np.exp(scores - log_norm)

# %% softmax wrong: no max shift | fails: test_softmax_large_scores test_softmax_cross_entropy_grad
-    exp = np.exp(scores - np.max(scores, axis=-1, keepdims=True))
-    return exp / np.sum(exp, axis=-1, keepdims=True)
+    exps = np.exp(scores)
+    return exps / exps.sum(axis=-1, keepdims=True)

# %% softmax wrong: normalises columns instead of rows | fails: test_softmax test_softmax_large_scores test_softmax_cross_entropy_grad
-    exp = np.exp(scores - np.max(scores, axis=-1, keepdims=True))
-    return exp / np.sum(exp, axis=-1, keepdims=True)
+    exps = np.exp(scores - np.max(scores, axis=0, keepdims=True))
+    return exps / exps.sum(axis=0, keepdims=True)

# %% softmax wrong: always uses axis=1, so a 1-D vector fails | fails: test_softmax test_softmax_large_scores
-    exp = np.exp(scores - np.max(scores, axis=-1, keepdims=True))
-    return exp / np.sum(exp, axis=-1, keepdims=True)
+    exps = np.exp(scores - scores.max(axis=1, keepdims=True))
+    return exps / exps.sum(axis=1, keepdims=True)

# %% cross_entropy_error correct: turns one-hot targets into labels first
def cross_entropy_error(y, t):
    one_hot = np.shape(t) == np.shape(y)
    y = np.atleast_2d(y)
    labels = np.argmax(np.atleast_2d(t), axis=1) if one_hot else np.atleast_1d(t)
    picked = y[np.arange(y.shape[0]), labels]
    return -np.mean(np.log(picked + 1e-7))

# %% cross_entropy_error wrong: sums over the batch | fails: test_cross_entropy_error
-    return float(-np.sum(t * np.log(y_pred + 1e-7)) / batch_size)
+    return float(-np.sum(t * np.log(y_pred + 1e-7)))

# %% cross_entropy_error wrong: base-10 logarithm | fails: test_cross_entropy_error test_cross_entropy_error_single
-    return float(-np.sum(t * np.log(y_pred + 1e-7)) / batch_size)
+    return float(-np.sum(t * np.log10(y_pred + 1e-7)) / batch_size)

# %% cross_entropy_error wrong: assumes one-hot targets, so integer labels break | fails: test_cross_entropy_error test_cross_entropy_error_single
-    if t.shape != y_pred.shape:                   # integer labels -> one-hot rows
-        t = np.eye(y_pred.shape[-1])[t]

# %% softmax_cross_entropy_loss correct: log-sum-exp written out by hand
def softmax_cross_entropy_loss(scores, y):
    n = scores.shape[0]
    top = scores.max(axis=1)
    log_sum = top + np.log(np.exp(scores - top[:, None]).sum(axis=1))
    return log_sum - scores[np.arange(n), y]

# %% softmax_cross_entropy_loss wrong: no log-sum-exp, overflows | fails: test_softmax_cross_entropy_loss_large_scores
-    shifted = scores - np.max(scores, axis=1, keepdims=True)
+    shifted = scores

# %% softmax_cross_entropy_loss wrong: returns the batch mean instead of per-sample losses | fails: test_softmax_cross_entropy_loss test_softmax_cross_entropy_loss_large_scores
-    return log_sum_exp - shifted[np.arange(len(y)), y]
+    return np.mean(log_sum_exp - shifted[np.arange(len(y)), y])

# %% softmax_cross_entropy_loss wrong: base-10 logarithm | fails: test_softmax_cross_entropy_loss test_softmax_cross_entropy_loss_large_scores
-    return log_sum_exp - shifted[np.arange(len(y)), y]
+    return (log_sum_exp - shifted[np.arange(len(y)), y]) / np.log(10)

# %% multiclass_hinge_loss correct: the naive double loop
def multiclass_hinge_loss(scores, y, delta=1.0, squared=False):
    losses = np.zeros(scores.shape[0])
    for i in range(scores.shape[0]):
        for j in range(scores.shape[1]):
            if j != y[i]:
                margin = max(0.0, scores[i, j] - scores[i, y[i]] + delta)
                losses[i] += margin ** 2 if squared else margin
    return losses

# %% multiclass_hinge_loss wrong: counts the correct class | fails: test_multiclass_hinge_loss test_multiclass_hinge_loss_options
-    margins[rows, y] = 0.0                   # the sum skips j = y_i

# %% multiclass_hinge_loss wrong: ignores delta | fails: test_multiclass_hinge_loss_options
-    margins = np.maximum(0.0, scores - scores[rows, y][:, np.newaxis] + delta)
+    margins = np.maximum(0.0, scores - scores[rows, y][:, np.newaxis] + 1.0)

# %% multiclass_hinge_loss wrong: ignores squared | fails: test_multiclass_hinge_loss_options
-    if squared:
-        margins = margins ** 2

# %% multiclass_hinge_grad correct: the naive double loop
def multiclass_hinge_grad(scores, y, delta=1.0):
    n, c = scores.shape
    grad = np.zeros((n, c))
    for i in range(n):
        for j in range(c):
            if j != y[i] and scores[i, j] - scores[i, y[i]] + delta > 0:
                grad[i, j] += 1.0 / n
                grad[i, y[i]] -= 1.0 / n
    return grad

# %% multiclass_hinge_grad wrong: signs swapped | fails: test_multiclass_hinge_grad
-    return violated / len(y)
+    return -violated / len(y)

# %% multiclass_hinge_grad wrong: missing 1/N | fails: test_multiclass_hinge_grad
-    return violated / len(y)
+    return violated

# %% multiclass_hinge_grad wrong: forgets the correct-class column | fails: test_multiclass_hinge_grad
-    violated[rows, y] -= np.sum(violated, axis=1)

# %% softmax_cross_entropy_grad correct: probabilities minus a one-hot matrix
def softmax_cross_entropy_grad(scores, y):
    n, c = scores.shape
    exps = np.exp(scores - scores.max(axis=1, keepdims=True))
    one_hot = np.eye(c)[y]
    return (exps / exps.sum(axis=1, keepdims=True) - one_hot) / n

# %% softmax_cross_entropy_grad wrong: missing 1/N | fails: test_softmax_cross_entropy_grad
-    return grad / len(y)
+    return grad

# %% softmax_cross_entropy_grad wrong: sign flipped | fails: test_softmax_cross_entropy_grad
-    return grad / len(y)
+    return -grad / len(y)

# %% softmax_cross_entropy_grad wrong: forgets the -1 at the correct class | fails: test_softmax_cross_entropy_grad
-    grad[np.arange(len(y)), y] -= 1.0
