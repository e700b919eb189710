"""Formulas in markdown become MathML; code and lone dollar signs stay as they are."""
from autograder.mathml import markdown_with_mathml


def test_inline_and_display_formulas_become_mathml():
    html = markdown_with_mathml("loss $L = x^2$ and\n$$\\sum_i w_i$$")
    assert html.startswith('loss <math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">')
    assert 'display="block"' in html and "<msup>" in html and "$" not in html


def test_code_prices_and_escaped_dollars_are_left_alone():
    text = "`x = $y$` costs $3 or \\$4, and ```\n$a$\n``` too; 5$ 6$"
    assert markdown_with_mathml(text) == text


def test_what_latex2mathml_cannot_read_stays_tex():
    assert markdown_with_mathml("$\\begin{nonsense}$") == "$\\begin{nonsense}$"
