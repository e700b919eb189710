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
def gradient_descent(grad_fn, x0, lr=0.01, num_steps=100):
    x = x0
    history = [x.copy()]
    for _ in range(num_steps):
        x -= lr * grad_fn(x)
        history.append(x.copy())
    return x, np.array(history)

# %% gradient_descent wrong: stores x before each step, as the textbook's plot does: no final point | fails: test_gradient_descent
def gradient_descent(grad_fn, x0, lr=0.01, num_steps=100):
    x = np.array(x0, dtype=float)
    history = []
    for _ in range(num_steps):
        history.append(x.copy())
        x = x - lr * grad_fn(x)
    return x, np.array(history)

# %% gradient_descent wrong: appends x itself and updates it in place, so every row is the last point | fails: test_gradient_descent test_gradient_descent_no_aliasing
def gradient_descent(grad_fn, x0, lr=0.01, num_steps=100):
    x = np.array(x0, dtype=float)
    history = [x]
    for _ in range(num_steps):
        x -= lr * grad_fn(x)
        history.append(x)
    return x, np.array(history)

# %% gradient_descent wrong: steps uphill, x + lr * grad | fails: test_gradient_descent
def gradient_descent(grad_fn, x0, lr=0.01, num_steps=100):
    x = np.array(x0, dtype=float)
    history = [x]
    for _ in range(num_steps):
        x = x + lr * grad_fn(x)
        history.append(x)
    return x, np.array(history)

# %% gradient_descent wrong: one step too many | fails: test_gradient_descent
def gradient_descent(grad_fn, x0, lr=0.01, num_steps=100):
    x = np.array(x0, dtype=float)
    history = [x]
    for _ in range(num_steps + 1):
        x = x - lr * grad_fn(x)
        history.append(x)
    return x, np.array(history)

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
def gradient_descent_until(f, grad_fn, x0, lr, grad_tol=1e-6, patience=None, min_delta=0.0, max_steps=10_000):
    x = np.array(x0, dtype=float)
    history = [x.copy()]
    best, waited = f(x), 0
    while True:
        grad = grad_fn(x)
        if np.max(np.abs(grad)) <= grad_tol:
            return x, np.array(history), "gradient_small"
        if patience is not None and waited >= patience:
            return x, np.array(history), "no_improvement"
        if len(history) - 1 == max_steps:
            return x, np.array(history), "max_steps"
        x = x - lr * grad
        history.append(x.copy())
        loss = f(x)
        if loss < best - min_delta:
            best, waited = loss, 0
        else:
            waited += 1

# %% gradient_descent_until wrong: compares the squared norm with grad_tol | fails: test_gradient_descent_until test_gradient_descent_until_max_steps
def gradient_descent_until(f, grad_fn, x0, lr, grad_tol=1e-6, patience=None, min_delta=0.0, max_steps=10_000):
    x = np.array(x0, dtype=float)
    history = [x.copy()]
    best, waited = f(x), 0
    while True:
        grad = grad_fn(x)
        if np.sum(grad ** 2) <= grad_tol:
            return x, np.array(history), "gradient_small"
        if patience is not None and waited >= patience:
            return x, np.array(history), "no_improvement"
        if len(history) - 1 == max_steps:
            return x, np.array(history), "max_steps"
        x = x - lr * grad
        history.append(x.copy())
        loss = f(x)
        if loss < best - min_delta:
            best, waited = loss, 0
        else:
            waited += 1

# %% gradient_descent_until wrong: steps first and checks the old gradient afterwards, one step too many | fails: test_gradient_descent_until test_gradient_descent_until_max_steps test_gradient_descent_until_patience
def gradient_descent_until(f, grad_fn, x0, lr, grad_tol=1e-6, patience=None, min_delta=0.0, max_steps=10_000):
    x = np.array(x0, dtype=float)
    history = [x.copy()]
    best, waited = f(x), 0
    for _ in range(max_steps):
        grad = grad_fn(x)
        x = x - lr * grad
        history.append(x.copy())
        if np.linalg.norm(grad) <= grad_tol:
            return x, np.array(history), "gradient_small"
        loss = f(x)
        if loss < best - min_delta:
            best, waited = loss, 0
        else:
            waited += 1
        if patience is not None and waited >= patience:
            return x, np.array(history), "no_improvement"
    return x, np.array(history), "max_steps"

# %% gradient_descent_until wrong: never checks the gradient at the last iterate, patience before the gradient | fails: test_gradient_descent_until_max_steps test_gradient_descent_until_patience
def gradient_descent_until(f, grad_fn, x0, lr, grad_tol=1e-6, patience=None, min_delta=0.0, max_steps=10_000):
    x = np.array(x0, dtype=float)
    history = [x.copy()]
    best, waited = f(x), 0
    for _ in range(max_steps):
        grad = grad_fn(x)
        if np.linalg.norm(grad) <= grad_tol:
            return x, np.array(history), "gradient_small"
        x = x - lr * grad
        history.append(x.copy())
        loss = f(x)
        if loss < best - min_delta:
            best, waited = loss, 0
        else:
            waited += 1
        if patience is not None and waited >= patience:
            return x, np.array(history), "no_improvement"
    return x, np.array(history), "max_steps"

# %% gradient_descent_until wrong: compares with the previous step's loss, not the best so far | fails: test_gradient_descent_until_patience
def gradient_descent_until(f, grad_fn, x0, lr, grad_tol=1e-6, patience=None, min_delta=0.0, max_steps=10_000):
    x = np.array(x0, dtype=float)
    history = [x.copy()]
    previous, waited = f(x), 0
    while True:
        grad = grad_fn(x)
        if np.linalg.norm(grad) <= grad_tol:
            return x, np.array(history), "gradient_small"
        if patience is not None and waited >= patience:
            return x, np.array(history), "no_improvement"
        if len(history) - 1 == max_steps:
            return x, np.array(history), "max_steps"
        x = x - lr * grad
        history.append(x.copy())
        loss = f(x)
        waited = 0 if loss < previous - min_delta else waited + 1
        previous = loss

# %% gradient_descent_until wrong: never resets the count after an improvement | fails: test_gradient_descent_until_patience
def gradient_descent_until(f, grad_fn, x0, lr, grad_tol=1e-6, patience=None, min_delta=0.0, max_steps=10_000):
    x = np.array(x0, dtype=float)
    history = [x.copy()]
    best, waited = f(x), 0
    while True:
        grad = grad_fn(x)
        if np.linalg.norm(grad) <= grad_tol:
            return x, np.array(history), "gradient_small"
        if patience is not None and waited >= patience:
            return x, np.array(history), "no_improvement"
        if len(history) - 1 == max_steps:
            return x, np.array(history), "max_steps"
        x = x - lr * grad
        history.append(x.copy())
        loss = f(x)
        if loss < best - min_delta:
            best = loss
        else:
            waited += 1

# %% gradient_descent_until wrong: ignores min_delta | fails: test_gradient_descent_until_patience
def gradient_descent_until(f, grad_fn, x0, lr, grad_tol=1e-6, patience=None, min_delta=0.0, max_steps=10_000):
    x = np.array(x0, dtype=float)
    history = [x.copy()]
    best, waited = f(x), 0
    while True:
        grad = grad_fn(x)
        if np.linalg.norm(grad) <= grad_tol:
            return x, np.array(history), "gradient_small"
        if patience is not None and waited >= patience:
            return x, np.array(history), "no_improvement"
        if len(history) - 1 == max_steps:
            return x, np.array(history), "max_steps"
        x = x - lr * grad
        history.append(x.copy())
        loss = f(x)
        if loss < best:
            best, waited = loss, 0
        else:
            waited += 1

# %% gradient_descent_until wrong: an equal loss counts as an improvement | fails: test_gradient_descent_until_patience
def gradient_descent_until(f, grad_fn, x0, lr, grad_tol=1e-6, patience=None, min_delta=0.0, max_steps=10_000):
    x = np.array(x0, dtype=float)
    history = [x.copy()]
    best, waited = f(x), 0
    while True:
        grad = grad_fn(x)
        if np.linalg.norm(grad) <= grad_tol:
            return x, np.array(history), "gradient_small"
        if patience is not None and waited >= patience:
            return x, np.array(history), "no_improvement"
        if len(history) - 1 == max_steps:
            return x, np.array(history), "max_steps"
        x = x - lr * grad
        history.append(x.copy())
        loss = f(x)
        if loss <= best - min_delta:
            best, waited = loss, 0
        else:
            waited += 1

# %% gradient_descent_until wrong: stops one step late, when the count exceeds patience | fails: test_gradient_descent_until_patience
def gradient_descent_until(f, grad_fn, x0, lr, grad_tol=1e-6, patience=None, min_delta=0.0, max_steps=10_000):
    x = np.array(x0, dtype=float)
    history = [x.copy()]
    best, waited = f(x), 0
    while True:
        grad = grad_fn(x)
        if np.linalg.norm(grad) <= grad_tol:
            return x, np.array(history), "gradient_small"
        if patience is not None and waited > patience:
            return x, np.array(history), "no_improvement"
        if len(history) - 1 == max_steps:
            return x, np.array(history), "max_steps"
        x = x - lr * grad
        history.append(x.copy())
        loss = f(x)
        if loss < best - min_delta:
            best, waited = loss, 0
        else:
            waited += 1

# %% gradient_descent_until wrong: the textbook's x = x0, updated in place | fails: test_gradient_descent_until
def gradient_descent_until(f, grad_fn, x0, lr, grad_tol=1e-6, patience=None, min_delta=0.0, max_steps=10_000):
    x = x0
    history = [x.copy()]
    best, waited = f(x), 0
    while True:
        grad = grad_fn(x)
        if np.linalg.norm(grad) <= grad_tol:
            return x, np.array(history), "gradient_small"
        if patience is not None and waited >= patience:
            return x, np.array(history), "no_improvement"
        if len(history) - 1 == max_steps:
            return x, np.array(history), "max_steps"
        x -= lr * grad
        history.append(x.copy())
        loss = f(x)
        if loss < best - min_delta:
            best, waited = loss, 0
        else:
            waited += 1

# %% gradient_descent_until wrong: allows max_steps + 1 steps | fails: test_gradient_descent_until_max_steps test_gradient_descent_until_patience
def gradient_descent_until(f, grad_fn, x0, lr, grad_tol=1e-6, patience=None, min_delta=0.0, max_steps=10_000):
    x = np.array(x0, dtype=float)
    history = [x.copy()]
    best, waited = f(x), 0
    while True:
        grad = grad_fn(x)
        if np.linalg.norm(grad) <= grad_tol:
            return x, np.array(history), "gradient_small"
        if patience is not None and waited >= patience:
            return x, np.array(history), "no_improvement"
        if len(history) - 2 == max_steps:
            return x, np.array(history), "max_steps"
        x = x - lr * grad
        history.append(x.copy())
        loss = f(x)
        if loss < best - min_delta:
            best, waited = loss, 0
        else:
            waited += 1

# %% sample_log_uniform correct: 10 to the power of low + (high - low) * a uniform number in [0, 1)
def sample_log_uniform(low_exp, high_exp, size, rng=None):
    if high_exp < low_exp:
        raise ValueError(f"need low_exp <= high_exp, got low_exp={low_exp}, high_exp={high_exp}")
    generator = np.random.default_rng(rng)
    return np.power(10.0, low_exp + (high_exp - low_exp) * generator.random(size))

# %% sample_log_uniform wrong: uniform between 10**low_exp and 10**high_exp, not log-uniform | fails: test_sample_log_uniform
def sample_log_uniform(low_exp, high_exp, size, rng=None):
    if low_exp > high_exp:
        raise ValueError(f"low_exp = {low_exp} is larger than high_exp = {high_exp}")
    rng = np.random.default_rng() if rng is None else rng
    return rng.uniform(10.0 ** low_exp, 10.0 ** high_exp, size=size)

# %% sample_log_uniform wrong: e**u instead of 10**u | fails: test_sample_log_uniform
def sample_log_uniform(low_exp, high_exp, size, rng=None):
    if low_exp > high_exp:
        raise ValueError(f"low_exp = {low_exp} is larger than high_exp = {high_exp}")
    rng = np.random.default_rng() if rng is None else rng
    return np.exp(rng.uniform(low_exp, high_exp, size=size))

# %% sample_log_uniform wrong: ignores rng and uses NumPy's global generator | fails: test_sample_log_uniform
def sample_log_uniform(low_exp, high_exp, size, rng=None):
    if low_exp > high_exp:
        raise ValueError(f"low_exp = {low_exp} is larger than high_exp = {high_exp}")
    return 10.0 ** np.random.uniform(low_exp, high_exp, size=size)

# %% sample_log_uniform wrong: whole-number exponents only | fails: test_sample_log_uniform
def sample_log_uniform(low_exp, high_exp, size, rng=None):
    if low_exp > high_exp:
        raise ValueError(f"low_exp = {low_exp} is larger than high_exp = {high_exp}")
    rng = np.random.default_rng() if rng is None else rng
    return 10.0 ** rng.integers(low_exp, high_exp, size=size)

# %% sample_log_uniform wrong: no check of its own, so NumPy's error does not name low_exp | fails: test_sample_log_uniform_errors
def sample_log_uniform(low_exp, high_exp, size, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    return 10.0 ** rng.uniform(low_exp, high_exp, size=size)

# %% sample_log_uniform wrong: raises a ValueError whose message says nothing about the arguments | fails: test_sample_log_uniform_errors
def sample_log_uniform(low_exp, high_exp, size, rng=None):
    if low_exp > high_exp:
        raise ValueError("invalid range")
    rng = np.random.default_rng() if rng is None else rng
    return 10.0 ** rng.uniform(low_exp, high_exp, size=size)
