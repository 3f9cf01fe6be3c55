"""Spare a process torch's symbolic-shapes machinery (and sympy) where every shape is a plain integer.

``torch.autograd.grad`` and ``backward`` with explicit gradients (gradcheck passes them, and so do
most graders), ``torch.broadcast_shapes`` and ``torch._check`` import small helpers from
``torch.fx.experimental.symbolic_shapes`` inside the function that uses them, to compare or guard
shapes that might be symbolic. That import pulls in sympy: about 0.2 s, a tenth of a whole
``prep check``. On plain Python values each helper is ``==``, the identity or a constant, so until
something else asks for the real module, a stand-in serves those few helpers:

* the stand-in sits where the real module would (``sys.modules``, the package attribute, its spec);
* a helper in ``PLAIN`` read from inside a function (an import or attribute read that runs on every
  call) gets its plain version, which hands anything but plain ``bool``, ``int`` and ``float`` values,
  or tuples of ints, to the real helper;
* any other read (another name, or a helper bound at module level, where it would stay bound) imports
  the real module and serves the real objects; the stand-in then takes on all of the real module's
  names, so identities hold (``torch._dynamo`` and export compare functions by identity).
  ``tests/test_plain_shapes.py`` checks each plain helper against the real one.

Installed where a process pays for its own imports on a learner's wait: the judge, and a worker spawned
for one submission (``prep check``). A zygote imports the real module once for all its children. The
judge runs no learner code; in a worker the stand-in is as untrusted as everything else there. An
exercise whose graders compile or export imports the real module first (``preload``), which makes
``install`` a no-op.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys
import types
from typing import Any, Callable

NAME = "torch.fx.experimental.symbolic_shapes"
_PLAIN_SCALARS = (bool, int, float)


def _is_plain_shape(x: Any) -> bool:
    return isinstance(x, (tuple, list)) and all(type(v) is int for v in x)


def _plain_bool(a: Any) -> bool:
    return type(a) is bool


def _plain_scalar(a: Any) -> bool:
    return type(a) in _PLAIN_SCALARS


def _plain_int_or_bool(a: Any) -> bool:
    return type(a) in (bool, int)


def _plain_pair(x: Any, y: Any) -> bool:
    return (_is_plain_shape(x) and _is_plain_shape(y)) or (type(x) is int and type(y) is int)


def _sym_eq(x: Any, y: Any) -> bool:
    if type(x) is int:
        return x == y
    return len(x) == len(y) and all(a == b for a, b in zip(x, y))


# name: (arguments that are plain, what the real helper returns for them). Anything else goes to the real one.
PLAIN: dict[str, tuple[Callable[..., bool], Callable[..., Any]]] = {
    "expect_true": (lambda a, skip=0: _plain_bool(a), lambda a, skip=0: a),
    "sym_eq": (_plain_pair, _sym_eq),
    "guard_or_false": (_plain_bool, lambda a: a),
    "guard_or_true": (_plain_bool, lambda a: a),
    "is_nested_int": (_plain_scalar, lambda s: False),
    "has_guarding_hint": (_plain_scalar, lambda a: True),
    "guarding_hint_or_throw": (_plain_int_or_bool, lambda a: a),
}


class _StandIn(types.ModuleType):
    def __init__(self, spec: Any) -> None:
        super().__init__(NAME, __doc__)
        self.__spec__, self.__loader__, self.__file__ = spec, spec.loader, spec.origin
        self.__package__ = NAME.rpartition(".")[0]
        self.__plain = {name: self.__plain_helper(name, *pair) for name, pair in PLAIN.items()}

    def __getattr__(self, name: str) -> Any:
        # Reached only for names not in the module's dict: before the real module is loaded, every name.
        if name == "__path__":  # asked by every `from ... import`: the real one is a module, not a package
            raise AttributeError(name)
        plain = self.__plain.get(name)
        if plain is not None and sys._getframe(1).f_code.co_flags & inspect.CO_OPTIMIZED:
            return plain  # read inside a function: read again on its next call, when it may be the real one
        return getattr(self._real(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        # A holder of the stand-in who sets a name after the real module loaded sets it on the real one too.
        super().__setattr__(name, value)
        real = sys.modules.get(NAME)
        if real is not None and real is not self:
            setattr(real, name, value)

    def __plain_helper(self, name: str, is_plain: Callable[..., bool], plain: Callable[..., Any]) -> Callable[..., Any]:
        def helper(*args: Any, **kwargs: Any) -> Any:
            if is_plain(*args, **kwargs):
                return plain(*args, **kwargs)
            return getattr(self._real(), name)(*args, **kwargs)

        helper.__name__ = helper.__qualname__ = name
        return helper

    def _real(self) -> types.ModuleType:
        real = sys.modules.get(NAME)
        if real is None or real is self:
            sys.modules.pop(NAME, None)
            try:
                real = importlib.import_module(NAME)  # also sets the package attribute to the real module
            except BaseException:
                sys.modules.setdefault(NAME, self)
                raise
        # Whoever kept a reference to the stand-in now finds the real objects in its own dict.
        self.__dict__.update(real.__dict__)
        return real


def install() -> bool:
    """Put the stand-in in place unless the real module is already loaded; True if it was put in place."""
    if NAME in sys.modules:
        return False
    import torch.fx.experimental as package

    spec = importlib.util.find_spec(NAME)
    if spec is None or spec.loader is None:
        return False
    stand_in = _StandIn(spec)
    sys.modules[NAME] = stand_in
    setattr(package, "symbolic_shapes", stand_in)
    return True
