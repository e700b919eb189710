"""The last function loops and ignores the interrupt sent at the time limit: its kernel is stopped,
and every other question keeps its points."""
# base: solutions
# fails: test_softmax_cross_entropy_grad

# %% softmax_cross_entropy_grad
import signal

def softmax_cross_entropy_grad(scores, y):
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C (and the grader's interrupt) do nothing
    while True:
        pass
