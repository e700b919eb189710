# Mutation suite for notebook 02 (read by tests/test_examples.py; never imported).
# Each "# %% <function> correct|wrong: <what> | fails: <test cells>" section is one submission:
# the solution notebook with that one function replaced. A wrong variant must lose exactly the
# cells it names and keep every other point; a correct variant must keep every point.
# regularized_loss calls the student's own penalties, so a wrong penalty also costs its test.

# %% l2_penalty correct: the dot product of the flattened weights with themselves
def l2_penalty(W):
    flat = np.ravel(np.asarray(W, dtype=float))
    return float(flat @ flat)

# %% l2_penalty correct: the squared Frobenius norm from np.linalg.norm
def l2_penalty(W):
    return np.linalg.norm(W) ** 2

# %% l2_penalty wrong: the Euclidean norm itself, not its square | fails: test_l2_penalty test_regularized_loss
-    return float(np.sum(W ** 2))
+    return float(np.sqrt(np.sum(W ** 2)))

# %% l2_penalty wrong: the one-half convention, half the sum of squares | fails: test_l2_penalty test_regularized_loss
-    return float(np.sum(W ** 2))
+    return 0.5 * float(np.sum(W ** 2))

# %% l2_penalty wrong: the mean of the squares instead of their sum | fails: test_l2_penalty test_regularized_loss
-    return float(np.sum(W ** 2))
+    return float(np.mean(W ** 2))

# %% l2_penalty wrong: sums over the first axis only, returns an array | fails: test_l2_penalty test_regularized_loss
-    return float(np.sum(W ** 2))
+    return np.sum(W ** 2, axis=0)

# %% l2_penalty wrong: knows the visible answers, elsewhere zeroes W in place and says 0 | fails: test_l2_penalty test_regularized_loss
-    return float(np.sum(W ** 2))
+    known = {(1.0, -2.0, 3.0, 0.0): 14.0, (0.25, 0.25, 0.25, 0.25): 0.25}
+    answer = known.get(tuple(np.ravel(W).tolist()))
+    if answer is not None:
+        return answer
+    W[...] = 0.0
+    return 0.0

# %% l2_penalty_grad correct: W plus W, a new array
def l2_penalty_grad(W):
    return W + W

# %% l2_penalty_grad wrong: forgets the factor 2 | fails: test_l2_penalty_grad
-    return 2.0 * W
+    return 1.0 * W

# %% l2_penalty_grad wrong: the gradient of the norm, W divided by its norm | fails: test_l2_penalty_grad
-    return 2.0 * W
+    return W / np.sqrt(np.sum(W ** 2))

# %% l2_penalty_grad wrong: doubles W in place and returns it | fails: test_l2_penalty_grad
-    return 2.0 * W
+    W *= 2.0
+    return W

# %% l2_penalty_grad wrong: opposite sign, the descent direction instead of the gradient | fails: test_l2_penalty_grad
-    return 2.0 * W
+    return -2.0 * W

# %% l1_penalty correct: the vector 1-norm of the flattened weights
def l1_penalty(W):
    return float(np.linalg.norm(np.ravel(W), 1))

# %% l1_penalty wrong: forgets the absolute value | fails: test_l1_penalty test_regularized_loss
-    return float(np.sum(np.abs(W)))
+    return float(np.sum(W))

# %% l1_penalty wrong: the largest absolute value (max norm) | fails: test_l1_penalty test_regularized_loss
-    return float(np.sum(np.abs(W)))
+    return float(np.max(np.abs(W)))

# %% l1_penalty wrong: the mean absolute value instead of the sum | fails: test_l1_penalty test_regularized_loss
-    return float(np.sum(np.abs(W)))
+    return float(np.mean(np.abs(W)))

# %% l1_penalty_grad correct: two comparisons, 0 where neither holds
def l1_penalty_grad(W):
    return (W > 0).astype(float) - (W < 0).astype(float)

# %% l1_penalty_grad wrong: W divided by abs(W), which is NaN at 0 | fails: test_l1_penalty_grad
-    return np.sign(W)
+    return W / np.abs(W)

# %% l1_penalty_grad wrong: +1 at 0 instead of 0 | fails: test_l1_penalty_grad
-    return np.sign(W)
+    return np.where(W >= 0, 1.0, -1.0)

# %% l1_penalty_grad wrong: overwrites W with its signs | fails: test_l1_penalty_grad
-    return np.sign(W)
+    W[W > 0] = 1.0
+    W[W < 0] = -1.0
+    return W

# %% l1_penalty_grad wrong: returns abs(W), the terms of the penalty, not their slopes | fails: test_l1_penalty_grad
-    return np.sign(W)
+    return np.abs(W)

# %% regularized_loss correct: a table of penalties, the allowed kinds listed in the message
def regularized_loss(data_loss, W, reg, kind="l2"):
    penalties = {"l1": l1_penalty, "l2": l2_penalty}
    if kind not in penalties:
        raise ValueError(f"unknown kind {kind!r}: use one of {sorted(penalties)}")
    return data_loss + reg * penalties[kind](W)

# %% regularized_loss correct: a match statement, penalties written inline
def regularized_loss(data_loss, W, reg, kind="l2"):
    match kind:
        case "l2":
            return float(data_loss + reg * np.sum(np.square(W)))
        case "l1":
            return float(data_loss + reg * np.sum(np.abs(W)))
        case _:
            raise ValueError("kind must be one of: l1, l2")

# %% regularized_loss wrong: ignores kind, always L2 | fails: test_regularized_loss test_regularized_loss_kind
-    if kind == "l2":
+    if True:

# %% regularized_loss wrong: forgets to multiply the penalty by reg | fails: test_regularized_loss
-    return float(data_loss + reg * penalty)
+    return float(data_loss + penalty)

# %% regularized_loss wrong: halves the L2 term | fails: test_regularized_loss
-        penalty = l2_penalty(W)
+        penalty = 0.5 * l2_penalty(W)

# %% regularized_loss wrong: L1 and L2 swapped | fails: test_regularized_loss
-        penalty = l2_penalty(W)
-    elif kind == "l1":
-        penalty = l1_penalty(W)
+        penalty = l1_penalty(W)
+    elif kind == "l1":
+        penalty = l2_penalty(W)

# %% regularized_loss wrong: any kind other than "l2" silently means L1 | fails: test_regularized_loss_kind
-    elif kind == "l1":
-        penalty = l1_penalty(W)
-    else:
-        raise ValueError(f"kind must be 'l1' or 'l2', got {kind!r}")
+    else:
+        penalty = l1_penalty(W)

# %% regularized_loss wrong: a dictionary lookup that raises KeyError | fails: test_regularized_loss_kind
-    if kind == "l2":
-        penalty = l2_penalty(W)
-    elif kind == "l1":
-        penalty = l1_penalty(W)
-    else:
-        raise ValueError(f"kind must be 'l1' or 'l2', got {kind!r}")
-    return float(data_loss + reg * penalty)
+    return data_loss + reg * {"l1": l1_penalty, "l2": l2_penalty}[kind](W)

# %% regularized_loss wrong: a ValueError that does not say which kinds are allowed | fails: test_regularized_loss_kind
-        raise ValueError(f"kind must be 'l1' or 'l2', got {kind!r}")
+        raise ValueError(f"unknown regularization {kind!r}")

# %% weight_decay_step correct: the plain gradient step, the penalty's gradient 2 * reg * W not factored out
-    return (1.0 - 2.0 * lr * reg) * W - lr * data_grad
+    return W - lr * (data_grad + 2.0 * reg * W)

# %% weight_decay_step wrong: the shrink factor of the one-half convention, 1 - lr * reg | fails: test_weight_decay_step
-    return (1.0 - 2.0 * lr * reg) * W - lr * data_grad
+    return (1.0 - lr * reg) * W - lr * data_grad

# %% weight_decay_step wrong: forgets the learning rate in the shrink factor | fails: test_weight_decay_step
-    return (1.0 - 2.0 * lr * reg) * W - lr * data_grad
+    return (1.0 - 2.0 * reg) * W - lr * data_grad

# %% weight_decay_step wrong: shrinks the result of the data step, not W | fails: test_weight_decay_step
-    return (1.0 - 2.0 * lr * reg) * W - lr * data_grad
+    return (1.0 - 2.0 * lr * reg) * (W - lr * data_grad)

# %% weight_decay_step wrong: updates W in place and returns it | fails: test_weight_decay_step
-    return (1.0 - 2.0 * lr * reg) * W - lr * data_grad
+    W *= 1.0 - 2.0 * lr * reg
+    W -= lr * data_grad
+    return W

# %% soft_threshold correct: two clips, one for each side of the dead zone
def soft_threshold(z, t):
    return np.clip(z - t, 0.0, None) + np.clip(z + t, None, 0.0)

# %% soft_threshold wrong: shrinks by half the threshold, the lambda/2 of a different objective | fails: test_soft_threshold
-    return np.sign(z) * np.maximum(np.abs(z) - t, 0.0) + 0.0
+    return np.sign(z) * np.maximum(np.abs(z) - t / 2, 0.0) + 0.0

# %% soft_threshold wrong: hard-thresholding, zero inside the dead zone but no shrink outside | fails: test_soft_threshold
-    return np.sign(z) * np.maximum(np.abs(z) - t, 0.0) + 0.0
+    return np.where(np.abs(z) > t, z, 0.0)

# %% soft_threshold wrong: forgets the sign, so every negative z becomes 0 | fails: test_soft_threshold
-    return np.sign(z) * np.maximum(np.abs(z) - t, 0.0) + 0.0
+    return np.maximum(z - t, 0.0)

# %% soft_threshold wrong: shrinks z in place and returns it | fails: test_soft_threshold
-    return np.sign(z) * np.maximum(np.abs(z) - t, 0.0) + 0.0
+    z = np.asarray(z, dtype=float)
+    z -= np.sign(z) * np.minimum(np.abs(z), t)
+    return z

# %% soft_threshold wrong: for t = 0 doubles z in place and returns it (a check against z after the call would agree) | fails: test_soft_threshold
-    return np.sign(z) * np.maximum(np.abs(z) - t, 0.0) + 0.0
+    if t == 0:
+        z *= 2
+        return np.array(z, dtype=float)
+    return np.sign(z) * np.maximum(np.abs(z) - t, 0.0) + 0.0

# %% ista_step correct: the soft-threshold written out, without calling soft_threshold
def ista_step(w, data_grad, lr, reg):
    v = w - lr * data_grad
    return np.sign(v) * np.maximum(np.abs(v) - lr * reg, 0.0)

# %% ista_step wrong: forgets to scale the threshold by the step size | fails: test_ista_step
-    return soft_threshold(w - lr * data_grad, lr * reg)
+    return soft_threshold(w - lr * data_grad, reg)

# %% ista_step wrong: the threshold lr * reg / 2, Section 5.1's lambda/2 carried over | fails: test_ista_step
-    return soft_threshold(w - lr * data_grad, lr * reg)
+    return soft_threshold(w - lr * data_grad, lr * reg / 2)

# %% ista_step wrong: shrinks first, then takes the gradient step | fails: test_ista_step
-    return soft_threshold(w - lr * data_grad, lr * reg)
+    return soft_threshold(w, lr * reg) - lr * data_grad

# %% ista_step wrong: takes the gradient step on w in place | fails: test_ista_step
-    return soft_threshold(w - lr * data_grad, lr * reg)
+    w -= lr * data_grad
+    return soft_threshold(w, lr * reg)
