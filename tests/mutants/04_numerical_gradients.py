# Mutation suite for notebook 04 (read by tests/test_examples.py; never imported).
# Each "# %% <function> correct|wrong: <what> | fails: <test cells>" section is one submission:
# the solution notebook with that one function replaced. A wrong variant must lose exactly the
# cells it names and keep every other point; a correct variant must keep every point.

# %% forward_difference correct: the secant slope, multiplied by 1 / h
def forward_difference(f, x, h=1e-4):
    rise = f(x + h) - f(x)
    return rise * (1.0 / h)

# %% forward_difference wrong: central instead of forward difference | fails: test_forward_difference
-    return (f(x + h) - f(x)) / h
+    return (f(x + h) - f(x - h)) / (2 * h)

# %% forward_difference wrong: backward difference | fails: test_forward_difference
-    return (f(x + h) - f(x)) / h
+    return (f(x) - f(x - h)) / h

# %% forward_difference wrong: divides by 2h | fails: test_forward_difference
-    return (f(x + h) - f(x)) / h
+    return (f(x + h) - f(x)) / (2 * h)

# %% forward_difference wrong: ignores its h argument | fails: test_forward_difference
-    return (f(x + h) - f(x)) / h
+    step = 1e-4
+    return (f(x + step) - f(x)) / step

# %% numerical_diff correct: divides by h, then by 2
def numerical_diff(f, x, h=1e-4):
    return (f(x + h) - f(x - h)) / h / 2

# %% numerical_diff wrong: forward difference | fails: test_numerical_diff
-    return (f(x + h) - f(x - h)) / (2 * h)
+    return (f(x + h) - f(x)) / h

# %% numerical_diff wrong: divides by h instead of 2h | fails: test_numerical_diff
-    return (f(x + h) - f(x - h)) / (2 * h)
+    return (f(x + h) - f(x - h)) / h

# %% numerical_diff wrong: operator precedence, / 2 * h | fails: test_numerical_diff
-    return (f(x + h) - f(x - h)) / (2 * h)
+    return (f(x + h) - f(x - h)) / 2 * h

# %% numerical_diff wrong: default h = 1e-5 instead of 1e-4 | fails: test_numerical_diff
-def numerical_diff(f, x, h=1e-4):
+def numerical_diff(f, x, h=1e-5):

# %% numerical_gradient correct: np.nditer over the indices, perturbing copies of x
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        i = it.multi_index
        plus, minus = x.copy(), x.copy()
        plus[i] = x[i] + h
        minus[i] = x[i] - h
        grad[i] = (f(plus) - f(minus)) / (2 * h)
        it.iternext()
    return grad

# %% numerical_gradient wrong: the textbook's loop over range(x.size), only right for 1-D x | fails: test_numerical_gradient test_numerical_gradient_restores_x
-    for index in np.ndindex(x.shape):
+    for index in range(x.size):

# %% numerical_gradient wrong: forward differences | fails: test_numerical_gradient
-            x[index] = saved - h
+            x[index] = saved
-        grad[index] = (f_plus - f_minus) / (2 * h)
+        grad[index] = (f_plus - f_minus) / h

# %% numerical_gradient wrong: hard-coded h = 1e-4 as in the textbook | fails: test_numerical_gradient
-    grad = np.zeros(x.shape, dtype=float)
+    grad = np.zeros(x.shape, dtype=float)
+    h = 1e-4

# %% numerical_gradient wrong: no try/finally, so x stays perturbed when f raises | fails: test_numerical_gradient_restores_x
-        try:
+        if True:
-        finally:
+        if True:

# %% numerical_gradient wrong: undoes the perturbations by arithmetic, which rounds | fails: test_numerical_gradient_restores_x
-            x[index] = saved + h
+            x[index] += h
-            x[index] = saved - h
+            x[index] -= 2 * h
-            x[index] = saved                 # the saved value itself: saved + h - h may round
+            x[index] += h

# %% rel_error correct: the floor applied with np.where
def rel_error(a, b):
    diff = np.abs(np.subtract(a, b, dtype=float))
    scale = np.abs(a) + np.abs(b)
    return float(np.max(diff / np.where(scale > 1e-8, scale, 1e-8)))

# %% rel_error wrong: no floor, so 0 vs 0 gives nan | fails: test_rel_error
-    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
+    with np.errstate(invalid="ignore", divide="ignore"):
+        return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))

# %% rel_error wrong: adds 1e-8 to the denominator instead of flooring it | fails: test_rel_error
-    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
+    return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b) + 1e-8)))

# %% rel_error wrong: the mean over the entries instead of the maximum | fails: test_rel_error
-    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
+    return float(np.mean(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))

# %% rel_error wrong: relative to b only | fails: test_rel_error test_grad_check_sparse
-    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
+    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(b))))

# %% grad_check_sparse correct: one random index per axis, as in the CS231n code, on copies of x
def grad_check_sparse(f, x, analytic_grad, num_checks=10, h=1e-5, rng=None):
    generator = np.random.default_rng(rng)
    result = []
    for _ in range(num_checks):
        index = tuple(int(generator.integers(n)) for n in x.shape)
        plus, minus = x.copy(), x.copy()
        plus[index] += h
        minus[index] -= h
        numerical = (f(plus) - f(minus)) / (2 * h)
        analytic = analytic_grad[index]
        result.append(abs(numerical - analytic) / max(1e-8, abs(numerical) + abs(analytic)))
    return np.array(result)

# %% grad_check_sparse wrong: forward differences | fails: test_grad_check_sparse
-            x[index] = saved - h
+            x[index] = saved
-        numerical = (f_plus - f_minus) / (2 * h)
+        numerical = (f_plus - f_minus) / h

# %% grad_check_sparse wrong: draws without replacement, so num_checks cannot exceed x.size | fails: test_grad_check_sparse test_grad_check_sparse_draws
-    for k in range(num_checks):
-        index = np.unravel_index(rng.integers(x.size), x.shape)
+    for k, position in enumerate(rng.choice(x.size, size=num_checks, replace=False)):
+        index = np.unravel_index(position, x.shape)

# %% grad_check_sparse wrong: ignores rng, so the same seed checks different entries | fails: test_grad_check_sparse
-    rng = np.random.default_rng(rng)
+    rng = np.random.default_rng()

# %% grad_check_sparse wrong: draws the first index only, so only x[i, 0, ...] is ever checked | fails: test_grad_check_sparse_draws
-        index = np.unravel_index(rng.integers(x.size), x.shape)
+        index = (int(rng.integers(x.shape[0])),) + (0,) * (x.ndim - 1)

# %% grad_check_sparse wrong: no try/finally, so x stays perturbed when f raises | fails: test_grad_check_sparse
-        try:
+        if True:
-        finally:
+        if True:

# %% grad_check_sparse wrong: ignores its h argument | fails: test_grad_check_sparse
-    rng = np.random.default_rng(rng)
+    rng, h = np.random.default_rng(rng), 1e-5

# %% grad_check_sparse wrong: absolute instead of relative errors | fails: test_grad_check_sparse
-        errors[k] = rel_error(numerical, analytic_grad[index])
+        errors[k] = abs(numerical - analytic_grad[index])
