"""The two dependency lists agree, and the committed notebooks are what solutions/ generates."""
import re
import tomllib

from conftest import REPO, run_cli


def normalized(requirements):
    """Lower case, no spaces, no extras: pip's psycopg[binary] is conda-forge's psycopg."""
    return {re.sub(r"\[.*?\]", "", r.replace(" ", "").lower()) for r in requirements}


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pip_list = normalized(project["dependencies"] + project["optional-dependencies"]["dev"])
    _, dependencies = (REPO / "environment.yml").read_text().split("\ndependencies:\n")
    conda = [line[4:] for line in dependencies.splitlines() if re.match(r"^  - [a-z][^:]*$", line)]
    conda_list = {r for r in normalized(conda) if not re.match(r"^(python|pip)\b", r)}
    assert conda_list == pip_list


def test_committed_notebooks_match_the_solutions():
    code, out, err = run_cli(REPO, "release", "--check")
    assert code == 0, err
