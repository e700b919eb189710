# Mutation suite for notebook 10 (read by tests/test_examples.py; never imported).
# Each "# %% <function> correct|wrong: <what> | fails: <test cells>" section is one submission:
# the solution notebook with that one function replaced. A wrong variant must lose exactly the
# cells it names and keep every other point; a correct variant must keep every point.
# The tests of random_hyperparameter_search check properties (ranges, shares, sorting, scores
# recomputed from the params), never draw for draw, so correct variants may draw in any order.

# %% train_val_split correct: rng.choice without replacement for the validation part, a boolean mask for the rest
def train_val_split(X, y, val_fraction, rng=None):
    if val_fraction <= 0 or val_fraction >= 1:
        raise ValueError("val_fraction should be in the open interval (0, 1)")
    generator = np.random.default_rng(rng)
    n = X.shape[0]
    val = generator.choice(n, size=int(np.round(val_fraction * n)), replace=False)
    keep = np.ones(n, dtype=bool)
    keep[val] = False
    return X[keep], y[keep], X[val], y[val]

# %% train_val_split correct: np.take with a shuffled index array, validation part taken from the end
def train_val_split(X, y, val_fraction, rng=None):
    if not (0.0 < float(val_fraction) < 1.0):
        raise ValueError(f"bad val_fraction {val_fraction}")
    index = np.arange(len(y))
    np.random.default_rng(rng).shuffle(index)
    cut = len(y) - round(len(y) * val_fraction)
    return (np.take(X, index[:cut], axis=0), np.take(y, index[:cut]),
            np.take(X, index[cut:], axis=0), np.take(y, index[cut:]))

# %% train_val_split wrong: truncates with int() instead of rounding | fails: test_train_val_split
-    num_val = int(round(val_fraction * len(X)))
+    num_val = int(val_fraction * len(X))

# %% train_val_split wrong: rounds up with ceil | fails: test_train_val_split
-    num_val = int(round(val_fraction * len(X)))
+    num_val = int(np.ceil(val_fraction * len(X)))

# %% train_val_split wrong: shuffles X and y with two different permutations | fails: test_train_val_split
-    return X[train], y[train], X[val], y[val]
+    order_y = rng.permutation(len(y))
+    return X[train], y[order_y[num_val:]], X[val], y[order_y[:num_val]]

# %% train_val_split wrong: shuffles the caller's X and y in place | fails: test_train_val_split
-    return X[train], y[train], X[val], y[val]
+    X[:], y[:] = X[order], y[order]
+    return X[num_val:], y[num_val:], X[:num_val], y[:num_val]

# %% train_val_split wrong: the validation examples stay in the training part too | fails: test_train_val_split
-    val, train = order[:num_val], order[num_val:]
+    val, train = order[:num_val], order

# %% train_val_split wrong: the last rows become the validation part, no shuffling | fails: test_train_val_split
-    order = rng.permutation(len(X))
+    order = np.roll(np.arange(len(X)), num_val)

# %% train_val_split wrong: returns scikit-learn's order (X_train, X_val, y_train, y_val) | fails: test_train_val_split
-    return X[train], y[train], X[val], y[val]
+    return X[train], X[val], y[train], y[val]

# %% train_val_split wrong: draws from np.random, ignoring rng | fails: test_train_val_split
-    order = rng.permutation(len(X))
+    order = np.random.permutation(len(X))

# %% train_val_split wrong: accepts val_fraction 0 and 1 (closed interval) | fails: test_train_val_split_errors
-    if not 0 < val_fraction < 1:
+    if not 0 <= val_fraction <= 1:

# %% train_val_split wrong: checks val_fraction with assert, which raises AssertionError | fails: test_train_val_split_errors
-    if not 0 < val_fraction < 1:
-        raise ValueError(f"val_fraction must lie strictly between 0 and 1, got {val_fraction!r}")
+    assert 0 < val_fraction < 1, "val_fraction must lie strictly between 0 and 1"

# %% train_val_split wrong: does not check val_fraction at all | fails: test_train_val_split_errors
-    if not 0 < val_fraction < 1:
-        raise ValueError(f"val_fraction must lie strictly between 0 and 1, got {val_fraction!r}")

# %% random_hyperparameter_search correct: all draws of a name at once, then np.argsort on the negated scores
def random_hyperparameter_search(train_fn, space, num_trials, rng=None):
    for name, spec in space.items():
        if spec[0] not in ("log", "uniform"):
            raise ValueError(f"{name}: kind must be 'log' or 'uniform', not {spec[0]!r}")
    rng = np.random.default_rng(rng)
    columns = {}
    for name, (kind, low, high) in space.items():
        u = rng.uniform(low, high, size=num_trials)
        columns[name] = 10.0 ** u if kind == "log" else u
    params = [{name: float(columns[name][k]) for name in space} for k in range(num_trials)]
    scores = np.array([train_fn(**p) for p in params], dtype=float)
    return [{"params": params[k], "score": float(scores[k])} for k in np.argsort(-scores, kind="stable")]

# %% random_hyperparameter_search correct: samplers in a dict, low + (high - low) * rng.random(), list.sort
def random_hyperparameter_search(train_fn, space, num_trials, rng=None):
    samplers = {"uniform": lambda u: u, "log": lambda u: 10 ** u}
    unknown = [kind for kind, _, _ in space.values() if kind not in samplers]
    if unknown:
        raise ValueError(f"unknown kind(s) {unknown}; use one of {sorted(samplers)}")
    if not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(rng)
    trials = []
    for _ in range(num_trials):
        params = {name: samplers[kind](low + (high - low) * rng.random()) for name, (kind, low, high) in space.items()}
        trials.append({"params": params, "score": float(train_fn(**params))})
    trials.sort(key=lambda trial: -trial["score"])
    return trials

# %% random_hyperparameter_search wrong: kind 'log' drawn uniformly between 10**low and 10**high | fails: test_random_hyperparameter_search_distribution
-            value = rng.uniform(low, high)
-            params[name] = float(10.0 ** value if kind == "log" else value)
+            params[name] = rng.uniform(10.0 ** low, 10.0 ** high) if kind == "log" else rng.uniform(low, high)

# %% random_hyperparameter_search wrong: forgets 10**, returns the exponent | fails: test_random_hyperparameter_search test_random_hyperparameter_search_distribution
-            params[name] = float(10.0 ** value if kind == "log" else value)
+            params[name] = float(value)

# %% random_hyperparameter_search wrong: natural exponent np.exp instead of 10** | fails: test_random_hyperparameter_search test_random_hyperparameter_search_distribution
-            params[name] = float(10.0 ** value if kind == "log" else value)
+            params[name] = float(np.exp(value) if kind == "log" else value)

# %% random_hyperparameter_search wrong: sorted worst first (ascending) | fails: test_random_hyperparameter_search
-    return sorted(trials, key=lambda trial: trial["score"], reverse=True)
+    return sorted(trials, key=lambda trial: trial["score"])

# %% random_hyperparameter_search wrong: returns the trials in the order they were run, unsorted | fails: test_random_hyperparameter_search
-    return sorted(trials, key=lambda trial: trial["score"], reverse=True)
+    return trials

# %% random_hyperparameter_search wrong: sorts the scores but not the params with them | fails: test_random_hyperparameter_search
-    return sorted(trials, key=lambda trial: trial["score"], reverse=True)
+    scores = sorted((trial["score"] for trial in trials), reverse=True)
+    return [{"params": trial["params"], "score": score} for trial, score in zip(trials, scores)]

# %% random_hyperparameter_search wrong: draws the params once and reuses them in every trial | fails: test_random_hyperparameter_search test_random_hyperparameter_search_distribution
-        trials.append({"params": params, "score": float(train_fn(**params))})
+        trials.append({"params": params, "score": float(train_fn(**params))})
+        space = {name: ("uniform", value, value) for name, value in params.items()}

# %% random_hyperparameter_search wrong: one random number per trial, shared by every hyperparameter | fails: test_random_hyperparameter_search_distribution
-        params = {}
+        params, t = {}, rng.random()
-            value = rng.uniform(low, high)
+            value = low + (high - low) * t

# %% random_hyperparameter_search wrong: draws from np.random, ignoring rng | fails: test_random_hyperparameter_search
-            value = rng.uniform(low, high)
+            value = np.random.uniform(low, high)

# %% random_hyperparameter_search wrong: any kind other than 'log' is drawn uniformly, no error | fails: test_random_hyperparameter_search_errors
-    for name, (kind, low, high) in space.items():
-        if kind not in known:
-            raise ValueError(f"unknown kind {kind!r} for hyperparameter {name!r}; "
-                             f"the known kinds are {', '.join(repr(k) for k in known)}")

# %% random_hyperparameter_search wrong: looks the kind up in a dict, so an unknown kind raises KeyError | fails: test_random_hyperparameter_search_errors
-    for name, (kind, low, high) in space.items():
-        if kind not in known:
-            raise ValueError(f"unknown kind {kind!r} for hyperparameter {name!r}; "
-                             f"the known kinds are {', '.join(repr(k) for k in known)}")
+    for name, (kind, low, high) in space.items():
+        {"log": None, "uniform": None}[kind]

# %% random_hyperparameter_search wrong: the error message names only the unknown kind | fails: test_random_hyperparameter_search_errors
-            raise ValueError(f"unknown kind {kind!r} for hyperparameter {name!r}; "
-                             f"the known kinds are {', '.join(repr(k) for k in known)}")
+            raise ValueError(f"unknown kind {kind!r}")

# %% random_hyperparameter_search wrong: checks each kind only while drawing, so num_trials=0 never raises | fails: test_random_hyperparameter_search_errors
-    for name, (kind, low, high) in space.items():
-        if kind not in known:
-            raise ValueError(f"unknown kind {kind!r} for hyperparameter {name!r}; "
-                             f"the known kinds are {', '.join(repr(k) for k in known)}")
-    rng = np.random.default_rng(rng)
+    rng = np.random.default_rng(rng)
-            value = rng.uniform(low, high)
+            if kind not in known:
+                raise ValueError(f"unknown kind {kind!r} for hyperparameter {name!r}; "
+                                 f"the known kinds are {', '.join(repr(k) for k in known)}")
+            value = rng.uniform(low, high)

# %% early_stopping correct: counts down the patience left, NaN tested with math.isnan
def early_stopping(val_losses, patience):
    if patience < 0:
        raise ValueError("patience cannot be negative")
    best, best_loss, since = None, float("inf"), 0
    for epoch in range(len(val_losses)):
        loss = float(val_losses[epoch])
        if math.isnan(loss) or loss >= best_loss:
            since += 1
            if since == patience + 1:
                return best, epoch
            continue
        best, best_loss, since = epoch, loss, 0
    return best, len(val_losses) - 1

# %% early_stopping wrong: a tie counts as an improvement | fails: test_early_stopping
-        if loss < best_loss:                     # False for a tie and for NaN
+        if loss <= best_loss:

# %% early_stopping wrong: stops when the count reaches patience, one epoch early | fails: test_early_stopping test_early_stopping_edge_cases
-            if waited > patience:
+            if waited >= patience:

# %% early_stopping wrong: looks ahead, the best epoch is the argmin of all the losses | fails: test_early_stopping test_early_stopping_edge_cases
-                return best_epoch, epoch
+                return int(np.argmin(val_losses)), epoch

# %% early_stopping wrong: NaN counts as an improvement | fails: test_early_stopping_edge_cases
-        if loss < best_loss:                     # False for a tie and for NaN
+        if not loss >= best_loss:

# %% early_stopping wrong: a negative patience is not refused | fails: test_early_stopping_edge_cases
-    if patience < 0:
-        raise ValueError(f"patience must be an int >= 0, got {patience!r}")
