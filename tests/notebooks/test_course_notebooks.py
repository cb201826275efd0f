"""Every course notebook in docs/notebooks/ runs top to bottom in a fresh kernel.

The notebooks are kept in git without outputs (a test checks that too, so a diff shows only what
a teacher wrote). Executed with nbclient, as Jupyter runs them: a cell that raises fails the test
and names the cell. Skipped only where Jupyter's kernel tools are not installed
(`pip install -e ".[notebook]"`); `.ci/run` installs them.
"""
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FOLDER = os.path.join(ROOT, "docs", "notebooks")
NOTEBOOKS = sorted(name for name in os.listdir(FOLDER) if name.endswith(".ipynb"))


def test_there_are_six_chapters():
    assert [name[:2] for name in NOTEBOOKS] == ["01", "02", "03", "04", "05", "06"]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_without_outputs(name):
    nbformat = pytest.importorskip("nbformat")
    notebook = nbformat.read(os.path.join(FOLDER, name), as_version=4)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, \
                f"{name}: cell {index} was committed with its outputs (clear them)"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_runs_top_to_bottom(name, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    notebook = nbformat.read(os.path.join(FOLDER, name), as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as error:
        pytest.fail(f"{name}: a cell raised:\n{str(error)[-2000:]}")
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code_cells)
    shown = [output for cell in code_cells for output in cell.outputs]
    assert any("image/png" in out.get("data", {}) or "image/svg+xml" in out.get("data", {})
               or "text/html" in out.get("data", {}) for out in shown), \
        f"{name} showed no picture"
