"""matplotlib for the package's figures, imported only when a figure is drawn."""

from typing import Any


def pyplot() -> Any:
    """`matplotlib.pyplot` on the file-only Agg backend. Called inside the plotting functions,
    so importing the package (and every command) does not pay for matplotlib."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot

    return matplotlib.pyplot
