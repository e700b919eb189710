# Mutation suite for notebook 06 (read by tests/test_examples.py; never imported).
# Each "# %% <function> correct|wrong: <what> | fails: <test cells>" section is one submission:
# the solution notebook with that one function replaced. A wrong variant must lose exactly the
# cells it names and keep every other point; a correct variant must keep every point.

# %% svm_loss_naive correct: margins of one sample at a time as an array, loop over the wrong classes
def svm_loss_naive(W, X, y, reg):
    N, C = X.shape[0], W.shape[1]
    loss, dW = 0.0, np.zeros_like(W, dtype=float)
    for i in range(N):
        margins = X[i] @ W - X[i] @ W[:, y[i]] + 1.0
        for j in range(C):
            if j != y[i] and margins[j] > 0:
                loss += margins[j] / N
                dW[:, j] += X[i] / N
                dW[:, y[i]] -= X[i] / N
    return loss + reg * np.sum(W ** 2), dW + 2 * reg * W

# %% svm_loss_naive wrong: sums over the samples instead of averaging | fails: test_svm_loss_naive test_svm_loss_naive_reg
-    loss /= num_train
-    dW /= num_train

# %% svm_loss_naive wrong: counts the correct class too (each loss grows by delta) | fails: test_svm_loss_naive test_svm_loss_naive_reg
-            if j == y[i]:
-                continue

# %% svm_loss_naive wrong: forgets the penalty's gradient 2 * reg * W | fails: test_svm_loss_naive_reg
-    dW += 2 * reg * W

# %% svm_loss_naive wrong: the penalty's gradient as reg * W (the factor 2 of a penalty without 1/2 dropped) | fails: test_svm_loss_naive_reg
-    dW += 2 * reg * W
+    dW += reg * W

# %% svm_loss_naive wrong: subtracts x_i from the correct column once per sample, not once per violation | fails: test_svm_loss_naive test_svm_loss_naive_reg
-                dW[:, y[i]] -= X[i]        # raising s_{y_i} lowers it
+        if np.sum(scores - correct_score + 1.0 > 0) > 1:  # a violation besides j = y_i itself
+            dW[:, y[i]] -= X[i]

# %% svm_loss_vectorized correct: one-hot labels and np.where instead of fancy indexing
def svm_loss_vectorized(W, X, y, reg):
    N, C = X.shape[0], W.shape[1]
    one_hot = np.eye(C)[y]
    scores = X @ W
    correct = np.sum(scores * one_hot, axis=1, keepdims=True)
    margins = np.where(one_hot == 1, 0.0, np.maximum(scores - correct + 1.0, 0.0))
    violations = (margins > 0).astype(float)
    G = violations - one_hot * violations.sum(axis=1, keepdims=True)
    return float(margins.sum() / N + reg * np.sum(W ** 2)), X.T.dot(G) / N + 2 * reg * W

# %% svm_loss_vectorized wrong: does not zero the correct-class margins (every loss grows by 1) | fails: test_svm_loss_vectorized test_svm_loss_vectorized_reg
-    margins[rows, y] = 0.0                        # the sum skips j = y_i
-    loss = np.sum(margins) / num_train + reg * np.sum(W * W)
+    loss = np.sum(margins) / num_train + reg * np.sum(W * W)
+    margins[rows, y] = 0.0

# %% svm_loss_vectorized wrong: sums over the batch instead of averaging | fails: test_svm_loss_vectorized test_svm_loss_vectorized_reg
-    loss = np.sum(margins) / num_train + reg * np.sum(W * W)
+    loss = np.sum(margins) + reg * np.sum(W * W)
-    dW = X.T @ G / num_train + 2 * reg * W
+    dW = X.T @ G + 2 * reg * W

# %% svm_loss_vectorized wrong: builds dW in W itself (dW = W is not a copy), changing W in place | fails: test_svm_loss_vectorized test_svm_loss_vectorized_reg
-    dW = X.T @ G / num_train + 2 * reg * W
+    dW = W
+    dW *= 2 * reg
+    dW += X.T @ G / num_train

# %% svm_loss_vectorized wrong: counts the violations down the columns (axis=0) instead of along each row | fails: test_svm_loss_vectorized test_svm_loss_vectorized_reg
-    G[rows, y] = -np.sum(G, axis=1)
+    G[rows, y] = -np.sum(G, axis=0)[y]

# %% softmax_loss_naive correct: probabilities of one sample as a vector, an outer product per sample
def softmax_loss_naive(W, X, y, reg):
    N = X.shape[0]
    loss, dW = 0.0, np.zeros_like(W, dtype=float)
    for i in range(N):
        scores = X[i].dot(W)
        scores -= scores.max()
        log_norm = np.log(np.exp(scores).sum())
        loss += log_norm - scores[y[i]]
        probs = np.exp(scores - log_norm)
        target = np.zeros_like(probs)
        target[y[i]] = 1.0
        dW += np.outer(X[i], probs - target)
    return loss / N + reg * np.sum(W * W), dW / N + 2 * reg * W

# %% softmax_loss_naive wrong: no max shift, so exp overflows for large scores | fails: test_softmax_loss_naive_large_scores
-        scores = scores - np.max(scores)           # shift: exp(scores) <= 1

# %% softmax_loss_naive wrong: forgets to subtract 1 at the correct class in the gradient | fails: test_softmax_loss_naive test_softmax_loss_naive_reg test_softmax_loss_naive_large_scores
-            dW[:, j] += (p_j - (j == y[i])) * X[i]
+            dW[:, j] += p_j * X[i]

# %% softmax_loss_naive wrong: averages the loss but not the gradient | fails: test_softmax_loss_naive test_softmax_loss_naive_reg test_softmax_loss_naive_large_scores
-    dW /= num_train

# %% softmax_loss_naive wrong: base-10 logarithm | fails: test_softmax_loss_naive test_softmax_loss_naive_reg test_softmax_loss_naive_large_scores
-        loss += np.log(sum_exp) - scores[y[i]]
+        loss += -np.log10(np.exp(scores[y[i]]) / sum_exp)

# %% softmax_loss_naive wrong: forgets the penalty's gradient 2 * reg * W | fails: test_softmax_loss_naive_reg
-    dW += 2 * reg * W

# %% softmax_loss_vectorized correct: log-softmax with a log-sum-exp and a one-hot matrix
def softmax_loss_vectorized(W, X, y, reg):
    N, C = X.shape[0], W.shape[1]
    scores = X.dot(W)
    top = scores.max(axis=1, keepdims=True)
    log_probs = scores - top - np.log(np.exp(scores - top).sum(axis=1, keepdims=True))
    one_hot = np.eye(C)[y]
    loss = -np.sum(one_hot * log_probs) / N + reg * np.sum(W ** 2)
    return float(loss), X.T.dot(np.exp(log_probs) - one_hot) / N + 2 * reg * W

# %% softmax_loss_vectorized wrong: no max shift, so exp overflows for large scores | fails: test_softmax_loss_vectorized_large_scores
-    shifted = scores - np.max(scores, axis=1, keepdims=True)
+    shifted = scores

# %% softmax_loss_vectorized wrong: shifts by each column's maximum (axis=0), which changes the rows' softmax | fails: test_softmax_loss_vectorized test_softmax_loss_vectorized_reg test_softmax_loss_vectorized_large_scores
-    shifted = scores - np.max(scores, axis=1, keepdims=True)
+    shifted = scores - np.max(scores, axis=0, keepdims=True)
-    dscores = np.exp(shifted - log_sum_exp[:, np.newaxis])     # P
+    dscores = np.exp(shifted) / np.sum(np.exp(shifted), axis=0, keepdims=True)

# %% softmax_loss_vectorized wrong: sums over the batch instead of averaging | fails: test_softmax_loss_vectorized test_softmax_loss_vectorized_reg test_softmax_loss_vectorized_large_scores
-    loss = np.mean(log_sum_exp - shifted[rows, y]) + reg * np.sum(W * W)
+    loss = np.sum(log_sum_exp - shifted[rows, y]) + reg * np.sum(W * W)
-    dW = X.T @ dscores / num_train + 2 * reg * W
+    dW = X.T @ dscores + 2 * reg * W

# %% softmax_loss_vectorized wrong: forgets to subtract the one-hot labels (gradient X.T @ P / N) | fails: test_softmax_loss_vectorized test_softmax_loss_vectorized_reg test_softmax_loss_vectorized_large_scores
-    dscores[rows, y] -= 1.0                                     # P − Y

# %% softmax_loss_vectorized wrong: forgets the penalty's gradient 2 * reg * W | fails: test_softmax_loss_vectorized_reg
-    dW = X.T @ dscores / num_train + 2 * reg * W
+    dW = X.T @ dscores / num_train

# %% LinearClassifier correct: keeps the loss function, draws batches with rng.integers, updates W in place
class LinearClassifier:
    LOSSES = {"softmax": "softmax_loss_vectorized", "svm": "svm_loss_vectorized"}

    def __init__(self, loss="softmax"):
        if loss not in self.LOSSES:
            raise ValueError(f"loss must be one of {sorted(self.LOSSES)}, not {loss!r}")
        self.loss_function = softmax_loss_vectorized if loss == "softmax" else svm_loss_vectorized
        self.W = None

    def train(self, X, y, learning_rate=1e-3, reg=1e-5, num_iters=100, batch_size=200, rng=None,
              verbose=False):
        rng = np.random.default_rng(rng)
        if self.W is None:
            self.W = 0.001 * rng.normal(size=(X.shape[1], np.max(y) + 1))
        history = []
        for step in range(num_iters):
            batch = rng.integers(0, X.shape[0], size=batch_size)
            loss, grad = self.loss_function(self.W, X[batch], y[batch], reg)
            self.W -= learning_rate * grad
            history.append(loss)
            if verbose and step % 100 == 0:
                print(step, loss)
        return history

    def predict(self, X):
        return (X @ self.W).argmax(axis=1)

# %% LinearClassifier wrong: ignores the mini-batch, every step on all of X (rng only makes W) | fails: test_LinearClassifier_train
-            loss, grad = loss_function(self.W, X[batch], y[batch], reg)
+            loss, grad = loss_function(self.W, X, y, reg)

# %% LinearClassifier wrong: creates a new W on every call of train | fails: test_LinearClassifier_train
-        if self.W is None:
+        if True:

# %% LinearClassifier wrong: records the loss after the update, computed a second time | fails: test_LinearClassifier_train
-            loss_history.append(float(loss))
-            self.W = self.W - learning_rate * grad
+            self.W = self.W - learning_rate * grad
+            loss_history.append(float(loss_function(self.W, X[batch], y[batch], reg)[0]))

# %% LinearClassifier wrong: steps along the gradient (W + learning_rate * dW) | fails: test_LinearClassifier_train test_LinearClassifier_learns
-            self.W = self.W - learning_rate * grad
+            self.W = self.W + learning_rate * grad

# %% LinearClassifier wrong: draws mini-batches without replacement, which fails when batch_size > N | fails: test_LinearClassifier_train
-            batch = rng.choice(num_train, size=batch_size, replace=True)
+            batch = rng.choice(num_train, size=batch_size, replace=False)

# %% LinearClassifier wrong: counts the classes as the number of distinct labels | fails: test_LinearClassifier_train
-            num_classes = int(np.max(y)) + 1
+            num_classes = len(np.unique(y))

# %% LinearClassifier wrong: ignores rng and draws W and the batches from NumPy's global generator, unseeded | fails: test_LinearClassifier_train test_LinearClassifier_reproducible
-            self.W = 0.001 * rng.standard_normal((dim, num_classes))
+            self.W = 0.001 * np.random.randn(dim, num_classes)
-            batch = rng.choice(num_train, size=batch_size, replace=True)
+            batch = np.random.choice(num_train, batch_size)

# %% LinearClassifier wrong: W from rng but the batches from NumPy's global generator | fails: test_LinearClassifier_train test_LinearClassifier_reproducible
-            batch = rng.choice(num_train, size=batch_size, replace=True)
+            batch = np.random.choice(num_train, batch_size)

# %% LinearClassifier wrong: ignores rng, always seeding a generator of its own with 0 | fails: test_LinearClassifier_reproducible
-            self.W = 0.001 * rng.standard_normal((dim, num_classes))
+            self.W = 0.001 * np.random.default_rng(0).standard_normal((dim, num_classes))
-            batch = rng.choice(num_train, size=batch_size, replace=True)
+            batch = np.random.default_rng(0).choice(num_train, size=batch_size, replace=True)

# %% LinearClassifier wrong: predict returns the scores instead of the labels | fails: test_LinearClassifier_predict
-        return np.argmax(X @ self.W, axis=1)
+        return X @ self.W

# %% LinearClassifier wrong: any loss name other than "svm" silently trains softmax | fails: test_LinearClassifier_loss_name
-        loss_function = softmax_loss_vectorized if self.loss == "softmax" else svm_loss_vectorized
+        loss_function = svm_loss_vectorized if self.loss == "svm" else softmax_loss_vectorized
-        if self.loss not in ("softmax", "svm"):
-            raise ValueError(f"unknown loss {self.loss!r}: use 'softmax' or 'svm'")

# %% LinearClassifier wrong: ignores reg, training on the data loss alone | fails: test_LinearClassifier_train
-            loss, grad = loss_function(self.W, X[batch], y[batch], reg)
+            loss, grad = loss_function(self.W, X[batch], y[batch], 0.0)

# %% LinearClassifier wrong: divides the gradient by batch_size again (the loss already averages) | fails: test_LinearClassifier_train
-            self.W = self.W - learning_rate * grad
+            self.W = self.W - learning_rate * grad / batch_size

# %% LinearClassifier wrong: records the mean of the losses so far instead of each step's loss | fails: test_LinearClassifier_train
-            loss_history.append(float(loss))
+            loss_history.append(float(np.mean(loss_history + [loss])))

# %% LinearClassifier wrong: zeroes the labels in place before its first step, so it trains on class 0 only (a test that computed its expectations from y after the call would agree) | fails: test_LinearClassifier_train test_LinearClassifier_learns
-            loss, grad = loss_function(self.W, X[batch], y[batch], reg)
+            y[...] = 0
+            loss, grad = loss_function(self.W, X[batch], y[batch], reg)

# %% LinearClassifier wrong: makes a generator only from an int seed, so rng=None crashes | fails: test_LinearClassifier_train
-        rng = np.random.default_rng(rng)
+        if isinstance(rng, int):
+            rng = np.random.default_rng(rng)

# %% LinearClassifier correct: draws every batch up front with rng.integers, then W (the order of draws is not graded)
-        rng = np.random.default_rng(rng)
-        num_train, dim = X.shape
-        if self.W is None:
+        rng = np.random.default_rng(rng)
+        num_train, dim = X.shape
+        batches = rng.integers(0, num_train, size=(num_iters, batch_size))
+        if self.W is None:
-            batch = rng.choice(num_train, size=batch_size, replace=True)
+            batch = batches[it]

# %% LinearClassifier correct: without replacement where batch_size <= N (section 7's reason, batch_size > N, still works; a warning)
-            batch = rng.choice(num_train, size=batch_size, replace=True)
+            batch = rng.choice(num_train, size=batch_size, replace=batch_size > num_train)

# %% LinearClassifier correct: returns the history as a NumPy array, not a list (a warning)
-        return loss_history
+        return np.array(loss_history)

# %% LinearClassifier correct: creates W before it checks the loss name, then raises ValueError (a warning)
-        if self.loss not in ("softmax", "svm"):
-            raise ValueError(f"unknown loss {self.loss!r}: use 'softmax' or 'svm'")
-        rng = np.random.default_rng(rng)
-        num_train, dim = X.shape
-        if self.W is None:
-            num_classes = int(np.max(y)) + 1
-            self.W = 0.001 * rng.standard_normal((dim, num_classes))
+        rng = np.random.default_rng(rng)
+        num_train, dim = X.shape
+        if self.W is None:
+            num_classes = int(np.max(y)) + 1
+            self.W = 0.001 * rng.standard_normal((dim, num_classes))
+        if self.loss not in ("softmax", "svm"):
+            raise ValueError(f"unknown loss {self.loss!r}: use 'softmax' or 'svm'")
