"""prep in Jupyter: ``%load_ext prep``, then ``%prep check`` (or ``import prep; prep.check()``).

This module only makes the extension importable by the name ``prep``; everything lives
in ``grader.jupyter.extension``. Importing it never imports torch.
"""

from grader.jupyter.extension import check, hint, load_ipython_extension, solution, unload_ipython_extension

__all__ = ["check", "hint", "solution", "load_ipython_extension", "unload_ipython_extension"]
