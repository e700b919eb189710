# Mutation suite for notebook 04 (read by tests/test_examples.py; never imported).
# Each "# %% <function> correct|wrong: <what> | fails: <test cells>" section is one submission:
# the solution notebook with that one function replaced. A wrong variant must lose exactly the
# cells it names and keep every other point; a correct variant must keep every point.

# %% forward_difference correct: the secant slope, multiplied by 1 / h
def forward_difference(f, x, h=1e-4):
    rise = f(x + h) - f(x)
    return rise * (1.0 / h)

# %% forward_difference wrong: central instead of forward difference | fails: test_forward_difference
def forward_difference(f, x, h=1e-4):
    return (f(x + h) - f(x - h)) / (2 * h)

# %% forward_difference wrong: backward difference | fails: test_forward_difference
def forward_difference(f, x, h=1e-4):
    return (f(x) - f(x - h)) / h

# %% forward_difference wrong: divides by 2h | fails: test_forward_difference
def forward_difference(f, x, h=1e-4):
    return (f(x + h) - f(x)) / (2 * h)

# %% forward_difference wrong: ignores its h argument | fails: test_forward_difference
def forward_difference(f, x, h=1e-4):
    step = 1e-4
    return (f(x + step) - f(x)) / step

# %% numerical_diff correct: divides by h, then by 2
def numerical_diff(f, x, h=1e-4):
    return (f(x + h) - f(x - h)) / h / 2

# %% numerical_diff wrong: forward difference | fails: test_numerical_diff
def numerical_diff(f, x, h=1e-4):
    return (f(x + h) - f(x)) / h

# %% numerical_diff wrong: divides by h instead of 2h | fails: test_numerical_diff
def numerical_diff(f, x, h=1e-4):
    return (f(x + h) - f(x - h)) / h

# %% numerical_diff wrong: operator precedence, / 2 * h | fails: test_numerical_diff
def numerical_diff(f, x, h=1e-4):
    return (f(x + h) - f(x - h)) / 2 * h

# %% numerical_diff wrong: default h = 1e-5 instead of 1e-4 | fails: test_numerical_diff
def numerical_diff(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / (2 * h)

# %% numerical_gradient correct: np.nditer over the indices, perturbing copies of x
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        i = it.multi_index
        plus, minus = x.copy(), x.copy()
        plus[i] = x[i] + h
        minus[i] = x[i] - h
        grad[i] = (f(plus) - f(minus)) / (2 * h)
        it.iternext()
    return grad

# %% numerical_gradient wrong: the textbook's loop over range(x.size), only right for 1-D x | fails: test_numerical_gradient test_numerical_gradient_restores_x
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for idx in range(x.size):
        tmp_val = x[idx]
        x[idx] = tmp_val + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
    return grad

# %% numerical_gradient wrong: forward differences | fails: test_numerical_gradient
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    fx = f(x)
    for i in np.ndindex(x.shape):
        saved = x[i]
        try:
            x[i] = saved + h
            grad[i] = (f(x) - fx) / h
        finally:
            x[i] = saved
    return grad

# %% numerical_gradient wrong: hard-coded h = 1e-4 as in the textbook | fails: test_numerical_gradient
def numerical_gradient(f, x, h=1e-5):
    h = 1e-4
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        saved = x[i]
        try:
            x[i] = saved + h
            up = f(x)
            x[i] = saved - h
            down = f(x)
        finally:
            x[i] = saved
        grad[i] = (up - down) / (2 * h)
    return grad

# %% numerical_gradient wrong: no try/finally, so x stays perturbed when f raises | fails: test_numerical_gradient_restores_x
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + h
        up = f(x)
        x[i] = saved - h
        down = f(x)
        x[i] = saved
        grad[i] = (up - down) / (2 * h)
    return grad

# %% numerical_gradient wrong: undoes the perturbations by arithmetic, which rounds | fails: test_numerical_gradient_restores_x
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        try:
            x[i] += h
            up = f(x)
            x[i] -= 2 * h
            down = f(x)
        finally:
            x[i] += h
        grad[i] = (up - down) / (2 * h)
    return grad

# %% rel_error correct: the floor applied with np.where
def rel_error(a, b):
    diff = np.abs(np.subtract(a, b, dtype=float))
    scale = np.abs(a) + np.abs(b)
    return float(np.max(diff / np.where(scale > 1e-8, scale, 1e-8)))

# %% rel_error wrong: no floor, so 0 vs 0 gives nan | fails: test_rel_error
def rel_error(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))

# %% rel_error wrong: adds 1e-8 to the denominator instead of flooring it | fails: test_rel_error
def rel_error(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b) + 1e-8)))

# %% rel_error wrong: the mean over the entries instead of the maximum | fails: test_rel_error
def rel_error(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.mean(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))

# %% rel_error wrong: relative to b only | fails: test_rel_error test_grad_check_sparse
def rel_error(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(b))))

# %% grad_check_sparse correct: one random index per axis, as in the CS231n code, on copies of x
def grad_check_sparse(f, x, analytic_grad, num_checks=10, h=1e-5, rng=None):
    generator = np.random.default_rng(rng)
    result = []
    for _ in range(num_checks):
        index = tuple(int(generator.integers(n)) for n in x.shape)
        plus, minus = x.copy(), x.copy()
        plus[index] += h
        minus[index] -= h
        numerical = (f(plus) - f(minus)) / (2 * h)
        analytic = analytic_grad[index]
        result.append(abs(numerical - analytic) / max(1e-8, abs(numerical) + abs(analytic)))
    return np.array(result)

# %% grad_check_sparse wrong: forward differences | fails: test_grad_check_sparse
def grad_check_sparse(f, x, analytic_grad, num_checks=10, h=1e-5, rng=None):
    rng = np.random.default_rng(rng)
    fx = f(x)
    errors = np.zeros(num_checks)
    for k in range(num_checks):
        index = np.unravel_index(rng.integers(x.size), x.shape)
        saved = x[index]
        try:
            x[index] = saved + h
            numerical = (f(x) - fx) / h
        finally:
            x[index] = saved
        errors[k] = rel_error(numerical, analytic_grad[index])
    return errors

# %% grad_check_sparse wrong: draws without replacement, so num_checks cannot exceed x.size | fails: test_grad_check_sparse test_grad_check_sparse_draws
def grad_check_sparse(f, x, analytic_grad, num_checks=10, h=1e-5, rng=None):
    rng = np.random.default_rng(rng)
    errors = []
    for position in rng.choice(x.size, size=num_checks, replace=False):
        index = np.unravel_index(position, x.shape)
        saved = x[index]
        try:
            x[index] = saved + h
            up = f(x)
            x[index] = saved - h
            down = f(x)
        finally:
            x[index] = saved
        errors.append(rel_error((up - down) / (2 * h), analytic_grad[index]))
    return np.array(errors)

# %% grad_check_sparse wrong: ignores rng, so the same seed checks different entries | fails: test_grad_check_sparse
def grad_check_sparse(f, x, analytic_grad, num_checks=10, h=1e-5, rng=None):
    generator = np.random.default_rng()
    errors = np.zeros(num_checks)
    for k in range(num_checks):
        index = np.unravel_index(generator.integers(x.size), x.shape)
        saved = x[index]
        try:
            x[index] = saved + h
            up = f(x)
            x[index] = saved - h
            down = f(x)
        finally:
            x[index] = saved
        errors[k] = rel_error((up - down) / (2 * h), analytic_grad[index])
    return errors

# %% grad_check_sparse wrong: draws the first index only, so only x[i, 0, ...] is ever checked | fails: test_grad_check_sparse_draws
def grad_check_sparse(f, x, analytic_grad, num_checks=10, h=1e-5, rng=None):
    rng = np.random.default_rng(rng)
    errors = np.zeros(num_checks)
    for k in range(num_checks):
        index = (int(rng.integers(x.shape[0])),) + (0,) * (x.ndim - 1)
        saved = x[index]
        try:
            x[index] = saved + h
            up = f(x)
            x[index] = saved - h
            down = f(x)
        finally:
            x[index] = saved
        errors[k] = rel_error((up - down) / (2 * h), analytic_grad[index])
    return errors

# %% grad_check_sparse wrong: no try/finally, so x stays perturbed when f raises | fails: test_grad_check_sparse
def grad_check_sparse(f, x, analytic_grad, num_checks=10, h=1e-5, rng=None):
    rng = np.random.default_rng(rng)
    errors = np.zeros(num_checks)
    for k in range(num_checks):
        index = np.unravel_index(rng.integers(x.size), x.shape)
        saved = x[index]
        x[index] = saved + h
        up = f(x)
        x[index] = saved - h
        down = f(x)
        x[index] = saved
        errors[k] = rel_error((up - down) / (2 * h), analytic_grad[index])
    return errors

# %% grad_check_sparse wrong: ignores its h argument | fails: test_grad_check_sparse
def grad_check_sparse(f, x, analytic_grad, num_checks=10, h=1e-5, rng=None):
    rng = np.random.default_rng(rng)
    step = 1e-5
    errors = np.zeros(num_checks)
    for k in range(num_checks):
        index = np.unravel_index(rng.integers(x.size), x.shape)
        saved = x[index]
        try:
            x[index] = saved + step
            up = f(x)
            x[index] = saved - step
            down = f(x)
        finally:
            x[index] = saved
        errors[k] = rel_error((up - down) / (2 * step), analytic_grad[index])
    return errors

# %% grad_check_sparse wrong: absolute instead of relative errors | fails: test_grad_check_sparse
def grad_check_sparse(f, x, analytic_grad, num_checks=10, h=1e-5, rng=None):
    rng = np.random.default_rng(rng)
    errors = np.zeros(num_checks)
    for k in range(num_checks):
        index = np.unravel_index(rng.integers(x.size), x.shape)
        saved = x[index]
        try:
            x[index] = saved + h
            up = f(x)
            x[index] = saved - h
            down = f(x)
        finally:
            x[index] = saved
        errors[k] = abs((up - down) / (2 * h) - analytic_grad[index])
    return errors
