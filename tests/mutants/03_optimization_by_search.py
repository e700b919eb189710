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
def random_search(loss_fn, shape, num_tries, scale=1e-3, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    best_W, best_loss, losses = None, np.inf, []
    for k in range(1, num_tries):
        W = scale * rng.standard_normal(shape)
        loss = loss_fn(W)
        losses.append(loss)
        if loss < best_loss:
            best_W, best_loss = W, loss
    return best_W, best_loss, np.array(losses)

# %% random_search wrong: comparison flipped, keeps the worst try | fails: test_random_search
def random_search(loss_fn, shape, num_tries, scale=1e-3, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    best_W, best_loss, losses = None, -np.inf, []
    for k in range(num_tries):
        W = scale * rng.standard_normal(shape)
        loss = loss_fn(W)
        losses.append(loss)
        if loss > best_loss:
            best_W, best_loss = W, loss
    return best_W, best_loss, np.array(losses)

# %% random_search wrong: updates the best loss but returns the last W tried | fails: test_random_search
def random_search(loss_fn, shape, num_tries, scale=1e-3, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    best_loss, losses = np.inf, []
    for k in range(num_tries):
        W = scale * rng.standard_normal(shape)
        loss = loss_fn(W)
        losses.append(loss)
        if loss < best_loss:
            best_loss = loss
    return W, best_loss, np.array(losses)

# %% random_search wrong: records the best loss so far instead of each try's loss | fails: test_random_search
def random_search(loss_fn, shape, num_tries, scale=1e-3, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    best_W, best_loss, losses = None, np.inf, []
    for k in range(num_tries):
        W = scale * rng.standard_normal(shape)
        loss = loss_fn(W)
        if loss < best_loss:
            best_W, best_loss = W, loss
        losses.append(best_loss)
    return best_W, best_loss, np.array(losses)

# %% random_search wrong: rng.normal(scale, size=shape) passes scale as the mean, not the spread | fails: test_random_search_draws
def random_search(loss_fn, shape, num_tries, scale=1e-3, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    best_W, best_loss, losses = None, np.inf, []
    for k in range(num_tries):
        W = rng.normal(scale, size=shape)
        loss = loss_fn(W)
        losses.append(loss)
        if loss < best_loss:
            best_W, best_loss = W, loss
    return best_W, best_loss, np.array(losses)

# %% random_search wrong: draws from np.random as in the lecture notes, ignoring rng | fails: test_random_search_draws
def random_search(loss_fn, shape, num_tries, scale=1e-3, rng=None):
    best_W, best_loss, losses = None, float("inf"), []
    for k in range(num_tries):
        W = np.random.randn(*shape) * scale
        loss = loss_fn(W)
        losses.append(loss)
        if loss < best_loss:
            best_W, best_loss = W, loss
    return best_W, best_loss, np.array(losses)

# %% random_search wrong: uniform draws in [0, scale) instead of normal ones | fails: test_random_search_draws
def random_search(loss_fn, shape, num_tries, scale=1e-3, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    best_W, best_loss, losses = None, np.inf, []
    for k in range(num_tries):
        W = scale * rng.random(shape)
        loss = loss_fn(W)
        losses.append(loss)
        if loss < best_loss:
            best_W, best_loss = W, loss
    return best_W, best_loss, np.array(losses)

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
def random_local_search(loss_fn, W0, step_size, num_iters, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    W = W0.copy()
    bestloss = float("inf")
    losses = []
    for i in range(num_iters):
        W_try = W + step_size * rng.standard_normal(W.shape)
        loss = loss_fn(W_try)
        if loss < bestloss:
            W, bestloss = W_try, loss
        losses.append(bestloss)
    return W, bestloss, np.array(losses)

# %% random_local_search wrong: keeps ties (<=), so it drifts on a flat loss | fails: test_random_local_search_only_improving
def random_local_search(loss_fn, W0, step_size, num_iters, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    W = W0.copy()
    best = loss_fn(W)
    losses = []
    for i in range(num_iters):
        W_try = W + step_size * rng.standard_normal(W.shape)
        loss = loss_fn(W_try)
        if loss <= best:
            W, best = W_try, loss
        losses.append(best)
    return W, best, np.array(losses)

# %% random_local_search wrong: steps W0 in place (W = W0, then W += step and W -= step to undo) | fails: test_random_local_search
def random_local_search(loss_fn, W0, step_size, num_iters, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    W = W0
    best = loss_fn(W)
    losses = np.empty(num_iters)
    for i in range(num_iters):
        step = step_size * rng.standard_normal(W.shape)
        W += step
        loss = loss_fn(W)
        if loss < best:
            best = loss
        else:
            W -= step
        losses[i] = best
    return W, best, losses

# %% random_local_search wrong: proposes around W0 every time instead of around the current W | fails: test_random_local_search test_random_local_search_steps
def random_local_search(loss_fn, W0, step_size, num_iters, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    W = W0.copy()
    best = loss_fn(W)
    losses = []
    for i in range(num_iters):
        W_try = W0 + step_size * rng.standard_normal(W0.shape)
        loss = loss_fn(W_try)
        if loss < best:
            W, best = W_try, loss
        losses.append(best)
    return W, best, np.array(losses)

# %% random_local_search wrong: puts the starting loss into losses too (num_iters + 1 entries) | fails: test_random_local_search
def random_local_search(loss_fn, W0, step_size, num_iters, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    W = W0.copy()
    best = loss_fn(W)
    losses = [best]
    for i in range(num_iters):
        W_try = W + step_size * rng.standard_normal(W.shape)
        loss = loss_fn(W_try)
        if loss < best:
            W, best = W_try, loss
        losses.append(best)
    return W, best, np.array(losses)

# %% random_local_search wrong: records each proposal's loss instead of the best so far | fails: test_random_local_search test_random_local_search_only_improving
def random_local_search(loss_fn, W0, step_size, num_iters, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    W = W0.copy()
    best = loss_fn(W)
    losses = []
    for i in range(num_iters):
        W_try = W + step_size * rng.standard_normal(W.shape)
        loss = loss_fn(W_try)
        losses.append(loss)
        if loss < best:
            W, best = W_try, loss
    return W, best, np.array(losses)

# %% random_local_search wrong: uniform steps in [-step_size, step_size] instead of normal ones | fails: test_random_local_search_steps
def random_local_search(loss_fn, W0, step_size, num_iters, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    W = W0.copy()
    best = loss_fn(W)
    losses = []
    for i in range(num_iters):
        W_try = W + rng.uniform(-step_size, step_size, size=W.shape)
        loss = loss_fn(W_try)
        if loss < best:
            W, best = W_try, loss
        losses.append(best)
    return W, best, np.array(losses)

# %% random_local_search wrong: draws its steps from np.random, ignoring rng | fails: test_random_local_search_steps
def random_local_search(loss_fn, W0, step_size, num_iters, rng=None):
    W = W0.copy()
    best = loss_fn(W)
    losses = []
    for i in range(num_iters):
        W_try = W + step_size * np.random.randn(*W.shape)
        loss = loss_fn(W_try)
        if loss < best:
            W, best = W_try, loss
        losses.append(best)
    return W, best, np.array(losses)
