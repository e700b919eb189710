# Mutation suite for notebook 03 (read by tests/test_examples.py; never imported).
# Each "# %% <function> correct|wrong: <what> | fails: <test cells>" section is one submission:
# the solution notebook with that one function replaced. A wrong variant must lose exactly the
# cells it names and keep every other point; a correct variant must keep every point.

# %% random_search correct: draws every try at once and picks the best with argmin
def random_search(loss_fn, shape, num_tries, scale=1e-3, rng=None):
    rng = np.random.default_rng(rng)
    tries = scale * rng.standard_normal((num_tries, *shape))
    losses = np.array([loss_fn(W) for W in tries])
    best = int(np.argmin(losses))
    return tries[best], float(losses[best]), losses

# %% random_search wrong: off by one, range(1, num_tries) makes one try too few | fails: test_random_search
-    losses = np.empty(num_tries)
+    losses = np.empty(num_tries - 1)
-    for k in range(num_tries):
+    for k in range(num_tries - 1):

# %% random_search wrong: comparison flipped, keeps the worst try | fails: test_random_search
-    best_W, best_loss = None, np.inf        # no starting point: the first try always becomes the best
+    best_W, best_loss = None, -np.inf
-        if losses[k] < best_loss:
+        if losses[k] > best_loss:

# %% random_search wrong: updates the best loss but returns the last W tried | fails: test_random_search
-    return best_W, best_loss, losses
+    return W, best_loss, losses

# %% random_search wrong: records the best loss so far instead of each try's loss | fails: test_random_search
-            best_W, best_loss = W, float(losses[k])
+            best_W, best_loss = W, float(losses[k])
+        losses[k] = best_loss

# %% random_search wrong: rng.normal(scale, size=shape) passes scale as the mean, not the spread | fails: test_random_search_draws
-        W = scale * rng.standard_normal(shape)
+        W = rng.normal(scale, size=shape)

# %% random_search wrong: draws from np.random as in the lecture notes, ignoring rng | fails: test_random_search_draws
-        W = scale * rng.standard_normal(shape)
+        W = np.random.randn(*shape) * scale

# %% random_search wrong: uniform draws in [0, scale) instead of normal ones | fails: test_random_search_draws
-        W = scale * rng.standard_normal(shape)
+        W = scale * rng.random(shape)

# %% random_local_search correct: preallocated history, rng.normal with mean 0, a copy made by astype
def random_local_search(loss_fn, W0, step_size, num_iters, rng=None):
    rng = np.random.default_rng(rng)
    current = np.asarray(W0).astype(float)
    best = loss_fn(current)
    history = np.zeros(num_iters)
    for i in range(num_iters):
        candidate = current + rng.normal(0.0, step_size, size=current.shape)
        value = loss_fn(candidate)
        if value < best:
            current, best = candidate, value
        history[i] = best
    return current, best, history

# %% random_local_search wrong: starts from bestloss = inf as in the lecture notes, so the first step is always kept | fails: test_random_local_search_only_improving
-    loss = float(loss_fn(W))                 # the start counts: a step must beat W0's own loss
+    loss = float("inf")

# %% random_local_search wrong: keeps ties (<=), so it drifts on a flat loss | fails: test_random_local_search_only_improving
-        if loss_try < loss:                  # strictly lower: a tie is not an improvement
+        if loss_try <= loss:

# %% random_local_search wrong: steps W0 in place (W = W0, then W += step and W -= step to undo) | fails: test_random_local_search
-    W = np.array(W0, dtype=float)            # a copy: W0 itself is never changed
+    W = W0
-            W, loss = W_try, loss_try
+            W += W_try - W
+            loss = loss_try

# %% random_local_search wrong: proposes around W0 every time instead of around the current W | fails: test_random_local_search test_random_local_search_steps
-        W_try = W + step_size * rng.standard_normal(W.shape)
+        W_try = W0 + step_size * rng.standard_normal(W.shape)

# %% random_local_search wrong: puts the starting loss into losses too (num_iters + 1 entries) | fails: test_random_local_search
-    losses = np.empty(num_iters)
+    losses = np.empty(num_iters + 1)
+    losses[0] = loss
-        losses[i] = loss
+        losses[i + 1] = loss

# %% random_local_search wrong: records each proposal's loss instead of the best so far | fails: test_random_local_search test_random_local_search_only_improving
-        losses[i] = loss
+        losses[i] = loss_try

# %% random_local_search wrong: uniform steps in [-step_size, step_size] instead of normal ones | fails: test_random_local_search_steps
-        W_try = W + step_size * rng.standard_normal(W.shape)
+        W_try = W + rng.uniform(-step_size, step_size, size=W.shape)

# %% random_local_search wrong: draws its steps from np.random, ignoring rng | fails: test_random_local_search_steps
-        W_try = W + step_size * rng.standard_normal(W.shape)
+        W_try = W + step_size * np.random.randn(*W.shape)
