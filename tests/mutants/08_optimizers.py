# Mutation suite for notebook 08 (read by tests/test_examples.py; never imported).
# Each "# %% <function> correct|wrong: <what> | fails: <test cells>" section is one submission:
# the solution notebook with that one function replaced. A wrong variant must lose exactly the
# cells it names and keep every other point; a correct variant must keep every point.

# %% sgd correct: the defaults merged into a new dict, np.subtract
def sgd(w, dw, config=None):
    config = {"learning_rate": 1e-2, **(config or {})}
    return np.subtract(w, config["learning_rate"] * np.asarray(dw)), config

# %% sgd wrong: steps uphill (adds the gradient) | fails: test_sgd
-    next_w = w - config["learning_rate"] * dw
+    next_w = w + config["learning_rate"] * dw

# %% sgd wrong: updates w in place | fails: test_sgd_config
-    next_w = w - config["learning_rate"] * dw
+    w -= config["learning_rate"] * dw
+    next_w = w

# %% sgd correct: fills the defaults into the caller's dict (CS231n style: rule 2 is a warning)
def sgd(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    return w - config["learning_rate"] * dw, config

# %% sgd wrong: always steps with the default learning rate | fails: test_sgd
-    next_w = w - config["learning_rate"] * dw
+    next_w = w - 1e-2 * dw

# %% sgd wrong: does not return the defaults it used | fails: test_sgd_config
-    config = {} if config is None else dict(config)
-    config.setdefault("learning_rate", 1e-2)
-    next_w = w - config["learning_rate"] * dw
+    next_w = w - (1e-2 if config is None else config.get("learning_rate", 1e-2)) * dw

# %% sgd_momentum correct: the velocity formula written the other way round, the step added to a copy
def sgd_momentum(w, dw, config=None):
    config = dict(config) if config else {}
    lr = config.setdefault("learning_rate", 1e-2)
    mu = config.setdefault("momentum", 0.9)
    velocity = -lr * dw + mu * config.get("velocity", 0.0)
    next_w = np.array(w, dtype=float, copy=True)
    next_w += velocity
    config["velocity"] = velocity * np.ones_like(next_w)
    return next_w, config

# %% sgd_momentum wrong: PyTorch's velocity (v = mu v + lr dw, w - v) stored under CS231n's name | fails: test_sgd_momentum
-    v = config["momentum"] * v - config["learning_rate"] * dw
-    next_w = w + v
+    v = config["momentum"] * v + config["learning_rate"] * dw
+    next_w = w - v

# %% sgd_momentum wrong: the velocity is not accumulated (forgets momentum * v) | fails: test_sgd_momentum
-    v = config["momentum"] * v - config["learning_rate"] * dw
+    v = -config["learning_rate"] * dw

# %% sgd_momentum wrong: steps with the old velocity before updating it | fails: test_sgd_momentum
-    v = config["momentum"] * v - config["learning_rate"] * dw
-    next_w = w + v
+    next_w = w + v
+    v = config["momentum"] * v - config["learning_rate"] * dw

# %% sgd_momentum correct: updates the caller's velocity array in place (rule 2 is a warning)
def sgd_momentum(w, dw, config=None):
    config = {} if config is None else dict(config)
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))
    v *= config["momentum"]
    v -= config["learning_rate"] * dw
    config["velocity"] = v
    return w + v, config

# %% sgd_momentum wrong: momentum default 0.5 | fails: test_sgd_momentum test_sgd_momentum_config
-    config.setdefault("momentum", 0.9)
+    config.setdefault("momentum", 0.5)

# %% nesterov_momentum correct: PyTorch's nesterov step, w + mu v_new - lr dw
def nesterov_momentum(w, dw, config=None):
    config = {} if config is None else dict(config)
    lr, mu = config.setdefault("learning_rate", 1e-2), config.setdefault("momentum", 0.9)
    v = mu * config.get("velocity", np.zeros_like(w, dtype=float)) - lr * dw
    config["velocity"] = v
    return w + mu * v - lr * dw, config

# %% nesterov_momentum wrong: plain momentum (w + v) | fails: test_nesterov_momentum
-    next_w = w - mu * v_prev + (1 + mu) * v
+    next_w = w + v

# %% nesterov_momentum wrong: + momentum * v_prev instead of - | fails: test_nesterov_momentum
-    next_w = w - mu * v_prev + (1 + mu) * v
+    next_w = w + mu * v_prev + (1 + mu) * v

# %% nesterov_momentum wrong: (1 - momentum) instead of (1 + momentum) | fails: test_nesterov_momentum
-    next_w = w - mu * v_prev + (1 + mu) * v
+    next_w = w - mu * v_prev + (1 - mu) * v

# %% nesterov_momentum correct: writes the velocity into the caller's dict (rule 2 is a warning)
def nesterov_momentum(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    mu = config["momentum"]
    v_prev = config.get("velocity", np.zeros_like(w))
    v = mu * v_prev - config["learning_rate"] * dw
    config["velocity"] = v
    return w - mu * v_prev + (1 + mu) * v, config

# %% adagrad correct: np.square and np.divide, the cache started from 0
def adagrad(w, dw, config=None):
    config = dict(config or {})
    lr = config.get("learning_rate", 1e-2)
    eps = config.get("epsilon", 1e-8)
    cache = config.get("cache", 0.0) + np.square(dw)
    config.update(learning_rate=lr, epsilon=eps, cache=cache)
    return w - np.divide(lr * dw, np.sqrt(cache) + eps), config

# %% adagrad wrong: epsilon inside the square root | fails: test_adagrad
-    next_w = w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"])
+    next_w = w - config["learning_rate"] * dw / np.sqrt(cache + config["epsilon"])

# %% adagrad wrong: the cache is not accumulated (only the last gradient) | fails: test_adagrad
-    cache = cache + dw ** 2
+    cache = dw ** 2

# %% adagrad wrong: divides by the cache, not by its square root | fails: test_adagrad
-    next_w = w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"])
+    next_w = w - config["learning_rate"] * dw / (cache + config["epsilon"])

# %% adagrad correct: accumulates into the caller's cache array in place (rule 2 is a warning)
def adagrad(w, dw, config=None):
    config = {} if config is None else dict(config)
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("epsilon", 1e-8)
    cache = config.get("cache", np.zeros_like(w))
    cache += dw ** 2
    config["cache"] = cache
    return w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"]), config

# %% adagrad wrong: DLFS's epsilon 1e-7 as the default | fails: test_adagrad test_adagrad_config
-    config.setdefault("epsilon", 1e-8)
+    config.setdefault("epsilon", 1e-7)

# %% rmsprop correct: DLFS's incremental form of the moving average, on a new array
def rmsprop(w, dw, config=None):
    config = {} if config is None else dict(config)
    for key, default in [("learning_rate", 1e-2), ("decay_rate", 0.99), ("epsilon", 1e-8)]:
        config.setdefault(key, default)
    cache = np.array(config.get("cache", np.zeros_like(w, dtype=float)), dtype=float, copy=True)
    cache += (1 - config["decay_rate"]) * (dw * dw - cache)
    config["cache"] = cache
    return w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"]), config

# %% rmsprop wrong: averages dw instead of dw**2 | fails: test_rmsprop
-    cache = rho * cache + (1 - rho) * dw ** 2
-    next_w = w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"])
+    cache = rho * cache + (1 - rho) * dw
+    next_w = w - config["learning_rate"] * dw / (np.sqrt(np.abs(cache)) + config["epsilon"])

# %% rmsprop wrong: the decay weights swapped | fails: test_rmsprop
-    cache = rho * cache + (1 - rho) * dw ** 2
+    cache = (1 - rho) * cache + rho * dw ** 2

# %% rmsprop wrong: epsilon inside the square root | fails: test_rmsprop
-    next_w = w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"])
+    next_w = w - config["learning_rate"] * dw / np.sqrt(cache + config["epsilon"])

# %% rmsprop wrong: Keras's decay_rate 0.9 as the default | fails: test_rmsprop test_rmsprop_config
-    config.setdefault("decay_rate", 0.99)
+    config.setdefault("decay_rate", 0.9)

# %% rmsprop wrong: updates w in place | fails: test_rmsprop_config
-    next_w = w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"])
+    w -= config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"])
+    next_w = w

# %% adam correct: the paper's efficient form, lr_t and epsilon_hat
def adam(w, dw, config=None):
    config = {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8, **(config or {})}
    b1, b2 = config["beta1"], config["beta2"]
    t = config.get("t", 0) + 1
    m = b1 * config.get("m", 0.0) + (1 - b1) * dw
    v = b2 * config.get("v", 0.0) + (1 - b2) * dw * dw
    lr_t = config["learning_rate"] * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
    eps_hat = config["epsilon"] * np.sqrt(1 - b2 ** t)
    config.update(m=m * np.ones_like(w, dtype=float), v=v * np.ones_like(w, dtype=float), t=t)
    return w - lr_t * m / (np.sqrt(v) + eps_hat), config

# %% adam correct: Kingma and Ba's efficient form with epsilon added to sqrt(v) (DLFS; a warning)
def adam(w, dw, config=None):
    config = {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8, **(config or {})}
    b1, b2 = config["beta1"], config["beta2"]
    t = config.get("t", 0) + 1
    m = b1 * config.get("m", np.zeros_like(w, dtype=float)) + (1 - b1) * dw
    v = b2 * config.get("v", np.zeros_like(w, dtype=float)) + (1 - b2) * dw ** 2
    lr_t = config["learning_rate"] * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
    config.update(m=m, v=v, t=t)
    return w - lr_t * m / (np.sqrt(v) + config["epsilon"]), config

# %% adam wrong: no bias correction | fails: test_adam
-    m_hat = m / (1 - beta1 ** t)
-    v_hat = v / (1 - beta2 ** t)
+    m_hat, v_hat = m, v

# %% adam wrong: t counted from 1 and incremented after use (the stored t is one ahead) | fails: test_adam
-    t = config.get("t", 0) + 1
+    t = config.get("t", 1)
-    config["m"], config["v"], config["t"] = m, v, t
+    config["m"], config["v"], config["t"] = m, v, t + 1

# %% adam wrong: epsilon inside the square root | fails: test_adam
-    next_w = w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"])
+    next_w = w - config["learning_rate"] * m_hat / np.sqrt(v_hat + config["epsilon"])

# %% adam wrong: stores the bias-corrected m_hat and v_hat as the state | fails: test_adam
-    config["m"], config["v"], config["t"] = m, v, t
+    config["m"], config["v"], config["t"] = m_hat, v_hat, t

# %% adam wrong: beta2 default 0.99 | fails: test_adam test_adam_config
-    config.setdefault("beta2", 0.999)
+    config.setdefault("beta2", 0.99)

# %% adam correct: CS231n style, the defaults and the state written into the caller's dict (rule 2 is a warning)
def adam(w, dw, config=None):
    if config is None:
        config = {}
    for key, default in [("learning_rate", 1e-3), ("beta1", 0.9), ("beta2", 0.999), ("epsilon", 1e-8)]:
        config.setdefault(key, default)
    config.setdefault("m", np.zeros_like(w))
    config.setdefault("v", np.zeros_like(w))
    config.setdefault("t", 0)
    config["t"] += 1
    config["m"] = config["beta1"] * config["m"] + (1 - config["beta1"]) * dw
    config["v"] = config["beta2"] * config["v"] + (1 - config["beta2"]) * dw ** 2
    m_hat = config["m"] / (1 - config["beta1"] ** config["t"])
    v_hat = config["v"] / (1 - config["beta2"] ** config["t"])
    return w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"]), config
