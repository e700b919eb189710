"""The feedback page's exporter: nbconvert's HTML export without its second parse of the page.

``HTMLExporter`` renders the page, then parses all of it again with BeautifulSoup only to add
``alt`` texts to images and ``tabindex`` attributes to JupyterLab-style cells (which nbgrader's
feedback template does not produce). That second pass costs more than the rest of the export,
over a second per student for notebook 01, so here the alt texts are added by a substitution.

nbgrader's feedback template calls every test "Test cell" in its table of contents: another
substitution puts each test's name there. :class:`WrappedOutputs` makes long verdict lines wrap
instead of running off the page, on the feedback page and in the formgrader.
"""
import re
from pathlib import Path

from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

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
