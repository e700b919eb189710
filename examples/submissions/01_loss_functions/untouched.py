"""The notebook as released, handed in untouched: zero, and the grader does not crash."""
# base: release
# fails: all
