# Mutation suite for notebook 05 (read by tests/test_examples.py; never imported).
# Each "# %% <function> correct|wrong: <what> | fails: <test cells>" section is one submission:
# the solution notebook with that one function replaced. A wrong variant must lose exactly the
# cells it names and keep every other point; a correct variant must keep every point.

# %% gradient_descent correct: in-place steps on its own copy, copies collected in a list
def gradient_descent(grad_fn, x0, lr=0.01, num_steps=100):
    x = np.copy(x0).astype(float)
    path = [x.copy()]
    for _ in range(num_steps):
        x -= lr * grad_fn(x)
        path.append(x.copy())
    return path[-1], np.stack(path)

# %% gradient_descent wrong: the textbook's x = x0, so the caller's x0 walks downhill too | fails: test_gradient_descent_no_aliasing
-    x = np.array(x0, dtype=float)            # a copy: the caller's x0 stays as it was
+    x = x0
-        x = x - lr * grad_fn(x)              # a new array every step, never an in-place update
+        x -= lr * grad_fn(x)

# %% gradient_descent wrong: stores x before each step, as the textbook's plot does: no final point | fails: test_gradient_descent
-    history = np.empty((num_steps + 1, *x.shape))
-    history[0] = x
+    history = np.empty((num_steps, *x.shape))
-        x = x - lr * grad_fn(x)              # a new array every step, never an in-place update
-        history[step] = x
+        history[step - 1] = x
+        x = x - lr * grad_fn(x)

# %% gradient_descent wrong: appends x itself and updates it in place, so every row is the last point | fails: test_gradient_descent test_gradient_descent_no_aliasing
-    history = np.empty((num_steps + 1, *x.shape))
-    history[0] = x
-    for step in range(1, num_steps + 1):
-        x = x - lr * grad_fn(x)              # a new array every step, never an in-place update
-        history[step] = x
-    return x, history
+    history = [x]
+    for _ in range(num_steps):
+        x -= lr * grad_fn(x)
+        history.append(x)
+    return x, np.array(history)

# %% gradient_descent wrong: steps uphill, x + lr * grad | fails: test_gradient_descent
-        x = x - lr * grad_fn(x)              # a new array every step, never an in-place update
+        x = x + lr * grad_fn(x)

# %% gradient_descent wrong: one step too many | fails: test_gradient_descent
-    history = np.empty((num_steps + 1, *x.shape))
+    history = np.empty((num_steps + 2, *x.shape))
-    for step in range(1, num_steps + 1):
+    for step in range(1, num_steps + 2):

# %% gradient_descent_until correct: a for loop over the step budget, checks written out per iterate
def gradient_descent_until(f, grad_fn, x0, lr, grad_tol=1e-6, patience=None, min_delta=0.0, max_steps=10_000):
    points = [np.array(x0, dtype=float)]
    best = f(points[0])
    last_improvement = 0
    for k in range(max_steps + 1):
        g = grad_fn(points[-1])
        if np.sqrt(np.sum(np.square(g))) <= grad_tol:
            return points[-1], np.array(points), "gradient_small"
        if patience is not None and k - last_improvement >= patience:
            return points[-1], np.array(points), "no_improvement"
        if k == max_steps:
            return points[-1], np.array(points), "max_steps"
        points.append(points[-1] - lr * g)
        loss = f(points[-1])
        if best - loss > min_delta:
            best, last_improvement = loss, k + 1

# %% gradient_descent_until wrong: the largest absolute entry instead of the Euclidean norm | fails: test_gradient_descent_until
-        if np.linalg.norm(grad) <= grad_tol:
+        if np.max(np.abs(grad)) <= grad_tol:

# %% gradient_descent_until wrong: compares the squared norm with grad_tol | fails: test_gradient_descent_until test_gradient_descent_until_max_steps
-        if np.linalg.norm(grad) <= grad_tol:
+        if np.sum(grad ** 2) <= grad_tol:

# %% gradient_descent_until wrong: steps first and checks the old gradient afterwards, one step too many | fails: test_gradient_descent_until test_gradient_descent_until_max_steps test_gradient_descent_until_patience
-        if np.linalg.norm(grad) <= grad_tol:
-            reason = "gradient_small"
-            break
-        if patience is not None and steps_without_improvement >= patience:
+        if patience is not None and steps_without_improvement >= patience:
-        history.append(x.copy())
+        history.append(x.copy())
+        if np.linalg.norm(grad) <= grad_tol:
+            reason = "gradient_small"
+            break

# %% gradient_descent_until wrong: never checks the gradient at the last iterate, patience before the gradient | fails: test_gradient_descent_until_max_steps test_gradient_descent_until_patience
-        if np.linalg.norm(grad) <= grad_tol:
-            reason = "gradient_small"
-            break
-        if patience is not None and steps_without_improvement >= patience:
+        if patience is not None and steps_without_improvement >= patience:
-            reason = "max_steps"
-            break
+            reason = "max_steps"
+            break
+        if np.linalg.norm(grad) <= grad_tol:
+            reason = "gradient_small"
+            break

# %% gradient_descent_until wrong: compares with the previous step's loss, not the best so far | fails: test_gradient_descent_until_patience
-        if loss < best - min_delta:
-            best, steps_without_improvement = loss, 0
-        else:
-            steps_without_improvement += 1
+        steps_without_improvement = 0 if loss < best - min_delta else steps_without_improvement + 1
+        best = loss

# %% gradient_descent_until wrong: never resets the count after an improvement | fails: test_gradient_descent_until_patience
-            best, steps_without_improvement = loss, 0
+            best = loss

# %% gradient_descent_until wrong: ignores min_delta | fails: test_gradient_descent_until_patience
-        if loss < best - min_delta:
+        if loss < best:

# %% gradient_descent_until wrong: an equal loss counts as an improvement | fails: test_gradient_descent_until_patience
-        if loss < best - min_delta:
+        if loss <= best - min_delta:

# %% gradient_descent_until wrong: stops one step late, when the count exceeds patience | fails: test_gradient_descent_until_patience
-        if patience is not None and steps_without_improvement >= patience:
+        if patience is not None and steps_without_improvement > patience:

# %% gradient_descent_until wrong: the textbook's x = x0, updated in place | fails: test_gradient_descent_until
-    x = np.array(x0, dtype=float)
+    x = x0
-        x = x - lr * grad
+        x -= lr * grad

# %% gradient_descent_until wrong: allows max_steps + 1 steps | fails: test_gradient_descent_until_max_steps test_gradient_descent_until_patience
-        if len(history) - 1 == max_steps:
+        if len(history) - 2 == max_steps:

# %% sample_log_uniform correct: 10 to the power of low + (high - low) * a uniform number in [0, 1)
def sample_log_uniform(low_exp, high_exp, size, rng=None):
    if high_exp < low_exp:
        raise ValueError(f"need low_exp <= high_exp, got low_exp={low_exp}, high_exp={high_exp}")
    generator = np.random.default_rng(rng)
    return np.power(10.0, low_exp + (high_exp - low_exp) * generator.random(size))

# %% sample_log_uniform wrong: uniform between 10**low_exp and 10**high_exp, not log-uniform | fails: test_sample_log_uniform
-    exponents = rng.uniform(low_exp, high_exp, size=size)
-    return 10.0 ** exponents
+    return rng.uniform(10.0 ** low_exp, 10.0 ** high_exp, size=size)

# %% sample_log_uniform wrong: e**u instead of 10**u | fails: test_sample_log_uniform
-    return 10.0 ** exponents
+    return np.exp(exponents)

# %% sample_log_uniform wrong: ignores rng and uses NumPy's global generator | fails: test_sample_log_uniform
-    exponents = rng.uniform(low_exp, high_exp, size=size)
+    exponents = np.random.uniform(low_exp, high_exp, size=size)

# %% sample_log_uniform wrong: whole-number exponents only | fails: test_sample_log_uniform
-    exponents = rng.uniform(low_exp, high_exp, size=size)
+    exponents = rng.integers(low_exp, high_exp, size=size)

# %% sample_log_uniform wrong: no check of its own, so NumPy's error does not name low_exp | fails: test_sample_log_uniform_errors
-    if low_exp > high_exp:
-        raise ValueError(f"low_exp = {low_exp} is larger than high_exp = {high_exp}")

# %% sample_log_uniform wrong: raises a ValueError whose message says nothing about the arguments | fails: test_sample_log_uniform_errors
-        raise ValueError(f"low_exp = {low_exp} is larger than high_exp = {high_exp}")
+        raise ValueError("invalid range")
