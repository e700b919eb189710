"""Where the course's folders are, and the nbgrader settings every command shares.

The instructor's single source of truth is ``solutions/NN_topic/NN_topic.ipynb``; students get
``notebooks/``; grading state (gradebook, submitted, autograded, feedback) lives in a git-ignored
work folder, ``grading/`` unless told otherwise.
"""
import logging
import os
import re
import sys
from pathlib import Path

from traitlets.config import Config

COURSE_ID = "descent"
ASSIGNMENT_PATTERN = re.compile(r"^\d\d_\w+$")
DEFAULT_TIMEOUT = 30
# Cells with this tag (plots, experiments) earn no points, so grading and self-checks skip them:
# a slow or broken demo then costs a student neither time nor points.
DEMO_TAG = "demo"
TEMPLATES = Path(__file__).parent / "templates"


class CourseError(Exception):
    """Bad input from the user: reported as one line, with a non-zero exit."""


def find_root(start=None):
    """The course folder: the nearest folder at or above ``start`` with a solutions/ folder."""
    start = Path(start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / "solutions").is_dir():
            return folder
    raise CourseError(f"no course found at or above {start}: run this inside the Descent folder "
                      "(the one with solutions/)")


def assignments(root):
    """Assignment ids, in lecture order: the NN_topic folders of solutions/."""
    folders = sorted(p for p in (Path(root) / "solutions").iterdir() if p.is_dir())
    return [p.name for p in folders if ASSIGNMENT_PATTERN.match(p.name)]


def notebook_names(root, assignment):
    """The notebooks (without .ipynb) an assignment consists of."""
    return sorted(p.stem for p in (Path(root) / "solutions" / assignment).glob("*.ipynb"))


def require_assignment(root, assignment):
    known = assignments(root)
    if assignment not in known:
        raise CourseError(f"unknown assignment {assignment!r}: known assignments are "
                          f"{', '.join(known) or '(none)'}")


def nbgrader_settings(root, work, *, release=None, db_url=None):
    """nbgrader configuration: sources in solutions/, state in ``work``.

    nbgrader's autograde only sanitizes a submission and records it here: executing and judging
    happen in :mod:`autograder.worker`, scoring in :mod:`autograder.grading`.
    """
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader import preprocessors as nbg

    from .feedback import WRAPPED_OUTPUTS_TEMPLATE, FeedbackExporter, WrappedOutputs

    _put_scripts_on_path()
    root, work = Path(root).resolve(), Path(work).resolve()
    c = Config()
    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.root = str(work)
    c.CourseDirectory.source_directory = str(root / "solutions")
    c.CourseDirectory.release_directory = str(Path(release).resolve() if release else work / "release")
    c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback",
                                "*.ko.toml"]  # nbgrader's own, and translations (not for students)
    if db_url:  # else nbgrader's default, gradebook.db in the work folder
        c.CourseDirectory.db_url = db_url
    c.Exchange.root = str(work / "exchange")  # not the system-wide one: no release by exchange here
    c.Autograde.autograde_preprocessors = []
    c.GenerateAssignment.preprocessors = _generate_preprocessors()
    c.GenerateFeedback.exporter_class = FeedbackExporter
    c.GenerateFeedback.preprocessors = [nbg.GetGrades, CSSHTMLHeaderPreprocessor, WrappedOutputs,
                                        nbg.ClearHiddenTests]
    c.HTMLExporter.extra_template_paths = [WRAPPED_OUTPUTS_TEMPLATE]  # and in the formgrader
    offline_formulas(c)
    return c


def with_late_policy(root, config):
    """``config`` with the late-submission settings of the course's ``nbgrader_config.py``
    (``LateSubmissionPlugin``, ``AssignLatePenalties`` and a plugin class of one's own), which
    the formgrader's Autograde applies too: both then give late work the same penalty. Reading
    that file runs it, as nbgrader does (it prepares grading/exchange for the formgrader)."""
    import copy

    from traitlets.config.loader import PyFileConfigLoader

    path = Path(root) / "nbgrader_config.py"
    if not path.is_file():
        return config
    try:
        course = PyFileConfigLoader(path.name, path=str(path.parent)).load_config()
    except Exception as error:  # the instructor's own Python: say what is wrong, in one line
        raise CourseError(f"cannot read {path}: {type(error).__name__}: {error}") from None
    plugin = course.get("AssignLatePenalties", {}).get("plugin_class", "")  # a class or its name
    plugin = getattr(plugin, "__name__", None) or str(plugin).rpartition(".")[2]
    sections = {"AssignLatePenalties", "LateSubmissionPlugin", plugin} & set(course)
    merged = copy.deepcopy(config)
    merged.merge(Config({section: course[section] for section in sections}))
    return merged


def _generate_preprocessors():
    """nbgrader's steps of generating a student's notebook, with written answers' stubs named
    (see :class:`autograder.release.NameWrittenAnswers`)."""
    from nbgrader.converters import GenerateAssignment
    from nbgrader.preprocessors import ClearSolutions

    from .release import NameWrittenAnswers

    steps = list(GenerateAssignment.class_traits()["preprocessors"].default())
    steps.insert(steps.index(ClearSolutions) + 1, NameWrittenAnswers)
    return steps


def offline_formulas(c):
    """Pages made with ``c`` (feedback, the formgrader's) show formulas as MathML and load no
    MathJax from a CDN: our ``mathjax`` macro comes before nbconvert's."""
    import nbgrader

    from .mathml import MathToMathML

    nbgrader_templates = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates"
    c.HTMLExporter.extra_template_basedirs = [str(TEMPLATES), str(nbgrader_templates)]
    c.HTMLExporter.preprocessors = [MathToMathML]


def sqlite_url(work):
    return f"sqlite:///{Path(work).resolve() / 'gradebook.db'}"


def gradebook_url(root, work, db=None):
    """The gradebook's database: ``db``, else ``CourseDirectory.db_url`` in the course's
    ``nbgrader_config.py``, else SQLite in the work folder."""
    if db:
        return db
    config_file = Path(root) / "nbgrader_config.py"
    if config_file.is_file():
        from traitlets.config.loader import PyFileConfigLoader

        config = PyFileConfigLoader(config_file.name, str(config_file.parent)).load_config()
        if "db_url" in config.get("CourseDirectory", {}):
            return config.CourseDirectory.db_url
    return sqlite_url(work)


def _put_scripts_on_path():
    """nbgrader runs the ``alembic`` script when it creates a gradebook: find ours, venv or not."""
    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")


def nbgrader_api(config):
    """nbgrader's Python API, quiet: its log is captured per call, not printed."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    logging.getLogger("traitlets").setLevel(logging.ERROR)
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config, log_level=logging.ERROR)
