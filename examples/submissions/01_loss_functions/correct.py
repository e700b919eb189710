"""Everything right, answers written out: full points on every autograded cell."""
# base: solutions
