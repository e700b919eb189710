"""The two dependency lists agree, and the committed notebooks are what solutions/ generates."""
import re
import tomllib

from conftest import REPO, run_cli


def requirement_names(requirements):
    return {re.split(r"[<>=!~ \[]", r, maxsplit=1)[0].lower() for r in requirements}


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pip_names = requirement_names(project["dependencies"] + project["optional-dependencies"]["dev"])
    conda = [line.strip()[2:] for line in (REPO / "environment.yml").read_text().splitlines()
             if re.match(r"^  - [a-z]", line)]
    conda_names = requirement_names(conda) - {"python", "pip"}
    assert conda_names == pip_names


def test_committed_notebooks_match_the_solutions():
    code, out, err = run_cli(REPO, "release", "--check")
    assert code == 0, err
