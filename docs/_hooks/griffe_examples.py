"""A griffe extension for the API reference: the docstrings' "Example:" is "Examples:".

Why: the project's docstrings head their runnable examples "Example:" (Google style allows both),
but griffe only reads "Examples:" as doctest code; under "Example:" a line such as
`>>> x[0][1]` would be rendered as Markdown (and read as a broken link).
"""
import re

import griffe

_HEADING = re.compile(r"^(\s*)Example:\s*$", re.M)


class ExampleSections(griffe.Extension):
    """Rename each docstring's "Example:" section to "Examples:" before it is parsed."""

    def on_instance(self, *, obj, **kwargs):
        if obj.docstring is not None:
            obj.docstring.value = _HEADING.sub(r"\1Examples:", obj.docstring.value)
