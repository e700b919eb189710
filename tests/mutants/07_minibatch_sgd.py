# Mutation suite for notebook 07 (read by tests/test_examples.py; never imported).
# Each "# %% <function> correct|wrong: <what> | fails: <test cells>" section is one submission:
# the solution notebook with that one function replaced. A wrong variant must lose exactly the
# cells it names and keep every other point; a correct variant must keep every point.
# sgd_train calls iterate_minibatches, so a wrong iterate_minibatches also costs sgd_train's cells.

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
def sample_minibatch(X, y, batch_size, rng=None):
    rng = np.random.default_rng(rng)
    picked = rng.choice(len(X), size=batch_size, replace=False)
    return X[picked], y[picked]

# %% sample_minibatch wrong: the first batch_size entries of a permutation | fails: test_sample_minibatch_with_replacement
def sample_minibatch(X, y, batch_size, rng=None):
    rng = np.random.default_rng(rng)
    picked = rng.permutation(len(X))[:batch_size]
    return X[picked], y[picked]

# %% sample_minibatch wrong: rng.integers(0, N - 1) never draws the last example | fails: test_sample_minibatch_with_replacement
def sample_minibatch(X, y, batch_size, rng=None):
    rng = np.random.default_rng(rng)
    picked = rng.integers(0, len(X) - 1, size=batch_size)
    return X[picked], y[picked]

# %% sample_minibatch wrong: the textbook's np.random.choice, ignoring rng | fails: test_sample_minibatch
def sample_minibatch(X, y, batch_size, rng=None):
    batch_mask = np.random.choice(len(X), batch_size)
    return X[batch_mask], y[batch_mask]

# %% sample_minibatch wrong: separate draws for X and y | fails: test_sample_minibatch
def sample_minibatch(X, y, batch_size, rng=None):
    rng = np.random.default_rng(rng)
    return X[rng.integers(0, len(X), size=batch_size)], y[rng.integers(0, len(y), size=batch_size)]

# %% sample_minibatch wrong: always the first batch_size examples | fails: test_sample_minibatch test_sample_minibatch_with_replacement
def sample_minibatch(X, y, batch_size, rng=None):
    return X[:batch_size], y[:batch_size]

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

# %% iterate_minibatches wrong: drops the last, partial mini-batch | fails: test_iterate_minibatches test_iterate_minibatches_shuffle test_sgd_train
def iterate_minibatches(X, y, batch_size, rng=None, shuffle=True):
    rng = np.random.default_rng(rng)
    order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
    for k in range(len(X) // batch_size):
        indices = order[k * batch_size:(k + 1) * batch_size]
        yield X[indices], y[indices]

# %% iterate_minibatches wrong: an empty mini-batch at the end when batch_size divides N | fails: test_iterate_minibatches test_sgd_train test_sgd_train_shuffles
def iterate_minibatches(X, y, batch_size, rng=None, shuffle=True):
    rng = np.random.default_rng(rng)
    order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
    for k in range(len(X) // batch_size + 1):
        indices = order[k * batch_size:(k + 1) * batch_size]
        yield X[indices], y[indices]

# %% iterate_minibatches wrong: draws every mini-batch with replacement | fails: test_iterate_minibatches test_sgd_train
def iterate_minibatches(X, y, batch_size, rng=None, shuffle=True):
    rng = np.random.default_rng(rng)
    for start in range(0, len(X), batch_size):
        size = min(batch_size, len(X) - start)
        indices = rng.integers(0, len(X), size=size) if shuffle else np.arange(start, start + size)
        yield X[indices], y[indices]

# %% iterate_minibatches wrong: never shuffles | fails: test_iterate_minibatches_shuffle test_sgd_train_shuffles
def iterate_minibatches(X, y, batch_size, rng=None, shuffle=True):
    for start in range(0, len(X), batch_size):
        yield X[start:start + batch_size], y[start:start + batch_size]

# %% iterate_minibatches wrong: shuffles even with shuffle=False | fails: test_iterate_minibatches_shuffle
def iterate_minibatches(X, y, batch_size, rng=None, shuffle=True):
    order = np.random.default_rng(rng).permutation(len(X))
    for start in range(0, len(X), batch_size):
        indices = order[start:start + batch_size]
        yield X[indices], y[indices]

# %% iterate_minibatches wrong: shuffles X and y in place, each with its own rng.shuffle | fails: test_iterate_minibatches test_iterate_minibatches_shuffle test_sgd_train test_sgd_train_shuffles
def iterate_minibatches(X, y, batch_size, rng=None, shuffle=True):
    rng = np.random.default_rng(rng)
    if shuffle:
        rng.shuffle(X)
        rng.shuffle(y)
    for start in range(0, len(X), batch_size):
        yield X[start:start + batch_size], y[start:start + batch_size]

# %% iterate_minibatches wrong: different permutations for X and y | fails: test_iterate_minibatches test_sgd_train
def iterate_minibatches(X, y, batch_size, rng=None, shuffle=True):
    rng = np.random.default_rng(rng)
    order_X = rng.permutation(len(X)) if shuffle else np.arange(len(X))
    order_y = rng.permutation(len(y)) if shuffle else np.arange(len(y))
    for start in range(0, len(X), batch_size):
        yield X[order_X[start:start + batch_size]], y[order_y[start:start + batch_size]]

# %% iterate_minibatches wrong: permutes with np.random, ignoring rng | fails: test_iterate_minibatches_shuffle test_sgd_train_shuffles
def iterate_minibatches(X, y, batch_size, rng=None, shuffle=True):
    order = np.random.permutation(len(X)) if shuffle else np.arange(len(X))
    for start in range(0, len(X), batch_size):
        indices = order[start:start + batch_size]
        yield X[indices], y[indices]

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

# %% sgd_train wrong: updates W0 in place (W = W0 is not a copy) | fails: test_sgd_train test_sgd_train_shuffles
def sgd_train(loss_and_grad, W0, X, y, learning_rate, batch_size, num_epochs, rng=None):
    rng = np.random.default_rng(rng)
    W = W0
    losses = []
    for epoch in range(num_epochs):
        for X_batch, y_batch in iterate_minibatches(X, y, batch_size, rng=rng):
            loss, dW = loss_and_grad(W, X_batch, y_batch)
            losses.append(loss)
            W -= learning_rate * dW
    return W, np.array(losses)

# %% sgd_train wrong: records one loss per epoch | fails: test_sgd_train test_sgd_train_shuffles
def sgd_train(loss_and_grad, W0, X, y, learning_rate, batch_size, num_epochs, rng=None):
    rng = np.random.default_rng(rng)
    W = np.array(W0, dtype=float)
    losses = []
    for epoch in range(num_epochs):
        for X_batch, y_batch in iterate_minibatches(X, y, batch_size, rng=rng):
            loss, dW = loss_and_grad(W, X_batch, y_batch)
            W = W - learning_rate * dW
        losses.append(loss)
    return W, np.array(losses)

# %% sgd_train wrong: records the loss after the update, as the DLFS loop does | fails: test_sgd_train
def sgd_train(loss_and_grad, W0, X, y, learning_rate, batch_size, num_epochs, rng=None):
    rng = np.random.default_rng(rng)
    W = np.array(W0, dtype=float)
    losses = []
    for epoch in range(num_epochs):
        for X_batch, y_batch in iterate_minibatches(X, y, batch_size, rng=rng):
            _, dW = loss_and_grad(W, X_batch, y_batch)
            W = W - learning_rate * dW
            loss, _ = loss_and_grad(W, X_batch, y_batch)
            losses.append(loss)
    return W, np.array(losses)

# %% sgd_train wrong: passes the int seed on, so every epoch gets the same order | fails: test_sgd_train_shuffles
def sgd_train(loss_and_grad, W0, X, y, learning_rate, batch_size, num_epochs, rng=None):
    W = np.array(W0, dtype=float)
    losses = []
    for epoch in range(num_epochs):
        for X_batch, y_batch in iterate_minibatches(X, y, batch_size, rng=rng):
            loss, dW = loss_and_grad(W, X_batch, y_batch)
            losses.append(loss)
            W = W - learning_rate * dW
    return W, np.array(losses)

# %% sgd_train wrong: the textbook loop, N // batch_size mini-batches drawn with replacement per epoch | fails: test_sgd_train
def sgd_train(loss_and_grad, W0, X, y, learning_rate, batch_size, num_epochs, rng=None):
    rng = np.random.default_rng(rng)
    W = np.array(W0, dtype=float)
    iter_per_epoch = max(len(X) // batch_size, 1)
    losses = []
    for i in range(num_epochs * iter_per_epoch):
        X_batch, y_batch = sample_minibatch(X, y, batch_size, rng=rng)
        loss, dW = loss_and_grad(W, X_batch, y_batch)
        losses.append(loss)
        W = W - learning_rate * dW
    return W, np.array(losses)

# %% sgd_train wrong: steps up the gradient | fails: test_sgd_train
def sgd_train(loss_and_grad, W0, X, y, learning_rate, batch_size, num_epochs, rng=None):
    rng = np.random.default_rng(rng)
    W = np.array(W0, dtype=float)
    losses = []
    for epoch in range(num_epochs):
        for X_batch, y_batch in iterate_minibatches(X, y, batch_size, rng=rng):
            loss, dW = loss_and_grad(W, X_batch, y_batch)
            losses.append(loss)
            W = W + learning_rate * dW
    return W, np.array(losses)

# %% sgd_train wrong: divides the step by the batch size again | fails: test_sgd_train
def sgd_train(loss_and_grad, W0, X, y, learning_rate, batch_size, num_epochs, rng=None):
    rng = np.random.default_rng(rng)
    W = np.array(W0, dtype=float)
    losses = []
    for epoch in range(num_epochs):
        for X_batch, y_batch in iterate_minibatches(X, y, batch_size, rng=rng):
            loss, dW = loss_and_grad(W, X_batch, y_batch)
            losses.append(loss)
            W = W - learning_rate * dW / len(y_batch)
    return W, np.array(losses)

# %% sgd_train wrong: iterates without shuffling | fails: test_sgd_train_shuffles
def sgd_train(loss_and_grad, W0, X, y, learning_rate, batch_size, num_epochs, rng=None):
    W = np.array(W0, dtype=float)
    losses = []
    for epoch in range(num_epochs):
        for X_batch, y_batch in iterate_minibatches(X, y, batch_size, shuffle=False):
            loss, dW = loss_and_grad(W, X_batch, y_batch)
            losses.append(loss)
            W = W - learning_rate * dW
    return W, np.array(losses)
