"""What a fresh grading kernel runs before the learner's first cell: sent to the kernel as source text by
:func:`autograder.execute.warmup_code` (silently: no cell, no execution count), never imported by the grader.

Three things, none of which any score depends on (answers are judged as data):

- the modules the assignment's instructor cells import are imported now, while the previous notebook is
  still being scored;
- ``Figure.savefig`` to a PNG stream writes a blank image instead of rasterising the figure (patched as soon
  as matplotlib's ``Figure`` is imported, before the next cell);
- while an instructor cell runs (its text is exactly one of the release's instructor cells), the names bound
  to a figure maker (a function of those modules marked by ``course.figures.figure_maker``, such as
  ``course.net.draw``), and the maker's own module attribute, make a stand-in instead of the figure: it is
  drawn only if something other than saving it as PNG to a stream is asked of it. A notebook whose figures
  all come from figure makers in instructor cells then never imports matplotlib. The learner's own cells get
  the real functions.

Learner code may undo any of this; that only costs time.
"""

from __future__ import annotations

from typing import Any


def autograder_warm(modules: list[str], blank: bytes, release: set[str], mark: str) -> None:
    import hashlib
    import importlib
    import sys

    from IPython import get_ipython

    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001, S112 - the notebook's own cell will show the error
            continue

    def as_png_stream(fname: Any, kwargs: dict[str, Any]) -> bool:
        return hasattr(fname, "write") and (kwargs.get("format") or "png") == "png"

    patched: list[bool] = []

    def patch_savefig() -> None:
        figure = sys.modules.get("matplotlib.figure")
        if patched or figure is None:
            return
        patched.append(True)
        original = figure.Figure.savefig

        def savefig(self: Any, fname: Any, *args: Any, **kwargs: Any) -> Any:
            if as_png_stream(fname, kwargs):
                fname.write(blank)
                return None
            return original(self, fname, *args, **kwargs)

        figure.Figure.savefig = savefig

    patch_savefig()

    class Undrawn:
        """A figure an instructor cell asked for, drawn only when needed (see the module's docstring)."""

        def __init__(self, make: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
            object.__setattr__(self, "_autograder_call", (make, args, kwargs))
            object.__setattr__(self, "_autograder_figure", None)

        def _autograder_real(self) -> Any:
            figure = object.__getattribute__(self, "_autograder_figure")
            if figure is None:
                make, args, kwargs = object.__getattribute__(self, "_autograder_call")
                figure = make(*args, **kwargs)
                object.__setattr__(self, "_autograder_figure", figure)
            return figure

        @property
        def dpi(self) -> Any:
            figure = object.__getattribute__(self, "_autograder_figure")
            return 100.0 if figure is None else figure.dpi

        def savefig(self, fname: Any, *args: Any, **kwargs: Any) -> Any:
            if object.__getattribute__(self, "_autograder_figure") is None and as_png_stream(fname, kwargs):
                fname.write(blank)
                return None
            return self._autograder_real().savefig(fname, *args, **kwargs)

        def __getattr__(self, name: str) -> Any:
            return getattr(self._autograder_real(), name)

        def __setattr__(self, name: str, value: Any) -> None:
            setattr(self._autograder_real(), name, value)

        def __repr__(self) -> str:
            return repr(self._autograder_real())

    def stand_in(make: Any) -> Any:
        def undrawn(*args: Any, **kwargs: Any) -> Undrawn:
            return Undrawn(make, args, kwargs)

        undrawn.__wrapped__ = make  # type: ignore[attr-defined]
        return undrawn

    def is_maker(value: Any) -> bool:
        try:
            return callable(value) and getattr(value, mark, False) is True
        except Exception:  # noqa: BLE001 - an odd module attribute is simply not a figure maker
            return False

    # Read now, before any learner code runs: the figure makers the imported modules define or import, each
    # with its stand-in and the module attribute it is defined as (so a cell that imports it gets the stand-in).
    real: dict[int, tuple[Any, Any, Any]] = {}  # id(maker) -> (maker, stand-in, defining module or None)
    for name in modules:
        for value in list(vars(sys.modules[name]).values()) if name in sys.modules else []:
            if is_maker(value) and id(value) not in real:
                home = sys.modules.get(getattr(value, "__module__", None) or "")
                at = getattr(value, "__name__", "")
                real[id(value)] = (value, stand_in(value), home if getattr(home, at, None) is value else None)
    shell = get_ipython()
    if shell is None:
        return
    standing = {id(stand): make for make, stand, _ in real.values()}
    swapping: list[bool] = []

    def before(info: Any) -> None:
        patch_savefig()
        raw = getattr(info, "raw_cell", None)
        if not real or not isinstance(raw, str) or hashlib.sha256(raw.encode()).hexdigest() not in release:
            return
        swapping.append(True)
        namespace = shell.user_ns
        for key, value in list(namespace.items()):
            if id(value) in real and real[id(value)][0] is value:
                namespace[key] = real[id(value)][1]
        for make, stand, home in real.values():
            if home is not None:
                setattr(home, make.__name__, stand)

    def after(result: Any) -> None:
        if not swapping:
            return
        swapping.clear()
        for make, stand, home in real.values():
            if home is not None and getattr(home, make.__name__, None) is stand:
                setattr(home, make.__name__, make)
        namespace = shell.user_ns
        for key, value in list(namespace.items()):  # also the names the cell itself imported
            if id(value) in standing and value.__wrapped__ is standing[id(value)]:
                namespace[key] = standing[id(value)]

    shell.events.register("pre_run_cell", before)
    shell.events.register("post_run_cell", after)
