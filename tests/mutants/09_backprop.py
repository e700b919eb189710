# Mutation suite for notebook 09 (read by tests/test_examples.py; never imported).
# Each "# %% <function> correct|wrong: <what> | fails: <test cells>" section is one submission:
# the solution notebook with that one function (or class) replaced. A wrong variant must lose exactly
# the cells it names and keep every other point; a correct variant must keep every point.
# The layer functions are used by TwoLayerNet, so a broken layer also costs the network's test cells.

# %% affine_forward correct: np.dot on the flattened input, the bias broadcast as a row
def affine_forward(x, w, b):
    flat = np.reshape(x, (len(x), int(np.prod(x.shape[1:]))))
    return np.dot(flat, w) + b[np.newaxis, :], (x, w, b)

# %% affine_forward wrong: no reshape, so a batch of images fails | fails: test_affine_forward
-    out = x.reshape(x.shape[0], -1) @ w + b
+    out = x @ w + b

# %% affine_forward wrong: forgets the bias | fails: test_affine_forward
-    out = x.reshape(x.shape[0], -1) @ w + b
+    out = x.reshape(x.shape[0], -1) @ w

# %% affine_forward wrong: caches the flattened x, so the backward pass cannot restore its shape | fails: test_affine_forward
-    out = x.reshape(x.shape[0], -1) @ w + b
+    x = x.reshape(x.shape[0], -1)
+    out = x @ w + b

# %% affine_backward correct: einsum for every product
def affine_backward(dout, cache):
    x, w, b = cache
    flat = x.reshape(len(x), -1)
    dx = np.einsum("nm,dm->nd", dout, w).reshape(x.shape)
    dw = np.einsum("nd,nm->dm", flat, dout)
    return dx, dw, dout.sum(axis=0)

# %% affine_backward wrong: dx not reshaped back to the shape of x | fails: test_affine_backward
-    dx = (dout @ w.T).reshape(x.shape)
+    dx = dout @ w.T

# %% affine_backward wrong: db summed over the wrong axis (its shape (N,) is not that of b: the class's tests use a stand-in) | fails: test_affine_backward
-    db = np.sum(dout, axis=0)
+    db = np.sum(dout, axis=1)

# %% affine_backward wrong: dw transposed, dout.T @ x (the class's tests use a stand-in for its wrong shape) | fails: test_affine_backward
-    dw = x.reshape(x.shape[0], -1).T @ dout
+    dw = dout.T @ x.reshape(x.shape[0], -1)

# %% affine_backward wrong: db averaged over the batch instead of summed | fails: test_affine_backward
-    db = np.sum(dout, axis=0)
+    db = np.mean(dout, axis=0)

# %% relu_forward correct: multiplies by the mask
def relu_forward(x):
    return x * (x > 0), x

# %% relu_forward wrong: sets the negative entries of x to 0 in place (no copy) | fails: test_relu_forward
-    out = np.maximum(0.0, x)
-    return out, x
+    x[x < 0] = 0.0
+    return x, x

# %% relu_forward wrong: np.max(x, 0), a maximum over axis 0, instead of np.maximum (the class's tests use a stand-in for its wrong shape) | fails: test_relu_forward
-    out = np.maximum(0.0, x)
+    out = np.max(x, 0)

# %% relu_forward wrong: returns the 0/1 mask, the derivative, instead of max(0, x) | fails: test_relu_forward
-    out = np.maximum(0.0, x)
+    out = (x > 0).astype(float)

# %% relu_backward correct: np.where on the cached input
def relu_backward(dout, cache):
    return np.where(cache > 0, dout, 0.0)

# %% relu_backward wrong: the textbook's dout[mask] = 0, which changes the caller's dout | fails: test_relu_backward
-    return dout * (x > 0)
+    dout[x <= 0] = 0.0
+    return dout

# %% relu_backward correct: derivative 1 at x = 0 (x >= 0), a valid subgradient (a warning)
def relu_backward(dout, cache):
    return dout * (cache >= 0)

# %% relu_backward wrong: returns the mask without multiplying by dout | fails: test_relu_backward
-    return dout * (x > 0)
+    return (x > 0).astype(float)

# %% relu_backward wrong: multiplies dout by the output max(0, x) instead of the mask | fails: test_relu_backward
-    return dout * (x > 0)
+    return dout * np.maximum(0.0, x)

# %% sigmoid_forward correct: exp of minus a logaddexp
def sigmoid_forward(x):
    out = np.exp(-np.logaddexp(0.0, -x))
    return out, out

# %% sigmoid_forward correct: the textbook formula, which overflows with a warning but gives the right values
def sigmoid_forward(x):
    with np.errstate(over="ignore"):
        out = 1.0 / (1.0 + np.exp(-x))
    return out, out

# %% sigmoid_forward wrong: exp(x) / (1 + exp(x)), nan for large x | fails: test_sigmoid_forward_large
-    z = np.exp(-np.abs(x))
-    out = np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))
+    out = np.exp(x) / (1.0 + np.exp(x))

# %% sigmoid_forward wrong: caches x instead of the output | fails: test_sigmoid_forward
-    return out, out
+    return out, x

# %% sigmoid_forward wrong: exp(+x) in the denominator: sigma(-x) | fails: test_sigmoid_forward test_sigmoid_forward_large
-    out = np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))
+    out = np.where(x <= 0, 1.0 / (1.0 + z), z / (1.0 + z))

# %% sigmoid_backward correct: out - out**2
def sigmoid_backward(dout, cache):
    return dout * (cache - cache ** 2)

# %% sigmoid_backward wrong: treats the cache as x and applies the sigmoid again | fails: test_sigmoid_backward
-    out = cache
+    out = 1.0 / (1.0 + np.exp(-cache))

# %% sigmoid_backward wrong: forgets the upstream gradient | fails: test_sigmoid_backward
-    return dout * out * (1.0 - out)
+    return out * (1.0 - out)

# %% sigmoid_backward wrong: multiplies dout in place | fails: test_sigmoid_backward
-    return dout * out * (1.0 - out)
+    dout *= out * (1.0 - out)
+    return dout

# %% softmax_loss correct: probabilities from a log-sum-exp, the one-hot labels subtracted
def softmax_loss(scores, y):
    n = len(y)
    top = scores.max(axis=1, keepdims=True)
    log_norm = top + np.log(np.exp(scores - top).sum(axis=1, keepdims=True))
    probs = np.exp(scores - log_norm)
    loss = np.sum(log_norm[:, 0] - scores[np.arange(n), y]) / n
    return loss, (probs - np.eye(scores.shape[1])[y]) / n

# %% softmax_loss wrong: no max shift, so large scores overflow | fails: test_softmax_loss_large_scores
-    shifted = scores - np.max(scores, axis=1, keepdims=True)
+    shifted = scores

# %% softmax_loss wrong: dscores not divided by N | fails: test_softmax_loss test_softmax_loss_large_scores
-    dscores /= N

# %% softmax_loss wrong: the loss summed over the batch instead of averaged | fails: test_softmax_loss test_softmax_loss_large_scores
-    loss = -np.mean(log_probs[np.arange(N), y])
+    loss = -np.sum(log_probs[np.arange(N), y])

# %% softmax_loss wrong: shifts the caller's scores in place | fails: test_softmax_loss
-    shifted = scores - np.max(scores, axis=1, keepdims=True)
+    scores -= np.max(scores, axis=1, keepdims=True)
+    shifted = scores

# %% TwoLayerNet correct: everything inline with NumPy, rng.normal, a while loop over batches, the learning rate written into each config, the history loss weighted by batch size
class TwoLayerNet:
    RULES = ("sgd", "sgd_momentum", "nesterov_momentum", "adagrad", "rmsprop", "adam")

    def __init__(self, input_size, hidden_size, output_size, std=1e-4, rng=None):
        generator = np.random.default_rng(rng)
        W1 = generator.normal(0.0, std, size=(input_size, hidden_size))
        W2 = generator.normal(0.0, std, size=(hidden_size, output_size))
        self.params = {"W1": W1, "b1": np.zeros(hidden_size), "W2": W2, "b2": np.zeros(output_size)}

    def loss(self, X, y=None, reg=0.0):
        p = self.params
        z = np.dot(X, p["W1"]) + p["b1"]
        a = np.where(z > 0, z, 0.0)
        s = np.dot(a, p["W2"]) + p["b2"]
        if y is None:
            return s
        n = X.shape[0]
        log_p = s - s.max(axis=1, keepdims=True)
        log_p = log_p - np.log(np.exp(log_p).sum(axis=1, keepdims=True))
        loss = -log_p[np.arange(n), y].sum() / n + reg * ((p["W1"] ** 2).sum() + (p["W2"] ** 2).sum())
        ds = np.exp(log_p)
        ds[np.arange(n), y] -= 1
        ds /= n
        da = ds.dot(p["W2"].T) * (z > 0)
        return loss, {"W1": X.T.dot(da) + 2 * reg * p["W1"], "b1": da.sum(0),
                      "W2": a.T.dot(ds) + 2 * reg * p["W2"], "b2": ds.sum(0)}

    def train(self, X, y, X_val, y_val, learning_rate=1e-3, learning_rate_decay=0.95, reg=5e-6,
              num_epochs=10, batch_size=200, update="sgd", rng=None, verbose=False):
        if update not in self.RULES:
            raise ValueError("update must be one of " + ", ".join(self.RULES) + f", not {update!r}")
        step = globals()[update]
        generator = np.random.default_rng(rng)
        state = {name: {} for name in self.params}
        history = {"loss": [], "train_acc": [], "val_acc": []}
        lr = learning_rate
        for _ in range(num_epochs):
            indices = np.arange(len(X))
            generator.shuffle(indices)
            total, start = 0.0, 0
            while start < len(X):
                batch = indices[start:start + batch_size]
                start += batch_size
                loss, grads = self.loss(X[batch], y[batch], reg)
                total += loss * len(batch)
                for name in list(self.params):
                    state[name]["learning_rate"] = lr
                    new, state[name] = step(self.params[name], grads[name], state[name])
                    self.params[name] = new.astype(self.params[name].dtype)
            history["loss"].append(total / len(X))
            history["train_acc"].append((self.predict(X) == y).mean())
            history["val_acc"].append((self.predict(X_val) == y_val).mean())
            lr *= learning_rate_decay
        return history

    def predict(self, X):
        scores = self.loss(X)
        probs = np.exp(scores - scores.max(axis=1, keepdims=True))
        return probs.argmax(axis=1)

# %% TwoLayerNet wrong: regularizes the biases too | fails: test_TwoLayerNet_loss
-        loss = data_loss + reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
+        loss = data_loss + reg * (np.sum(W1 * W1) + np.sum(W2 * W2) + np.sum(b1 * b1) + np.sum(b2 * b2))
-        grads = {"W1": dW1 + 2 * reg * W1, "b1": db1, "W2": dW2 + 2 * reg * W2, "b2": db2}
+        grads = {"W1": dW1 + 2 * reg * W1, "b1": db1 + 2 * reg * b1, "W2": dW2 + 2 * reg * W2, "b2": db2 + 2 * reg * b2}

# %% TwoLayerNet wrong: the penalty's gradient without the factor 2 (reg * W) | fails: test_TwoLayerNet_loss
-        grads = {"W1": dW1 + 2 * reg * W1, "b1": db1, "W2": dW2 + 2 * reg * W2, "b2": db2}
+        grads = {"W1": dW1 + reg * W1, "b1": db1, "W2": dW2 + reg * W2, "b2": db2}

# %% TwoLayerNet wrong: the penalty in the loss but not in the gradients | fails: test_TwoLayerNet_loss
-        grads = {"W1": dW1 + 2 * reg * W1, "b1": db1, "W2": dW2 + 2 * reg * W2, "b2": db2}
+        grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

# %% TwoLayerNet wrong: no learning-rate decay | fails: test_TwoLayerNet_train test_TwoLayerNet_train_epochs test_TwoLayerNet_train_rules
-                config["learning_rate"] *= learning_rate_decay
+                pass

# %% TwoLayerNet wrong: an unknown update name silently falls back to sgd | fails: test_TwoLayerNet_train_errors
-        if update not in rules:
-            raise ValueError(f"unknown update rule {update!r}; the known ones are {', '.join(rules)}")
-        rule = rules[update]
+        rule = rules.get(update, sgd)

# %% TwoLayerNet wrong: never shuffles: the batches in the stored order every epoch | fails: test_TwoLayerNet_train_epochs
-            order = rng.permutation(num_train)
+            order = np.arange(num_train)

# %% TwoLayerNet wrong: the textbook's batches drawn with replacement, ceil(N / B) of them per epoch | fails: test_TwoLayerNet_train test_TwoLayerNet_train_epochs test_TwoLayerNet_train_rules
-                batch = order[start:start + batch_size]
+                batch = rng.integers(0, num_train, size=min(batch_size, num_train))

# %% TwoLayerNet wrong: N // batch_size batches: the remainder is dropped | fails: test_TwoLayerNet_train test_TwoLayerNet_train_epochs
-            for start in range(0, num_train, batch_size):
+            for start in range(0, num_train // batch_size * batch_size, batch_size):

# %% TwoLayerNet wrong: one config dict for all four parameters | fails: test_TwoLayerNet_train_rules
-        configs = {name: {"learning_rate": learning_rate} for name in self.params}
+        config = {"learning_rate": learning_rate}
-                    next_w, configs[name] = rule(w, grads[name], configs[name])
+                    next_w, config = rule(w, grads[name], config)
-            for config in configs.values():
-                config["learning_rate"] *= learning_rate_decay
+            config["learning_rate"] *= learning_rate_decay

# %% TwoLayerNet wrong: a fresh config at every update, so momentum and caches are lost | fails: test_TwoLayerNet_train_rules
-                    next_w, configs[name] = rule(w, grads[name], configs[name])
+                    next_w, _ = rule(w, grads[name], {"learning_rate": configs[name]["learning_rate"]})

# %% TwoLayerNet wrong: draws W2 before W1 | fails: test_TwoLayerNet_init
-        self.params = {
-            "W1": std * rng.standard_normal((input_size, hidden_size)),
-            "b1": np.zeros(hidden_size),
-            "W2": std * rng.standard_normal((hidden_size, output_size)),
-            "b2": np.zeros(output_size),
-        }
+        W2 = std * rng.standard_normal((hidden_size, output_size))
+        W1 = std * rng.standard_normal((input_size, hidden_size))
+        self.params = {"W1": W1, "b1": np.zeros(hidden_size), "W2": W2, "b2": np.zeros(output_size)}

# %% TwoLayerNet wrong: loss(X) returns softmax probabilities instead of scores | fails: test_TwoLayerNet_scores
-            return scores
+            probs = np.exp(scores - scores.max(axis=1, keepdims=True))
+            return probs / probs.sum(axis=1, keepdims=True)

# %% TwoLayerNet wrong: predict takes the argmax over axis 0 | fails: test_TwoLayerNet_predict test_TwoLayerNet_train test_TwoLayerNet_train_epochs test_TwoLayerNet_train_rules
-        return np.argmax(self.loss(X), axis=1)
+        return np.argmax(self.loss(X), axis=0)

# %% TwoLayerNet wrong: the history keeps the last batch's loss, not the epoch's mean | fails: test_TwoLayerNet_train_epochs
-            history["loss"].append(float(np.mean(batch_losses)))
+            history["loss"].append(float(batch_losses[-1]))

# %% TwoLayerNet wrong: the penalty's gradient added to the biases' gradients too (the loss itself is right) | fails: test_TwoLayerNet_loss
-        grads = {"W1": dW1 + 2 * reg * W1, "b1": db1, "W2": dW2 + 2 * reg * W2, "b2": db2}
+        grads = {"W1": dW1 + 2 * reg * W1, "b1": db1 + 2 * reg * b1, "W2": dW2 + 2 * reg * W2, "b2": db2 + 2 * reg * b2}

# %% affine_backward wrong: unpacks the cache as (x, w), which raises: the class's tests use a stand-in | fails: test_affine_backward
-    x, w, b = cache
+    x, w = cache

# %% affine_backward wrong: hands the work to the tests' own stand-in, which answers only inside those tests | fails: test_affine_backward
-    x, w, b = cache
+    from autograder.standins import affine_backward as stand_in
+    return stand_in(dout, cache)

# %% relu_forward wrong: returns a cache it never defined (NameError): the class's tests use a stand-in | fails: test_relu_forward
-    return out, x
+    return out, cache

# %% relu_backward wrong: unpacks the cache as a tuple (x, = cache), which raises: the class's tests use a stand-in | fails: test_relu_backward
-    x = cache
+    x, = cache

# %% TwoLayerNet wrong: with a wrong layer too (a leaky relu_forward, redefined in this cell), the penalty's gradient without the factor 2 | fails: test_TwoLayerNet_loss
-class TwoLayerNet:
+def relu_forward(x):
+    return np.where(x > 0, x, 0.1 * x), x
+
+
+class TwoLayerNet:
-        grads = {"W1": dW1 + 2 * reg * W1, "b1": db1, "W2": dW2 + 2 * reg * W2, "b2": db2}
+        grads = {"W1": dW1 + reg * W1, "b1": db1, "W2": dW2 + reg * W2, "b2": db2}

# %% TwoLayerNet wrong: with a layer that raises (relu_backward redefined in this cell), the penalty in the loss but not in the gradients | fails: test_TwoLayerNet_loss
-class TwoLayerNet:
+def relu_backward(dout, cache):
+    x, = cache
+    return dout * (x > 0)
+
+
+class TwoLayerNet:
-        grads = {"W1": dW1 + 2 * reg * W1, "b1": db1, "W2": dW2 + 2 * reg * W2, "b2": db2}
+        grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
