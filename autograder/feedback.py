"""The feedback page's exporter: nbconvert's HTML export without its second parse of the page.

``HTMLExporter`` renders the page, then parses all of it again with BeautifulSoup only to add
``alt`` texts to images and ``tabindex`` attributes to JupyterLab-style cells (which nbgrader's
feedback template does not produce). That second pass costs more than the rest of the export,
over a second per student for notebook 01, so here the alt texts are added by a substitution.

nbgrader's feedback template calls every test "Test cell" in its table of contents: another
substitution puts each test's name there. :class:`WrappedOutputs` makes long verdict lines wrap
instead of running off the page, on the feedback page and in the formgrader.

The page of a notebook in another language than English (:func:`autograder.i18n.notebook_language`)
has the template's fixed text translated too, by :func:`translated_page`.
"""
import functools
import json
import re
import tempfile
from pathlib import Path

from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from .i18n import N_, _, language, notebook_language

MISSING_ALT = re.compile(r"<img(?![^>]*\balt=)")
UNNAMED_TEST = re.compile(r'<a href="#([^"<>]+)">Test cell</a>')
WRAP_CSS = "div.output_area pre { white-space: pre-wrap; overflow-wrap: break-word; }"
# A template folder whose conf.json only adds WrappedOutputs to an HTML exporter's preprocessors,
# after the CSSHTMLHeaderPreprocessor of nbconvert's templates, which resets the inlined styles.
WRAPPED_OUTPUTS_TEMPLATE = str(Path(__file__).parent / "templates" / "wrapped_outputs")


class WrappedOutputs(Preprocessor):
    """Adds the CSS that wraps long output lines to the styles a page inlines (once)."""

    enabled = Bool(True)

    def preprocess(self, nb, resources):
        styles = resources.setdefault("inlining", {}).setdefault("css", [])
        if WRAP_CSS not in styles:
            styles.append(WRAP_CSS)
        return nb, resources


class FeedbackExporter(HTMLExporter):
    """HTMLExporter with the same filters and page, minus the BeautifulSoup pass."""

    def from_notebook_node(self, nb, resources=None, **kw):
        language = nb.metadata.get("language_info", {})
        lexer = language.get("pygments_lexer", language.get("name"))
        resources = self._init_resources(resources)
        self.register_filter("highlight_code", self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        html = MISSING_ALT.sub('<img alt="No description has been provided for this image"', html)
        html = UNNAMED_TEST.sub(r'<a href="#\1">\1</a>', html)
        return html, resources


class RecordedGrades(Preprocessor):
    """nbgrader's GetGrades, from grades read already (``resources["grades"]``, see
    :func:`autograder.scoring.shown_grades`) instead of a query per cell."""

    enabled = Bool(True)

    def preprocess(self, nb, resources):
        grades = resources["grades"]
        for cell in nb.cells:
            grading = cell.metadata.get("nbgrader", {})
            if grading.get("solution"):
                grading["comment"] = grades["comments"][grading["grade_id"]]
            if grading.get("grade"):
                grading["score"], grading["points"] = grades["grades"][grading["grade_id"]]
            if grading.get("task"):
                grading["comment"] = grades["comments"][grading["grade_id"]]
                grading["score"], grading["points"] = grades["grades"][grading["grade_id"]]
        resources["nbgrader"].update(score=grades["score"], max_score=grades["max_score"],
                                     late_penalty=grades["late_penalty"])
        return nb, resources


@functools.cache
def _exporter():
    """The feedback page's exporter, configured as nbgrader's generate_feedback configures it
    (:func:`autograder.course.nbgrader_settings`), with RecordedGrades for GetGrades; one per
    process, so that its templates are compiled once."""
    from nbgrader.converters import GenerateFeedback
    from nbgrader.preprocessors import GetGrades
    from traitlets.config import Config

    from .course import nbgrader_api, nbgrader_settings

    folder = tempfile.gettempdir()  # the course's folders play no part in the page
    api = nbgrader_api(nbgrader_settings(folder, folder))
    converter = GenerateFeedback(coursedir=api.coursedir, parent=api)
    feedback_template = Config()
    feedback_template.HTMLExporter.template_name = "feedback"  # as NbGraderAPI.generate_feedback
    converter.update_config(feedback_template)
    exporter = converter.exporter_class(parent=converter, config=converter.config)
    for step in converter.preprocessors:
        exporter.register_preprocessor(RecordedGrades if step is GetGrades else step)
    return exporter


def feedback_page(nb, grades, student, assignment, notebook):
    """The feedback page of a judged notebook, given the ``grades`` it shows; as nbgrader's
    generate_feedback writes it for the same grades, in the notebook's language."""
    resources = {"unique_key": notebook, "output_files_dir": f"{notebook}_files",
                 "nbgrader": {"student": student, "assignment": assignment, "notebook": notebook},
                 "grades": grades, "metadata": {"name": notebook, "path": ""}}
    with language(notebook_language(nb)):
        return translated_page(_exporter().from_notebook_node(nb, resources)[0])


# nbgrader's feedback template's fixed text: (HTML before it, the text, HTML after it)
PAGE_TEXT = [
    ("", N_("(Score: {score} / {max_score})"), ""),
    ("", N_("Late submission penalty (Score: -{penalty})"), ""),
    ("\n      ", N_("Score: {score} / {max_score}"), " <a"),
    ('<a href="#top">', N_("(Top)"), "</a>"),
    ('">', N_("Coding free-response"), "</a>"),
    ('">', N_("Written response"), "</a>"),
    ('">', N_("Task"), "</a>"),
    ('">', N_("Comment"), "</a>"),
    ('<span class="nbgrader-label">', N_("Student's answer"), "</span>"),
    ('<span class="nbgrader-label">', N_("Student's task"), "</span>"),
    ('<span class="nbgrader-label">', N_("Grade cell:"), " <code>"),
    ('<span class="nbgrader-label">', N_("Task:"), " <code>"),
    ("<b>", N_("Comments:"), "</b>"),
    ('alt="', N_("No description has been provided for this image"), '"'),
]


def translated_page(page):
    """A feedback page with the template's fixed text in the current language."""
    for before, text, after in PAGE_TEXT:
        translated = _(text)
        if translated != text:
            page = _text_pattern(before, text, after).sub(
                lambda match: before + translated.format(**match.groupdict()) + after, page)
    return page


def translate_pages(folder, notebooks):
    """Translate the pages nbgrader's generate_feedback wrote into ``folder``, each into the
    language of its notebook in the folder ``notebooks`` (English if it cannot be read)."""
    for page in Path(folder).glob("*.html"):
        try:
            nb = json.loads((Path(notebooks) / f"{page.stem}.ipynb").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if notebook_language(nb) != "en":
            with language(notebook_language(nb)):
                page.write_text(translated_page(page.read_text(encoding="utf-8")), encoding="utf-8")


@functools.cache
def _text_pattern(before, text, after):
    """``before``, ``text`` and ``after`` as they are, where a ``{field}`` of ``text`` is a number."""
    pieces = re.split(r"\{(\w+)\}", text)  # text, field, text, ..., text
    middle = "".join(f"(?P<{piece}>-?[0-9.]+)" if i % 2 else re.escape(piece)
                     for i, piece in enumerate(pieces))
    return re.compile(re.escape(before) + middle + re.escape(after))
