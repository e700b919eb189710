"""nbgrader's sanitizing of a submission, on the worker, against source cells shipped with the task.

nbgrader's autograde first sanitizes each submitted notebook (``Autograde.sanitize_preprocessors``:
outputs cleared, duplicated cell ids repaired, the kernelspec and every graded cell's type, points,
checksum and, where locked, source put back as released, the metadata validated), reading the
released cells from the gradebook, a query per cell. The same preprocessors run here, in the
worker, with those queries answered from :func:`source_cells`, read from the gradebook once per
assignment by the coordinator and shipped in the task as plain data; the notebook then passes
through nbconvert as often as autograde passes it (sanitizing, then its empty autograde step), so
the worker executes exactly the text nbgrader would have written.
"""
import json
from types import SimpleNamespace

import nbformat
from nbconvert.exporters import NotebookExporter
from nbgrader import utils
from nbgrader.api import MissingEntry
from nbgrader.converters import Autograde
from nbgrader.preprocessors import NbGraderPreprocessor, OverwriteCells, OverwriteKernelspec

from .i18n import notebook_language


class SanitizeError(Exception):
    """nbgrader refused the submission (e.g. corrupted nbgrader metadata)."""


def source_cells(gradebook, assignment):
    """{notebook: what sanitizing asks the gradebook about it} for an assignment, as plain data."""
    shipped = {}
    for notebook in gradebook.find_assignment(assignment).notebooks:
        shipped[notebook.name] = {
            "kernelspec": notebook.kernelspec,
            "cells": {c.name: {"cell_type": c.cell_type, "locked": c.locked, "checksum": c.checksum,
                               "source": c.source} for c in notebook.source_cells},
            "points": {c.name: c.max_score for c in [*notebook.task_cells, *notebook.grade_cells]}}
    return shipped


class ShippedCells:
    """Answers OverwriteCells' questions to the gradebook from :func:`source_cells` data."""

    def __init__(self, shipped):
        self.shipped = shipped

    def find_source_cell(self, name, notebook, assignment):
        return SimpleNamespace(name=name, **self._entry("cells", name))

    def find_graded_cell(self, name, notebook, assignment):
        return SimpleNamespace(name=name, max_score=self._entry("points", name))

    def _entry(self, kind, name):
        try:
            return self.shipped[kind][name]
        except KeyError:
            raise MissingEntry() from None


class ShippedOverwriteCells(OverwriteCells):
    """OverwriteCells with the released cells from ``resources["shipped"]``."""

    def preprocess(self, nb, resources):
        if self.add_missing_cells:
            raise SanitizeError("OverwriteCells.add_missing_cells is not supported")
        self.notebook_id = resources["nbgrader"]["notebook"]
        self.assignment_id = resources["nbgrader"]["assignment"]
        self.gradebook = ShippedCells(resources["shipped"])
        return NbGraderPreprocessor.preprocess(self, nb, resources)


class ShippedOverwriteKernelspec(OverwriteKernelspec):
    """OverwriteKernelspec with the released kernelspec from ``resources["shipped"]``."""

    def preprocess(self, nb, resources):
        kernelspec = resources["shipped"]["kernelspec"]
        kernelspec = None if kernelspec is None else json.loads(kernelspec)
        if kernelspec:
            nb.metadata["kernelspec"] = kernelspec
        return nb, resources


SHIPPED = {OverwriteCells: ShippedOverwriteCells, OverwriteKernelspec: ShippedOverwriteKernelspec}


def released_cells(nb):
    """What :func:`source_cells` gives for the cells of one notebook, read from a released notebook
    ``nb`` (as nbgrader's SaveCells records them when it generates the assignment), test cells
    left out: their hidden tests are removed from a released notebook (and no edition translates
    them, so the gradebook's are right for every edition)."""
    return {cell.metadata.nbgrader["grade_id"]: {
                "cell_type": cell.cell_type, "locked": utils.is_locked(cell),
                "checksum": cell.metadata.nbgrader.get("checksum"), "source": cell.source}
            for cell in nb.cells if (utils.is_solution(cell) or utils.is_locked(cell)
                                     or utils.is_task(cell)) and not _is_test(cell)}


def _is_test(cell):
    return utils.is_grade(cell) and not utils.is_solution(cell)


def edition_cells(text, shipped):
    """The released cells of the edition the submission ``text`` says it is (its
    ``metadata.descent.language``; see :mod:`autograder.translation`), English if it names none
    that was released."""
    try:
        language = notebook_language(json.loads(text))
    except ValueError:  # not JSON: nbgrader's sanitizing says so
        language = None
    return shipped.get("editions", {}).get(language, shipped["cells"])


def sanitize(text, shipped, student, assignment, notebook):
    """The submitted notebook ``text`` as nbgrader's autograde writes it before executing it, its
    locked cells put back as released in the edition it was released in."""
    defaults = Autograde.class_traits()["sanitize_preprocessors"].default()
    steps = [SHIPPED.get(step, step) for step in defaults]
    shipped = {**shipped, "cells": edition_cells(text, shipped)}
    resources = {"nbgrader": {"student": student, "assignment": assignment, "notebook": notebook},
                 "shipped": shipped, "unique_key": notebook}
    try:
        for preprocessors in (steps, []):  # sanitizing, then autograde's (here empty) pipeline
            text = _exported(text, preprocessors, resources)
    except Exception as error:
        raise SanitizeError(f"{type(error).__name__}: {error}") from None
    return text


def _exported(text, preprocessors, resources):
    exporter = NotebookExporter(default_preprocessors=[])
    for step in preprocessors:
        exporter.register_preprocessor(step)
    return exporter.from_notebook_node(nbformat.reads(text, as_version=4), dict(resources))[0]
