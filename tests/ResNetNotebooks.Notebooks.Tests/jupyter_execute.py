#!/usr/bin/env python3
"""Executes one notebook through the Jupyter protocol (nbclient, the library under `jupyter nbconvert --execute`).

Used by JupyterExecutionTests; runs by hand too:

    python3 jupyter_execute.py IN.ipynb OUT.ipynb --cwd notebooks --kernel .net-csharp --timeout 300

The kernel starts in --cwd (the notebooks' folder, so `#r "../artifacts/notebook-lib/..."` resolves as in VS Code),
runs the cells in order and stops at the first cell whose reply is an error. Afterwards every output of type "error"
counts as a failure too. The executed copy is written to OUT whatever happened. The last line on stdout is one JSON
object: {"status": "passed" | "failed" | "error", "cell": N (1-based, in OUT), "first_line": ..., "error": ...}.
Exit code 0 when passed, 1 otherwise, 3 when nbclient is not installed.
"""
import argparse
import json
import sys
import time


def first_line(source):
    for line in source.splitlines():
        if line.strip():
            return line.strip()
    return ""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("notebook")
    parser.add_argument("output")
    parser.add_argument("--cwd", required=True)
    parser.add_argument("--kernel", default=".net-csharp")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell")
    parser.add_argument("--startup-timeout", type=int, default=180, help="seconds for the kernel to start")
    args = parser.parse_args()
    try:
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    except ImportError as e:
        print(json.dumps({"status": "error", "error": f"nbclient is not installed ({e}); apt-get install python3-nbclient"}))
        return 3

    nb = nbformat.read(args.notebook, as_version=4)
    client = NotebookClient(nb, kernel_name=args.kernel, timeout=args.timeout, startup_timeout=args.startup_timeout,
                            allow_errors=False, resources={"metadata": {"path": args.cwd}})
    result = {"status": "passed"}
    started = time.monotonic()
    try:
        client.execute()
    except CellTimeoutError as e:
        result = {"status": "failed", "error": f"a cell ran longer than {args.timeout} s (the per-cell timeout): {str(e).splitlines()[0] if str(e) else ''}"}
    except CellExecutionError as e:
        result = {"status": "failed", "error": f"{e.ename}: {e.evalue}"}
    except DeadKernelError as e:
        result = {"status": "failed", "error": f"the kernel died: {e}"}
    except Exception as e:  # the kernel did not start, and so on: name it and fail
        result = {"status": "error", "error": f"{type(e).__name__}: {str(e).strip().splitlines()[-1] if str(e).strip() else ''}"}
    finally:
        nbformat.write(nb, args.output)
    result["seconds"] = round(time.monotonic() - started, 1)

    # Any error output fails the run, even one the kernel reported without failing the cell.
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                result["status"] = "failed"
                result["cell"] = index + 1
                result["first_line"] = first_line(cell.source)
                if "error" not in result:
                    result["error"] = f"{output.get('ename', '')}: {output.get('evalue', '')}"
                break
        if "cell" in result:
            break
    print(json.dumps(result))
    return 0 if result["status"] == "passed" else 1


if __name__ == "__main__":
    sys.exit(main())
