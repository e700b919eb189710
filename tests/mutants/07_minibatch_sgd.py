# Mutation suite for notebook 07 (read by tests/test_examples.py; never imported).
# Each "# %% <function> correct|wrong: <what> | fails: <test cells>" section is one submission:
# the solution notebook with that one function replaced. A wrong variant must lose exactly the
# cells it names and keep every other point; a correct variant must keep every point.
# sgd_train calls iterate_minibatches, but its tests compare it with steps on the mini-batches of the
# submission's own iterate_minibatches: a wrong iterate_minibatches costs only its own cells.

# %% sample_minibatch correct: rng.choice with replace=True
def sample_minibatch(X, y, batch_size, rng=None):
    generator = np.random.default_rng(rng)
    picked = generator.choice(len(y), size=batch_size, replace=True)
    return X[picked], y[picked]

# %% sample_minibatch correct: uniform floats scaled to indices, np.take along the first axis
def sample_minibatch(X, y, batch_size, rng=None):
    if not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(rng)
    picked = np.floor(rng.random(batch_size) * X.shape[0]).astype(np.int64)
    return np.take(X, picked, axis=0), np.take(y, picked, axis=0)

# %% sample_minibatch wrong: draws without replacement | fails: test_sample_minibatch_with_replacement
-    indices = rng.integers(0, len(X), size=batch_size)
+    indices = rng.choice(len(X), size=batch_size, replace=False)

# %% sample_minibatch wrong: the first batch_size entries of a permutation | fails: test_sample_minibatch_with_replacement
-    indices = rng.integers(0, len(X), size=batch_size)
+    indices = rng.permutation(len(X))[:batch_size]

# %% sample_minibatch wrong: rng.integers(0, N - 1) never draws the last example | fails: test_sample_minibatch_with_replacement
-    indices = rng.integers(0, len(X), size=batch_size)
+    indices = rng.integers(0, len(X) - 1, size=batch_size)

# %% sample_minibatch wrong: the textbook's np.random.choice, ignoring rng | fails: test_sample_minibatch
-    indices = rng.integers(0, len(X), size=batch_size)
+    indices = np.random.choice(len(X), batch_size)

# %% sample_minibatch wrong: separate draws for X and y | fails: test_sample_minibatch
-    return X[indices], y[indices]
+    return X[indices], y[rng.integers(0, len(y), size=batch_size)]

# %% sample_minibatch wrong: always the first batch_size examples | fails: test_sample_minibatch test_sample_minibatch_with_replacement
-    indices = rng.integers(0, len(X), size=batch_size)
+    indices = np.arange(min(batch_size, len(X)))

# %% iterate_minibatches correct: a while loop over start positions
def iterate_minibatches(X, y, batch_size, rng=None, shuffle=True):
    n = len(y)
    indices = np.arange(n)
    if shuffle:
        indices = np.random.default_rng(rng).permutation(indices)
    start = 0
    while start < n:
        stop = min(start + batch_size, n)
        yield X[indices[start:stop]], y[indices[start:stop]]
        start = stop

# %% iterate_minibatches correct: returns a list of the batches (np.array_split at multiples of batch_size)
def iterate_minibatches(X, y, batch_size, rng=None, shuffle=True):
    order = np.arange(X.shape[0])
    if shuffle:
        np.random.default_rng(rng).shuffle(order)
    pieces = np.array_split(order, range(batch_size, X.shape[0], batch_size))
    return [(X[piece], y[piece]) for piece in pieces]

# %% iterate_minibatches wrong: drops the last, partial mini-batch | fails: test_iterate_minibatches test_iterate_minibatches_shuffle
-    for start in range(0, len(X), batch_size):
+    for start in range(0, len(X) - batch_size + 1, batch_size):

# %% iterate_minibatches wrong: an empty mini-batch at the end when batch_size divides N | fails: test_iterate_minibatches
-    for start in range(0, len(X), batch_size):
+    for start in range(0, len(X) + 1, batch_size):

# %% iterate_minibatches wrong: draws every mini-batch with replacement | fails: test_iterate_minibatches
-        indices = order[start:start + batch_size]
+        indices = order[start:start + batch_size]
+        if shuffle:
+            indices = rng.integers(0, len(X), size=len(indices))

# %% iterate_minibatches wrong: never shuffles | fails: test_iterate_minibatches_shuffle
-    order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
+    order = np.arange(len(X))

# %% iterate_minibatches wrong: shuffles even with shuffle=False | fails: test_iterate_minibatches_shuffle
-    order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
+    order = rng.permutation(len(X))

# %% iterate_minibatches wrong: shuffles X and y in place, each with its own rng.shuffle | fails: test_iterate_minibatches test_iterate_minibatches_shuffle
-    order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
+    if shuffle:
+        rng.shuffle(X)
+        rng.shuffle(y)
+    order = np.arange(len(X))

# %% iterate_minibatches wrong: different permutations for X and y | fails: test_iterate_minibatches
-    order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
+    order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
+    order_y = rng.permutation(len(y)) if shuffle else np.arange(len(y))
-        yield X[indices], y[indices]
+        yield X[indices], y[order_y[start:start + batch_size]]

# %% iterate_minibatches wrong: permutes with np.random, ignoring rng | fails: test_iterate_minibatches_shuffle
-    order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
+    order = np.random.permutation(len(X)) if shuffle else np.arange(len(X))

# %% sgd_train correct: its own permutation per epoch, a preallocated loss array, in-place steps on a copy
def sgd_train(loss_and_grad, W0, X, y, learning_rate, batch_size, num_epochs, rng=None):
    generator = np.random.default_rng(rng)
    W = W0.astype(float, copy=True)
    n = X.shape[0]
    steps = -(-n // batch_size)
    losses = np.zeros(num_epochs * steps)
    k = 0
    for _ in range(num_epochs):
        order = generator.permutation(n)
        for s in range(steps):
            picked = order[s * batch_size:(s + 1) * batch_size]
            losses[k], dW = loss_and_grad(W, X[picked], y[picked])
            W -= learning_rate * dW
            k += 1
    return W, losses

# %% sgd_train wrong: updates W0 in place (W = W0 is not a copy) | fails: test_sgd_train
-    W = np.array(W0, dtype=float)            # a copy: the caller's W0 stays as it was
+    W = W0
-            W = W - learning_rate * dW
+            W -= learning_rate * dW

# %% sgd_train wrong: records one loss per epoch | fails: test_sgd_train test_sgd_train_shuffles
-            losses.append(loss)              # the loss at W before this update
-            W = W - learning_rate * dW
+            W = W - learning_rate * dW
+        losses.append(loss)

# %% sgd_train wrong: records the loss after the update, as the DLFS loop does | fails: test_sgd_train
-            losses.append(loss)              # the loss at W before this update
-            W = W - learning_rate * dW
+            W = W - learning_rate * dW
+            losses.append(loss_and_grad(W, X_batch, y_batch)[0])

# %% sgd_train wrong: passes the int seed on, so every epoch gets the same order | fails: test_sgd_train_shuffles
-    rng = np.random.default_rng(rng)         # one generator for the whole run: a new order every epoch

# %% sgd_train wrong: the textbook loop, N // batch_size mini-batches drawn with replacement per epoch | fails: test_sgd_train test_sgd_train_shuffles
-        for X_batch, y_batch in iterate_minibatches(X, y, batch_size, rng=rng):
+        for _ in range(max(len(X) // batch_size, 1)):
+            X_batch, y_batch = sample_minibatch(X, y, batch_size, rng=rng)

# %% sgd_train wrong: steps up the gradient | fails: test_sgd_train
-            W = W - learning_rate * dW
+            W = W + learning_rate * dW

# %% sgd_train wrong: divides the step by the batch size again | fails: test_sgd_train
-            W = W - learning_rate * dW
+            W = W - learning_rate * dW / len(y_batch)

# %% sgd_train wrong: iterates without shuffling | fails: test_sgd_train_shuffles
-        for X_batch, y_batch in iterate_minibatches(X, y, batch_size, rng=rng):
+        for X_batch, y_batch in iterate_minibatches(X, y, batch_size, shuffle=False):

# %% sgd_train wrong: a new seed for every epoch drawn from the generator, not the generator itself | fails: test_sgd_train_shuffles
-        for X_batch, y_batch in iterate_minibatches(X, y, batch_size, rng=rng):
+        for X_batch, y_batch in iterate_minibatches(X, y, batch_size, rng=int(rng.integers(2**31))):

# %% sgd_train wrong: draws each step's mini-batch with sample_minibatch, ignoring its docstring | fails: test_sgd_train test_sgd_train_shuffles
-        for X_batch, y_batch in iterate_minibatches(X, y, batch_size, rng=rng):
+        for _ in range(-(-len(X) // batch_size)):
+            X_batch, y_batch = sample_minibatch(X, y, batch_size, rng=rng)

# %% step_decay correct: a loop that multiplies by drop once per completed block of epochs
def step_decay(lr0, epoch, drop, every):
    rate = lr0
    for _ in range(epoch // every):
        rate *= drop
    return rate

# %% step_decay wrong: true division, so the rate slides down between the steps | fails: test_step_decay
-    return float(lr0 * drop ** (epoch // every))
+    return float(lr0 * drop ** (epoch / every))

# %% step_decay wrong: the first drop one epoch early | fails: test_step_decay
-    return float(lr0 * drop ** (epoch // every))
+    return float(lr0 * drop ** ((epoch + 1) // every))

# %% step_decay wrong: multiplies lr0 by drop times the number of drops | fails: test_step_decay
-    return float(lr0 * drop ** (epoch // every))
+    return float(lr0 * drop * (epoch // every))

# %% cosine_schedule correct: the rise after T cut off by an early return, NumPy's cosine
def cosine_schedule(lr0, t, T, lr_min=0.0):
    if t >= T:
        return float(lr_min)
    return lr0 - (lr0 - lr_min) * (1 - np.cos(np.pi * t / T)) / 2

# %% cosine_schedule wrong: no clamp, the rate rises again after T | fails: test_cosine_schedule
-    progress = min(t, T) / T                  # 0 at the start, 1 at the end and after it
+    progress = t / T

# %% cosine_schedule wrong: a quarter period of the cosine | fails: test_cosine_schedule
-    return float(lr_min + (lr0 - lr_min) * (1 + np.cos(np.pi * progress)) / 2)
+    return float(lr_min + (lr0 - lr_min) * np.cos(np.pi / 2 * progress))

# %% cosine_schedule wrong: ignores the floor lr_min | fails: test_cosine_schedule
-    return float(lr_min + (lr0 - lr_min) * (1 + np.cos(np.pi * progress)) / 2)
+    return float(lr0 * (1 + np.cos(np.pi * progress)) / 2)

# %% cosine_schedule wrong: a straight line from lr0 to lr_min | fails: test_cosine_schedule
-    return float(lr_min + (lr0 - lr_min) * (1 + np.cos(np.pi * progress)) / 2)
+    return float(lr0 - (lr0 - lr_min) * progress)
