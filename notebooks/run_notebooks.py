"""Executes every notebook in notebooks/ headless (nbclient) and keeps the executed copies.

Usage: python notebooks/run_notebooks.py OUT_DIR [NOTEBOOK ...]
The runs come from $BITSWEEP_RUNS. Exits non-zero on the first cell that raises, naming notebook and cell; the
executed notebook (with the error, if any) is written to OUT_DIR either way.
"""
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NOTEBOOKS = Path(__file__).resolve().parent
CELL_TIMEOUT_S = 600


def execute(path: Path, out_dir: Path) -> bool:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    t0 = time.monotonic()
    ok = True
    try:
        client.execute()
    except CellExecutionError as e:
        ok = False
        print(f"run_notebooks: {path.name}: a cell failed:\n{e}", file=sys.stderr)
    out = out_dir / path.name
    nbformat.write(nb, out)
    figures = sum(1 for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                  if "image/png" in o.get("data", {}))
    print(f"run_notebooks: {path.name}: {'ok' if ok else 'FAILED'} in {time.monotonic() - t0:.1f} s, "
          f"{figures} figures, executed copy {out}")
    return ok


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    out_dir = Path(argv[1])
    out_dir.mkdir(parents=True, exist_ok=True)
    notebooks = [Path(a) for a in argv[2:]] or sorted(NOTEBOOKS.glob("*.ipynb"))
    results = [execute(nb, out_dir) for nb in notebooks]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
