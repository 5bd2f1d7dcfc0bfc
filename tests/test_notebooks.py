"""Notebooks: stored without outputs, executable, executed by the build, downloadable."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import DOCS, ROOT, mkdocs_in

NOTEBOOKS = sorted(DOCS.rglob("*.ipynb"))


def test_there_are_notebooks() -> None:
    assert len(NOTEBOOKS) >= 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {index} has stored outputs"
            assert cell.execution_count is None, f"{path.name} cell {index} has a count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_from_top_to_bottom(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()  # raises CellExecutionError naming the cell on any error
    assert any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")


def test_built_notebook_pages_offer_the_ipynb_for_download(built_site: Path) -> None:
    for path in NOTEBOOKS:
        page_dir = built_site / path.relative_to(DOCS).with_suffix("")
        assert (page_dir / path.name).is_file(), f"{path.name} is not published"
        html = (page_dir / "index.html").read_text(encoding="utf-8")
        assert f'href="{path.name}"' in html or f'/{path.name}"' in html
        assert "download" in html
        assert "jp-OutputArea" in html, "the notebook was not executed at build time"


def test_a_raising_cell_fails_the_build_naming_notebook_and_cell(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.cells = [
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("raise ValueError('cell three is broken')"),
    ]
    nbformat.write(notebook, docs / "broken.ipynb")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    plugin = config[config.index("  - mkdocs-jupyter:") : config.index("      include_source")]
    (tmp_path / "mkdocs.yml").write_text(f"site_name: t\nplugins:\n{plugin}", encoding="utf-8")
    done = mkdocs_in(tmp_path, "build", "-q")
    assert done.returncode != 0
    assert "broken.ipynb" in done.stderr
    assert "raise ValueError('cell three is broken')" in done.stderr


def test_a_cell_printing_twice_renders_one_output_however_the_kernel_batches_it(
    tmp_path: Path,
) -> None:
    # Two prints with a pause between reach the kernel client as two stream messages; unless
    # they are merged, the page's HTML depends on timing and builds are not byte-identical.
    from mkdocs_jupyter import convert

    from derivnotes.site.plugin import coalesce_notebook_streams

    assert coalesce_notebook_streams()
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("import time\nprint(1)\ntime.sleep(0.5)\nprint(2)")]
    path = tmp_path / "twice.ipynb"
    nbformat.write(notebook, path)
    html = convert.nb2html(str(path), execute=True, kernel_name="python3", allow_errors=False)
    assert html.count('<div class="jp-OutputArea-child') == 1
    assert "<pre>1\n2\n</pre>" in html


def test_notebook_pages_ship_only_the_jupyterlab_css_they_can_use(built_site: Path) -> None:
    import re

    for path in NOTEBOOKS:
        html = (built_site / path.relative_to(DOCS).with_suffix("") / "index.html").read_text(
            encoding="utf-8"
        )
        css = "".join(re.findall(r"<style[^>]*>(.*?)</style>", html, re.DOTALL))
        assert ".jp-OutputArea-output" in css, f"{path.name}: the output styles were pruned"
        assert ".jp-Toolbar" not in css, f"{path.name}: JupyterLab's toolbar CSS is still inlined"
        # JupyterLab's icons, as variables of a rule (.jupyter-wrapper :root) that cannot match
        assert "--jp-icon-add-above" not in css, f"{path.name}: unmatched :root rule kept"
        assert "['" not in css, f"{path.name}: the <style> of a Python list repr is still there"
        assert len(css) < 100_000, f"{path.name}: {len(css)} characters of inline CSS"


def _without_derivnotes(source: str) -> dict:
    """Run notebook code as in a fresh Jupyter or Colab, where derivnotes is not installed."""
    import builtins

    real_import = builtins.__import__

    def blocked(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "derivnotes" or name.startswith("derivnotes."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    namespace: dict = {}
    builtins.__import__ = blocked
    try:
        exec(compile(source, "<notebook cell>", "exec"), namespace)
    finally:
        builtins.__import__ = real_import
    return namespace


@pytest.mark.parametrize(
    ("notebook", "names"),
    [
        (
            "gradient-descent.ipynb",
            [
                "logistic_cost",
                "logistic_gradient",
                "sigmoid_squared_error_cost",
                "sigmoid_squared_error_gradient",
            ],
        ),
        ("logistic-loss-sympy.ipynb", ["logistic_gradient"]),
    ],
)
def test_a_downloaded_notebook_runs_without_the_package_and_says_how(
    notebook: str, names: list[str]
) -> None:
    import numpy as np

    from derivnotes import numerics

    cells = json.loads((DOCS / "notebooks" / notebook).read_text(encoding="utf-8"))["cells"]
    assert "Jupyter or Colab" in "".join(cells[0]["source"])
    cell = next(c for c in cells if "from derivnotes.numerics import" in "".join(c["source"]))
    source = "".join(cell["source"])
    # the try/except that imports the package or defines its functions plainly
    block = next(node for node in ast.parse(source).body if isinstance(node, ast.Try))
    code = ast.get_source_segment(source, block)
    namespace = _without_derivnotes(f"import numpy as np\n{code}")
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(7, 2)) * 3, rng.integers(0, 2, size=7).astype(float)
    w, b = rng.normal(size=2), 0.4
    for name in names:
        ours, theirs = namespace[name](X, y, w, b), getattr(numerics, name)(X, y, w, b)
        if isinstance(theirs, tuple):
            assert np.allclose(ours[0], theirs[0], rtol=1e-12, atol=1e-15), name
            assert abs(ours[1] - theirs[1]) < 1e-12, name
        else:
            assert abs(ours - theirs) < 1e-12 * max(1.0, abs(theirs)), name
