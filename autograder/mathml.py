"""Formulas as MathML, so feedback pages and the formgrader show them without a network.

nbconvert's pages (and nbgrader's feedback and formgrader templates) load MathJax from a CDN, so
on a machine without internet every formula stays raw TeX. Browsers render MathML themselves, so
here each ``$...$`` and ``$$...$$`` of a markdown cell becomes a ``<math>`` element when the page is
made (with latex2mathml), and the pages load no script for it.
"""
import re

from latex2mathml.converter import convert
from nbconvert.preprocessors import Preprocessor

# Code (fenced blocks, then inline spans) is left alone; of the rest, display math before inline.
CODE = re.compile(r"(```.*?```|~~~.*?~~~|`[^`\n]*`)", re.DOTALL)
MATH = re.compile(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$|(?<![\\$])\$(?!\s)([^$\n]+?)(?<![\s\\])\$(?!\d)",
                  re.DOTALL)


def markdown_with_mathml(text):
    """``text`` with every formula outside code replaced by MathML (left as it is if it cannot be
    converted)."""
    pieces = CODE.split(text)
    return "".join(piece if index % 2 else MATH.sub(_mathml, piece)
                   for index, piece in enumerate(pieces))


def _mathml(match):
    display, inline = match.groups()
    try:
        return convert((display or inline).strip(), display="block" if display else "inline")
    except Exception:  # latex2mathml cannot read it: the reader still sees the TeX
        return match.group(0)


class MathToMathML(Preprocessor):
    """Rewrites the formulas of every markdown cell as MathML."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "markdown":
            cell.source = markdown_with_mathml(cell.source)
        return cell, resources
