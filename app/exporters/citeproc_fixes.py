"""citeproc-py patched where it breaks what CSL 1.0.2 says, each fix pinned by a test: a variable
used by ``cs:substitute`` through a macro was not suppressed afterwards (APA printed the title
twice when there is no author), and a lone citation (one article, one reference) printed a
citation number, which only means something inside a reference list. Importing this module
applies the patches; :data:`render_state` says, per thread, whether the entry is unnumbered."""

from __future__ import annotations

import threading
from typing import Any

from citeproc.model import Names, Substitute, Text, VariableError

# Per-thread rendering state for the two patches below (routes render in a thread pool).
render_state = threading.local()
_original_text_variable = Text._variable


def _text_variable(self: Text, item: Any, context: Any) -> Any:
    """``cs:text variable=...``, recording what a substitution rendered, and printing no
    ``citation-number`` for a lone citation."""
    variable = self.get("variable")
    if variable == "citation-number" and getattr(render_state, "unnumbered", False):
        return None
    text = _original_text_variable(self, item, context)
    recording: list[set[tuple[str, str]]] | None = getattr(render_state, "recording", None)
    if recording and text is not None:
        recording[-1].add((self.tag, variable))
    return text


def _substitute_render(self: Substitute, item: Any, context: Any = None, **kwargs: Any) -> Any:
    """citeproc-py's ``Substitute.render``, which also suppresses every variable the chosen
    substitute rendered through macros, not only a ``variable`` attribute on the child itself."""
    recording = render_state.__dict__.setdefault("recording", [])
    for child in self.getchildren():
        recording.append(set())
        try:
            if isinstance(child, Names) and child.name is None:
                names = self.xpath_search("./parent::cs:names[1]")[0]
                text = child.render(item, names_context=names, context=context, **kwargs)
            else:
                text = child.render(item, context=context, **kwargs)
        except VariableError:
            continue
        finally:
            used = recording.pop()
        if text:
            self.add_to_repressed_list(child, context)
            repressed = context.get_layout().repressed
            for tag, variable in used:
                repressed.setdefault(tag, []).append(variable)
            if recording:
                recording[-1].update(used)
            return text
    return None


Text._variable = _text_variable  # type: ignore[method-assign]
Substitute.render = _substitute_render  # type: ignore[method-assign]
