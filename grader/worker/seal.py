"""Bans that hold: switch off what an exercise rules out, by identity, before any learner code runs.

A ban by *name* (replace ``torch.optim.Adam`` with a trap) fails the moment the learner reaches
the same object another way: ``torch.optim.adamw.Adam``, ``Optimizer.__subclasses__()``,
``torch.optim._functional``, a string built for ``getattr``. So the seal works on the objects
themselves, and on the operators under them:

1. **Python functions** keep their identity but lose their body: ``f.__code__`` becomes a trap
   that can only raise. Every alias, bound method, subclass and registry entry that holds the
   function now holds the trap. A decorated function's ``__wrapped__`` chain goes too.
2. **Python classes**: every function in the class body is switched off that way, instantiating
   raises, and so does subclassing. A **module** entry switches off every function and class
   defined in that module (its private helpers included).
3. **Built-in functions** (C code, such as ``torch.sigmoid``) cannot lose their body, so every
   module attribute that holds one is replaced by a trap, and the **ATen operators** named in
   ``ban_ops`` are trapped in torch's dispatcher, for every dispatch key that has a kernel
   (CPU, CUDA, Meta, autograd, quantized, ...). That catches every Python route to the operator:
   functions, Tensor methods, ``torch.ops.aten``, in-place and ``out=`` forms, inference mode.
4. An **audit hook** (``sys.addaudithook``: later code cannot remove it) then seals the ways back
   in: the source and bytecode files that defined a banned object cannot be opened (so neither
   ``importlib`` nor ``inspect.getsource`` + ``exec`` can make a fresh copy, and neither can a
   symlink, a ``/proc/self/fd`` path or a directory handle); text holding most of a protected
   function's source lines cannot be compiled, nor its bytecode unmarshalled or rebuilt, however
   it was read (a C-level reader such as ``torch.from_file`` raises no ``open`` event); ``gc``
   heap walks, ``ctypes``, ``/proc/self/mem``, sub-interpreters, new processes and the network
   are refused.
5. A **seccomp filter** refuses new programs in the kernel (execve, for every thread and child): a
   C function that raises no audit event (``_posixsubprocess.fork_exec``) cannot start a fresh
   interpreter without the seal either.

What a ban does not do: forbid computing the same mathematics from other operators
(``silu(x) / x`` is a sigmoid). An exercise lists such siblings in ``ban_ops`` when it cares.

Everything the hook needs is captured when the seal is installed (builtins, never module
attributes the learner could rebind later), and the hook keeps no reference the learner can reach.
"""

from __future__ import annotations

import fnmatch
import functools
import importlib
import inspect
import os
import sys
import types
from dataclasses import dataclass, field
from typing import Any, Callable


class BannedCallError(RuntimeError):
    """Learner code reached something the exercise rules out."""


class SealError(RuntimeError):
    """The exercise's ban list names something this torch does not have: prep's fault, not the learner's."""


@dataclass
class SealReport:
    """What the seal switched off (for tests and for the exercise author)."""

    functions: int = 0
    classes: list[str] = field(default_factory=list)
    builtins: list[str] = field(default_factory=list)
    ops: list[str] = field(default_factory=list)
    protected_files: list[str] = field(default_factory=list)
    exec_allowed: str | None = None  # why new programs could not be refused in the kernel (None: they are)


# ---------------------------------------------------------------- traps


def _trap_code(nfree: int, message: str, name: str) -> types.CodeType:
    """A code object with ``nfree`` free variables whose only behaviour is to raise.

    Its body never returns a value, whatever the learner does to builtins: if ``BannedCallError``
    could be made unreachable, the ``raise`` still raises something.
    """
    free = [f"_free{i}" for i in range(nfree)]
    lines = ["def _outer():"]
    lines += [f"    {v} = None" for v in free]
    lines += ["    def trap(*args, **kwargs):"]
    if free:
        lines += [f"        ({', '.join(free)},)"]
    lines += [f"        raise __import__('grader.worker.seal', fromlist=['x']).BannedCallError({message!r})",
              "    return trap"]
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines), "<banned>", "exec"), namespace)
    code = namespace["_outer"]().__code__
    return code.replace(co_name=name, co_qualname=name) if hasattr(code, "co_qualname") else code.replace(co_name=name)


def _trap_function(message: str, name: str) -> Callable[..., Any]:
    def trap(*args: Any, **kwargs: Any) -> Any:
        raise BannedCallError(message)

    trap.__name__ = trap.__qualname__ = name
    return trap


class _TrapObject:
    """Stands where a banned object (not a function) was: any use of it raises."""

    def __init__(self, message: str) -> None:
        object.__setattr__(self, "_message", message)

    def __getattr__(self, name: str) -> Any:
        raise BannedCallError(object.__getattribute__(self, "_message"))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise BannedCallError(object.__getattribute__(self, "_message"))


# ---------------------------------------------------------------- the seal


class _Sealer:
    def __init__(self, message: str) -> None:
        self.message = message
        self.report = SealReport()
        self.done: set[int] = set()
        self.files: set[str] = set()
        self.originals: list[types.CodeType] = []  # the banned functions' own code, for their fingerprints
        self.banned_builtins: dict[int, tuple[Any, str]] = {}

    def say(self, what: str) -> str:
        return f"{what} is off limits in this exercise" + (f": {self.message}" if self.message else "")

    # -- resolving

    def resolve(self, dotted: str) -> Any:
        parts = dotted.split(".")
        for cut in range(len(parts), 0, -1):
            try:
                obj: Any = importlib.import_module(".".join(parts[:cut]))
            except ImportError:
                continue
            for name in parts[cut:]:
                if not hasattr(obj, name):
                    raise SealError(f"the exercise bans {dotted}, which does not exist in torch {_torch_version()}")
                obj = getattr(obj, name)
            return obj
        raise SealError(f"the exercise bans {dotted}, which cannot be imported")

    # -- switching off

    def ban(self, dotted: str) -> None:
        obj = self.resolve(dotted)
        if isinstance(obj, types.ModuleType):
            self.ban_module(obj, dotted)
        elif inspect.isclass(obj):
            self.ban_class(obj, dotted)
        elif isinstance(obj, (types.FunctionType, types.MethodType, functools.partial, staticmethod, classmethod)):
            self.ban_function(obj, dotted)
        elif isinstance(obj, (types.BuiltinFunctionType, types.BuiltinMethodType, types.MethodDescriptorType,
                              types.WrapperDescriptorType, types.MethodWrapperType)) or callable(obj):
            self.banned_builtins[id(obj)] = (obj, dotted)
            self.report.builtins.append(dotted)
        else:  # an object (an engine instance, a registry): every reference to it becomes a trap object
            self.banned_builtins[id(obj)] = (obj, dotted)
            self.report.builtins.append(dotted)

    def ban_module(self, module: types.ModuleType, dotted: str) -> None:
        name = module.__name__
        source = os.path.realpath(module.__file__) if getattr(module, "__file__", None) else None
        if source:
            self.protect(source)

        real: dict[str, str] = {}  # realpath per file: an imported class (Tensor, Module) brings hundreds of methods

        def defined_here(fn: Any) -> bool:
            # torch renames the module of its public functions (torch._functorch.eager_transforms.vjp says
            # "torch.func"): by that name alone a ban of the module where they are written left them working
            code = getattr(fn, "__code__", None)
            if source is None or not isinstance(code, types.CodeType) or not code.co_filename.startswith("/"):
                return False
            if code.co_filename not in real:
                real[code.co_filename] = os.path.realpath(code.co_filename)
            return real[code.co_filename] == source

        for attr, value in list(vars(module).items()):
            if inspect.isclass(value) and (value.__module__ == name or any(
                    defined_here(f) for f in vars(value).values() if isinstance(f, types.FunctionType))):
                self.ban_class(value, f"{dotted}.{attr}")
            elif isinstance(value, types.FunctionType) and (value.__module__ == name or defined_here(value)):
                self.ban_function(value, f"{dotted}.{attr}")
            elif isinstance(value, types.BuiltinFunctionType) and getattr(value, "__module__", None) == name:
                self.banned_builtins[id(value)] = (value, f"{dotted}.{attr}")

    def ban_class(self, cls: type, dotted: str) -> None:
        if id(cls) in self.done:
            return
        self.done.add(id(cls))
        module = sys.modules.get(cls.__module__)
        if module is not None and getattr(module, "__file__", None):
            self.protect(module.__file__)
        for attr, value in list(vars(cls).items()):
            if isinstance(value, (staticmethod, classmethod)):
                value = value.__func__
            if isinstance(value, property):
                for f in (value.fget, value.fset, value.fdel):
                    if isinstance(f, types.FunctionType):
                        self.ban_function(f, f"{dotted}.{attr}")
            elif isinstance(value, types.FunctionType):
                self.ban_function(value, f"{dotted}.{attr}")
        message = self.say(dotted)
        _guard_class(cls, _trap_function(message, "__new__"), message + " (nor may a class derive from it)",
                     f"the exercise bans {dotted}, a class the seal cannot change")
        self.report.classes.append(dotted)

    def ban_function(self, fn: Any, dotted: str) -> None:
        if isinstance(fn, (staticmethod, classmethod, types.MethodType)):
            fn = fn.__func__
        if isinstance(fn, functools.partial):
            fn = fn.func
        seen = 0
        while isinstance(fn, types.FunctionType) and id(fn) not in self.done and seen < 16:
            self.done.add(id(fn))
            self.protect(fn.__code__.co_filename)
            self.originals.append(fn.__code__)
            inner = getattr(fn, "__wrapped__", None)
            nfree = len(fn.__code__.co_freevars)
            fn.__code__ = _trap_code(nfree, self.say(dotted), fn.__code__.co_name)
            fn.__defaults__ = None
            fn.__kwdefaults__ = None
            self.report.functions += 1
            fn, seen = inner, seen + 1
        if fn is not None and not isinstance(fn, types.FunctionType) and callable(fn) and seen:
            self.banned_builtins.setdefault(id(fn), (fn, dotted))

    def protect(self, filename: str | None) -> None:
        if filename and not filename.startswith("<") and os.path.exists(filename):
            self.files.add(os.path.realpath(filename))

    def replace_builtins(self) -> None:
        """Replace every module attribute (and Python class attribute in those modules) that holds a banned
        built-in with a trap. The dispatcher traps are what hold; this gives the learner the right name."""
        if not self.banned_builtins:
            return
        traps = {key: (_trap_function(self.say(dotted), getattr(obj, "__name__", "banned")) if callable(obj)
                       else _TrapObject(self.say(dotted)))
                 for key, (obj, dotted) in self.banned_builtins.items()}
        for module in list(sys.modules.values()):
            namespace = getattr(module, "__dict__", None)
            if not isinstance(namespace, dict):
                continue
            for attr, value in list(namespace.items()):
                if id(value) in traps and value is self.banned_builtins[id(value)][0]:
                    namespace[attr] = traps[id(value)]
                elif inspect.isclass(value) and value.__module__ == getattr(module, "__name__", None):
                    for cattr, cvalue in list(vars(value).items()):
                        if id(cvalue) in traps and cvalue is self.banned_builtins[id(cvalue)][0]:
                            trap = traps[id(cvalue)]
                            try:
                                setattr(value, cattr, staticmethod(trap) if callable(trap) else trap)
                            except (TypeError, AttributeError):
                                pass


def _torch_version() -> str:
    torch = sys.modules.get("torch")
    return getattr(torch, "__version__", "?")


def _matching_ops(patterns: list[str]) -> list[str]:
    """The operator names (``ns::name.overload``) that match each pattern, in the pattern's order, each name once. A
    pattern without a dot after ``::`` matches an operator's base name too (``aten::tan`` is every overload of tan).

    Runs before every grading of an exercise with ``ban_ops``: a pattern is matched only against the names that
    start with its literal part (found by bisection in the sorted names), not against each of the ~3,600 (one
    fnmatch per pattern and name took 0.9 s for custom-activations' 77 patterns)."""
    import bisect

    import torch

    names = sorted(torch._C._dispatch_get_all_op_names())
    found: dict[str, None] = {}  # insertion-ordered set
    for pattern in patterns:
        whole_name = "." in pattern.split("::", 1)[1]
        # every match starts with the pattern's literal part: a name's base is a prefix of the name, and a literal
        # part that reaches past a base holds a dot, which makes the pattern a whole-name one
        literal = pattern[:min((pattern.find(c) for c in "*?[" if c in pattern), default=len(pattern))]
        start = end = bisect.bisect_left(names, literal)
        while end < len(names) and names[end].startswith(literal):
            end += 1
        hits = [n for n in names[start:end] if fnmatch.fnmatchcase(n, pattern)
                or (not whole_name and fnmatch.fnmatchcase(n.split(".", 1)[0], pattern))]
        if not hits:
            raise SealError(f"the exercise bans the operator {pattern}, which this torch ({_torch_version()}) lacks")
        found.update(dict.fromkeys(hits))
    return list(found)


def _python_twins(op_names: list[str]) -> list[tuple[Any, str]]:
    """The Python implementations torch ships for these operators: the decompositions registered for
    them (``torch._decomp``) and their references (``torch._refs``). Each computes the same thing
    without the operator, so each is switched off with it."""
    if not op_names:
        return []
    import torch._decomp
    import torch._refs
    import torch._refs.nn.functional
    import torch._refs.special

    wanted = set(op_names)
    twins: list[tuple[Any, str]] = []
    for table in (torch._decomp.decomposition_table, getattr(torch._decomp, "_core_aten_decompositions_post_autograd", {})):
        if not isinstance(table, dict):
            continue
        for op, fn in table.items():
            schema = getattr(op, "_schema", None)
            if schema is None:
                continue
            overload = getattr(op, "_overloadname", "default")
            qualified = schema.name + ("" if overload in ("default", "") else f".{overload}")
            if qualified in wanted and isinstance(fn, types.FunctionType):
                twins.append((fn, qualified))
    bases = {n.split("::", 1)[1].split(".", 1)[0] for n in op_names}
    for module in (torch._refs, torch._refs.nn.functional, torch._refs.special):
        for base in bases:
            fn = vars(module).get(base)
            if isinstance(fn, types.FunctionType):
                twins.append((fn, f"aten::{base}"))
    return twins


def _dispatch_keys() -> list[str]:
    import torch

    keys = []
    for name in torch._C.DispatchKey.__members__:
        try:
            torch._C._dispatch_key_parse(name)
        except Exception:  # markers such as StartOfDenseBackends are not real keys
            continue
        keys.append(name)
    return keys


def _trap_ops(op_names: list[str], say: Callable[[str], str]) -> Any:
    """Register a raising kernel for every dispatch key each operator has a kernel for.

    The library handle is returned to the caller, which keeps it where learner code cannot reach it
    (dropping it would unregister the traps). torch.library.Library is not used on purpose: it
    registers a finalizer in weakref's global registry, from which learner code could call it.
    """
    import torch

    import warnings

    keys = _dispatch_keys()
    handles = []
    # one library per operator namespace: aten, and the fused back ends' (mkldnn::_linear_pointwise
    # computes sigmoid, tanh or relu after a matmul; onednn, quantized, ...)
    for namespace in sorted({q.split("::", 1)[0] for q in op_names}):
        handle = torch._C._dispatch_library("IMPL", namespace, "", "<prep seal>", 0)
        with warnings.catch_warnings():  # "Overriding a previously registered kernel": exactly the point
            warnings.simplefilter("ignore")
            _register_traps(handle, keys, [q for q in op_names if q.startswith(namespace + "::")], say)
        handles.append(handle)
    return tuple(handles)


def _register_traps(handle: Any, keys: list[str], op_names: list[str], say: Callable[[str], str]) -> None:
    import torch

    for qualified in op_names:
        message = say(f"{qualified} (with every function, method and alias that runs it)")

        def kernel(*args: Any, _message: str = message, **kwargs: Any) -> Any:
            raise BannedCallError(_message)

        name = qualified.split("::", 1)[1]
        for key in keys:
            if torch._C._dispatch_has_kernel_for_dispatch_key(qualified, key):
                handle.impl(name, key, kernel, False)


# ---------------------------------------------------------------- fingerprints of banned source


# A function of a protected file counts as copied when this share of its significant lines (whitespace
# removed, at least MIN_LINE_CHARS long, comments left out) appears verbatim in compiled text.
COPIED_SHARE = 0.8
MIN_LINE_CHARS = 12
MIN_FUNCTION_LINES = 8  # shorter ones (a __repr__, a super() call) recur all over torch
MIN_CODE_BYTES = 400  # shorter bytecode is too generic to be a fingerprint (one of 110 bytes is shared by 4 optimizers)


@dataclass(frozen=True)
class Fingerprints:
    """What the source and bytecode of the protected files look like, so that their text compiled, or
    their bytecode unmarshalled or rebuilt, is recognised however it was read (a C-level reader such as
    ``torch.from_file`` raises no ``open`` event)."""

    lines: dict  # normalized line -> indexes of the functions it occurs in
    functions: tuple  # (needed hits, "file: qualified name") per function
    codes: frozenset  # co_code of every protected function (MIN_CODE_BYTES or longer)

    def copied(self, source: str) -> str | None:
        """The protected function ``source`` holds a copy of, or None."""
        hits: dict[int, int] = {}
        for line in set(_significant_lines(source.splitlines())):
            for index in self.lines.get(line, ()):
                hits[index] = hits.get(index, 0) + 1
        for index, count in hits.items():
            if count >= self.functions[index][0]:
                return self.functions[index][1]
        return None

    def unmarshals_protected(self, data: bytes) -> bool:
        """Whether marshal data holds a protected function's bytecode (stored there verbatim)."""
        return any(code in data for code in self.codes)


def _significant_lines(lines: list[str]) -> list[str]:
    """Lines with their whitespace removed, keeping those of MIN_LINE_CHARS or more that are not comments."""
    out = []
    for raw in lines:
        line = "".join(raw.split())
        if len(line) >= MIN_LINE_CHARS and not line.startswith("#"):
            out.append(line)
    return out


def _last_line(code: types.CodeType) -> int:
    last = code.co_firstlineno
    for _, _, line in code.co_lines():
        if line is not None and line > last:
            last = line
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            last = max(last, _last_line(const))
    return last


def fingerprints(originals: list[types.CodeType]) -> Fingerprints:
    """Fingerprints of the banned functions whose original code objects are ``originals``: the
    significant lines of each one's source (from its first to its last line, as its code says),
    and its bytecode, nested functions included."""
    import math

    lines: dict[str, list[int]] = {}
    functions: list[tuple[int, str]] = []
    codes: set[bytes] = set()
    stack = list(originals)
    while stack:
        code = stack.pop()
        if len(code.co_code) >= MIN_CODE_BYTES:
            codes.add(code.co_code)
        stack.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    texts: dict[str, list[str]] = {}
    for code in originals:
        path = code.co_filename
        if path not in texts:
            try:
                with open(path, encoding="utf-8") as f:
                    texts[path] = f.read().splitlines()
            except (OSError, ValueError):
                texts[path] = []
        body = sorted(set(_significant_lines(texts[path][code.co_firstlineno - 1:_last_line(code)])))
        if len(body) < MIN_FUNCTION_LINES:
            continue
        index = len(functions)
        functions.append((max(MIN_FUNCTION_LINES, math.ceil(COPIED_SHARE * len(body))),
                          f"{_package_tail(path) or path}: {code.co_name}"))
        for line in body:
            lines.setdefault(line, []).append(index)
    return Fingerprints({k: tuple(v) for k, v in lines.items()}, tuple(functions), frozenset(codes))


# ---------------------------------------------------------------- the audit hook


DENIED_EVENTS = frozenset({
    "gc.get_objects", "gc.get_referrers", "gc.get_referents",
    "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.startfile", "pty.spawn",
    "os.link", "cpython.PyInterpreterState_New",
    "socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "socket.sendto",
    "socket.bind", "socket.sendmsg", "urllib.Request", "sys.remote_exec", "sys.setprofile", "sys.settrace",
})


def _bind_malloc_trim() -> tuple[Any, int | None]:
    """glibc's malloc_trim, bound when this module is imported (before any hook exists), and its address."""
    try:
        import ctypes

        fn = ctypes.CDLL(None).malloc_trim
        fn.argtypes, fn.restype = [ctypes.c_size_t], ctypes.c_int
        return fn, ctypes.cast(fn, ctypes.c_void_p).value
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to trim
        return None, None


_MALLOC_TRIM, _MALLOC_TRIM_ADDRESS = _bind_malloc_trim()


def trim_heap() -> None:
    """Give the heap's free pages back to the kernel (malloc_trim(0)). Code that allocated and freed many small
    tensors (a loop over rows) leaves glibc holding their pages, resident though free: to a measurement from outside
    they look like memory taken in advance. Only free pages go; memory still in use stays and still counts. The audit
    hook lets this one foreign function through (it frees nothing in use, whoever calls it)."""
    if _MALLOC_TRIM is not None:
        try:
            _MALLOC_TRIM(0)
        except (OSError, RuntimeError):
            pass


def _install_hook(protected: frozenset[str], suffixes: tuple[str, ...], ancestors: frozenset[str],
                  keep_alive: Any, prints: Fingerprints | None = None, own_source_sha256: str = "") -> None:
    """The hook refuses, from now on, the events that would undo the seal.

    Every function it calls is bound now, as a default argument, to the C-level original: rebinding
    ``os.path.realpath`` or ``posix.lstat`` later changes nothing here. ``keep_alive`` (the dispatcher
    handle) lives only in this closure.
    """
    import posix
    import stat as _stat_module

    lstat, readlink, getcwd, getpid = posix.lstat, posix.readlink, posix.getcwd, posix.getpid
    s_islnk, s_isdir = _stat_module.S_ISLNK, _stat_module.S_ISDIR
    str_type, bytes_type, int_type = str, bytes, int
    permission_error, denied = PermissionError, DENIED_EVENTS
    archives = (".whl", ".zip", ".egg", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".conda")
    busy = [False]
    own_pid = getpid()
    import hashlib

    sha256 = hashlib.sha256

    def submission_text(source: str) -> bool:
        """The learner's own file, as the judge sent it (see install)."""
        return bool(own_source_sha256) and sha256(source.encode("utf-8", "surrogatepass")).hexdigest() == own_source_sha256

    def resolve(path: str) -> str:
        """realpath() from captured primitives: every symlink in the path followed, '..' applied."""
        if not path.startswith("/"):
            path = getcwd() + "/" + path
        parts = [p for p in path.split("/") if p and p != "."]
        done: list[str] = []
        hops = 0
        while parts:
            part = parts.pop(0)
            if part == "..":
                if done:
                    done.pop()
                continue
            candidate = "/" + "/".join(done + [part])
            try:
                st = lstat(candidate)
            except OSError:
                done.append(part)
                continue
            if s_islnk(st.st_mode):
                hops += 1
                if hops > 40:
                    return candidate
                target = readlink(candidate)
                if target.startswith("/"):
                    done = []
                parts = [p for p in target.split("/") if p and p != "."] + parts
                continue
            done.append(part)
        return "/" + "/".join(done)

    copied = prints.copied if prints is not None else None
    posix_open, posix_read, posix_close, o_rdonly = posix.open, posix.read, posix.close, os.O_RDONLY
    import torch

    torch_folder = resolve(os.path.dirname(torch.__file__)) + "/"
    functorch_folder = resolve(os.path.dirname(os.path.dirname(torch.__file__))) + "/functorch/"

    def own_file(filename: Any, source: str) -> bool:
        """torch compiling one of its own unprotected files (no bytecode cache): some repeat a banned
        function's lines (torch.ao's copies of Conv's __init__), and the file says so itself."""
        if type(filename) is not str_type or not filename.startswith("/"):
            return False
        real = resolve(filename)
        if not real.startswith((torch_folder, functorch_folder)) or real in protected or real.endswith(suffixes):
            return False
        busy[0] = True
        try:
            fd = posix_open(real, o_rdonly)
            try:
                chunks = []
                while True:
                    chunk = posix_read(fd, 1 << 20)
                    if not chunk:
                        break
                    chunks.append(chunk)
            finally:
                posix_close(fd)
            return b"".join(chunks).decode("utf-8", "replace") == source
        except OSError:
            return False
        finally:
            busy[0] = False
    unmarshals_protected = prints.unmarshals_protected if prints is not None else None
    protected_codes = prints.codes if prints is not None else frozenset()

    def hook(event: str, args: tuple, _keep: Any = keep_alive, _trim: Any = _MALLOC_TRIM_ADDRESS) -> None:
        if event == "ctypes.call_function" and _trim is not None and args and args[0] == _trim:
            return  # trim_heap: bound before the hook, it only gives free pages back
        if event in denied or event.startswith("ctypes."):
            raise permission_error(f"{event} is not allowed while grading an exercise with bans")
        if busy[0]:
            return
        if event == "compile" and copied is not None:
            # torch's source of a banned function, however it was read (torch.from_file, numpy, a pipe...)
            source = args[0]
            if type(source) is bytes_type:
                source = source.decode("utf-8", "replace")
            if type(source) is str_type:
                busy[0] = True
                try:
                    found = copied(source)
                finally:
                    busy[0] = False
                if found is not None and not own_file(args[1], source) and not submission_text(source):
                    raise permission_error(f"this text holds the source of a banned part of torch ({found}); "
                                           "it cannot be compiled while grading an exercise with bans")
            return
        if event == "marshal.loads" and unmarshals_protected is not None:
            if type(args[0]) is bytes_type and unmarshals_protected(args[0]):
                raise permission_error("this data holds the bytecode of a banned part of torch; it cannot be "
                                       "unmarshalled while grading an exercise with bans")
            return
        if event == "code.__new__":
            if type(args[0]) is bytes_type and args[0] in protected_codes:
                raise permission_error("this is the bytecode of a banned part of torch; it cannot be rebuilt "
                                       "while grading an exercise with bans")
            return
        if event != "open":
            return
        path = args[0]
        if type(path) is int_type:
            return
        if type(path) is not str_type and type(path) is not bytes_type:
            # A path-like object could name one file here and another when it is opened.
            raise permission_error("open a plain str path while grading an exercise with bans")
        busy[0] = True
        try:
            text = path.decode("utf-8", "surrogateescape") if type(path) is bytes_type else path
            if not text.startswith("/"):
                # The event does not say whether the path is relative to the working folder or to a
                # folder handle (os.open(..., dir_fd=...)), so a relative path cannot be checked: refused.
                raise permission_error(f"{text}: open files by their absolute path while grading an exercise "
                                       "with bans")
            if text.endswith(archives) or "/.cache/pip/" in text:
                # a wheel or an archive holds torch's source too, read without opening the protected files
                raise permission_error(f"{text}: archives and package caches cannot be opened while grading "
                                       "an exercise with bans")
            real = resolve(text)
            if real in protected or real.endswith(suffixes):
                raise permission_error(f"{text}: the source of a banned part of torch cannot be opened")
            if real in ancestors:
                try:
                    is_dir = s_isdir(lstat(real).st_mode)
                except OSError:
                    is_dir = False
                if is_dir:
                    raise permission_error(f"{text}: this folder holds banned source and cannot be opened")
            if (real.startswith("/proc/") and (real.endswith("/mem") or "/map_files/" in real)) or real in (
                    f"/proc/{own_pid}/mem", "/proc/self/mem"):
                raise permission_error(f"{text}: process memory cannot be opened")
        finally:
            busy[0] = False

    sys.addaudithook(hook)


# ---------------------------------------------------------------- no new programs (seccomp)


# Per machine: audit arch, x32 bit (or 0), and the numbers of the calls the filters name (linux/audit.h, unistd.h).
# aarch64 has no fork or vfork calls: glibc forks through clone there.
_SECCOMP_ABI = {
    "x86_64": {"arch": 0xC000003E, "x32": 0x40000000, "seccomp": 317, "execve": 59, "execveat": 322,
               "clone": 56, "fork": 57, "vfork": 58, "clone3": 435,
               "socket": 41, "socketpair": 53, "pipe": 22, "pipe2": 293, "splice": 275, "tee": 276,
               "vmsplice": 278, "msgget": 68, "mq_open": 240, "add_key": 248, "io_uring_setup": 425,
               "setxattr": 188, "lsetxattr": 189, "fsetxattr": 190, "setxattrat": 463, "request_key": 249,
               "keyctl": 250},
    "aarch64": {"arch": 0xC00000B7, "x32": 0, "seccomp": 277, "execve": 221, "execveat": 281,
                "clone": 220, "clone3": 435,
                "socket": 198, "socketpair": 199, "pipe2": 59, "splice": 76, "tee": 77, "vmsplice": 75,
                "msgget": 186, "mq_open": 180, "add_key": 217, "io_uring_setup": 425,
                "setxattr": 5, "lsetxattr": 6, "fsetxattr": 7, "setxattrat": 463, "request_key": 218, "keyctl": 219},
}
# Calls that make kernel buffers a process can fill with data that no figure of it shows (not resident,
# not written): socket buffers (several MB each), pipes (1 MB each, filled by vmsplice or splice from a
# file since deleted), message queues, io_uring rings. Refused in a measured worker (forbid_processes); keys are
# refused in every worker (_HIDDEN_STORE_CALLS).
_KERNEL_BUFFER_CALLS = ("socket", "socketpair", "pipe", "pipe2", "splice", "tee", "vmsplice", "msgget", "mq_open",
                        "io_uring_setup")
# Calls that store data where no figure of any worker shows it, and that outlive the worker: extended attributes
# (kernel memory on tmpfs, 64 kB a value, none of it in a file's size or blocks) and the kernel's keyrings (per uid:
# the next learner graded under the same sandbox uid could read them). Refused in every worker (forbid_hidden_stores).
_HIDDEN_STORE_CALLS = ("setxattr", "lsetxattr", "fsetxattr", "setxattrat", "add_key", "request_key", "keyctl")
_LD_ABS, _JEQ, _JGE, _JSET, _RET = 0x20, 0x15, 0x35, 0x45, 0x06
_ALLOW, _ERRNO = 0x7FFF0000, 0x00050000  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | errno
_EPERM, _ENOSYS = 1, 38
_CLONE_THREAD = 0x00010000


def _install_filter(build: "Callable[[dict], list[tuple[int, int, int, int]]]") -> str | None:
    """Install the seccomp filter ``build(abi)`` returns (after the common prologue, which checks the
    ABI and loads the call number), for every thread now (TSYNC: torch's pools already exist) and
    every process forked later; nothing can lift it. Returns why it could not be installed, or None."""
    import ctypes
    import platform
    import struct

    abi = _SECCOMP_ABI.get(platform.machine())
    if sys.platform != "linux" or abi is None:
        return f"no seccomp filter for {sys.platform}/{platform.machine()}"
    x32 = abi["x32"]
    program = [
        (_LD_ABS, 0, 0, 4),  # seccomp_data.arch
        (_JEQ, 1, 0, abi["arch"]),
        (_RET, 0, 0, _ERRNO | _EPERM),  # another ABI (32-bit calls from a 64-bit process): nothing at all
        (_LD_ABS, 0, 0, 0),  # seccomp_data.nr
        (_JGE, 0, 1, x32) if x32 else (_JEQ, 0, 1, 0xFFFFFFFF),  # x32 numbers: refused like the others
        (_RET, 0, 0, _ERRNO | _EPERM),
        *build(abi),
    ]
    code = b"".join(struct.pack("HBBI", *ins) for ins in program)
    buf = ctypes.create_string_buffer(code, len(code))

    class Prog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    prog = Prog(len(program), ctypes.addressof(buf))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS: required to filter without privileges
        return f"prctl(PR_SET_NO_NEW_PRIVS) failed: {os.strerror(ctypes.get_errno())}"
    # seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog): every thread of the process
    if libc.syscall(abi["seccomp"], 1, 1, ctypes.byref(prog)) != 0:
        return f"seccomp(SECCOMP_SET_MODE_FILTER) failed: {os.strerror(ctypes.get_errno())}"
    return None


def forbid_exec() -> str | None:
    """Refuse, in the kernel, every new program this process or its children would start.

    The audit hook refuses ``subprocess``, ``os.exec*`` and ``os.posix_spawn``, but a C function that
    raises no audit event can still start one (``_posixsubprocess.fork_exec``, which multiprocessing
    reaches too), and a fresh interpreter has none of the seal: all of torch, autograd on. A seccomp
    filter makes execve and execveat fail with EPERM. Returns why it could not be installed (not
    Linux, another machine), or None.
    """
    def build(abi: dict) -> list[tuple[int, int, int, int]]:
        return [
            (_JEQ, 1, 0, abi["execve"]),
            (_JEQ, 0, 1, abi["execveat"]),
            (_RET, 0, 0, _ERRNO | _EPERM),
            (_RET, 0, 0, _ALLOW),
        ]

    return _install_filter(build)


def forbid_hidden_stores() -> str | None:
    """Refuse, in the kernel, the calls in ``_HIDDEN_STORE_CALLS`` (EPERM): extended attributes and keys.

    Saved tensors parked in a scratch file's xattrs took gigabytes of kernel memory that neither the memory limit
    nor a measured grader saw, and a key added to the uid's keyring was read by the next learner of the same slot.
    Neither Python nor torch sets an xattr or a key. Returns why it could not be installed, or None."""
    def build(abi: dict) -> list[tuple[int, int, int, int]]:
        denied = [abi[name] for name in _HIDDEN_STORE_CALLS if name in abi]
        k = len(denied)  # any other call falls through to the ALLOW at k; each denied one jumps to the EPERM at k+1
        return [
            *[(_JEQ, k - i, 0, nr) for i, nr in enumerate(denied)],
            (_RET, 0, 0, _ALLOW),
            (_RET, 0, 0, _ERRNO | _EPERM),
        ]

    return _install_filter(build)


def forbid_processes() -> str | None:
    """Refuse, in the kernel, every new process (threads only: clone with CLONE_THREAD), and every kernel
    buffer that could hold data outside the process's figures.

    An exercise whose graders measure the worker from outside reads its process tree; a child that
    does the work and exits before the reading (a Hessian formed in a fork) would leave no trace in
    the worker's own high-water mark, and saved tensors parked in socket or pipe buffers (kernel memory)
    none in its resident set or in the bytes it wrote. fork, vfork, a clone that is not a thread and the
    calls in ``_KERNEL_BUFFER_CALLS`` fail with EPERM; clone3, whose flags a filter cannot read, fails
    with ENOSYS, and glibc then makes its threads with clone. The worker's own pipes to the judge
    exist before this. Returns why it could not be installed, or None.
    """
    def build(abi: dict) -> list[tuple[int, int, int, int]]:
        denied = [abi[name] for name in ("fork", "vfork", *_KERNEL_BUFFER_CALLS) if name in abi]
        k = len(denied)  # then: clone3 at k, its ENOSYS at k+1, clone at k+2, flags at k+3, EPERM at k+5, ALLOW at k+6
        return [
            *[(_JEQ, k + 4 - i, 0, nr) for i, nr in enumerate(denied)],  # each denied call: to the EPERM
            (_JEQ, 0, 1, abi["clone3"]),
            (_RET, 0, 0, _ERRNO | _ENOSYS),
            (_JEQ, 0, 3, abi["clone"]),  # any other call: to the ALLOW
            (_LD_ABS, 0, 0, 16),  # seccomp_data.args[0], its low half: clone's flags
            (_JSET, 1, 0, _CLONE_THREAD),  # a thread: to the ALLOW
            (_RET, 0, 0, _ERRNO | _EPERM),
            (_RET, 0, 0, _ALLOW),
        ]

    return _install_filter(build)


# ---------------------------------------------------------------- writes only to the scratch folder (Landlock)

_LANDLOCK_CREATE_RULESET, _LANDLOCK_ADD_RULE, _LANDLOCK_RESTRICT_SELF = 444, 445, 446  # the same on x86_64, aarch64
_LANDLOCK_CREATE_RULESET_VERSION = 1
_LANDLOCK_RULE_PATH_BENEATH = 1
# LANDLOCK_ACCESS_FS_*: write a file, remove a folder or a file, make a char device, folder, regular file, socket,
# fifo, block device, symlink; then (ABI 2) link or rename across folders, (ABI 3) truncate.
_FS_WRITES_V1 = sum(1 << bit for bit in (1, 4, 5, 6, 7, 8, 9, 10, 11, 12))
_FS_REFER, _FS_TRUNCATE = 1 << 13, 1 << 14
_FS_WRITE_FILE, _FS_REMOVE_FILE, _FS_MAKE_REG, _FS_MAKE_SYM = 1 << 1, 1 << 5, 1 << 8, 1 << 12
_SCOPE_ABSTRACT_UNIX_SOCKET, _SCOPE_SIGNAL = 1 << 0, 1 << 1  # ABI 6


# Where a worker may still write under /dev: shared memory (counted as its memory), the data sinks and sources,
# and the accelerators' device files (CUDA and ROCm open them read-write). Not the terminals: a worker that wrote
# "16/16 points" to the learner's /dev/pts would forge what the learner sees.
_WRITABLE_DEVICE_FOLDERS = ("/dev/shm", "/dev/dri", "/dev/nvidia-caps")
_SHARED_MEMORY_FOLDERS = ("/dev/shm",)
_WRITABLE_DEVICE_FILES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/kfd")


def _writable_devices() -> list[str]:
    try:
        names = sorted(os.listdir("/dev"))
        gpus = [os.path.join("/dev", n) for n in names if n.startswith("nvidia") and n != "nvidia-caps"]
    except OSError:
        gpus = []
    return [p for p in (*_WRITABLE_DEVICE_FILES, *gpus) if os.path.exists(p) and not os.path.isdir(p)]


def confine_writes(writable: list[str]) -> str | None:
    """From now on this process (and every thread and process it starts) may create, change or delete files only
    beneath the folders in ``writable`` (its scratch folder), /dev/shm (counted as its memory) and the device files
    it needs (``_WRITABLE_DEVICE_FILES``, the GPUs');
    it may not trace, or write the memory of, any process outside (the judge); and (Landlock ABI 6) it may not
    signal one or connect to its abstract sockets. Reading stays as it was.

    Without this, code running as the learner's own user (``prep check``) could rewrite the hidden graders and the
    judge's modules on disk, for this run and the next, or the judge's memory. Landlock (Linux 5.13+) needs no
    privilege; nothing can lift it. Returns why it could not be installed (another OS, an older kernel), or None.
    """
    import ctypes
    import struct

    if sys.platform != "linux":
        return f"no Landlock on {sys.platform}"
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    abi = libc.syscall(_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0),
                       ctypes.c_uint32(_LANDLOCK_CREATE_RULESET_VERSION))
    if abi < 1:
        return f"Landlock is not available ({os.strerror(ctypes.get_errno())})"
    handled = _FS_WRITES_V1 | (_FS_REFER if abi >= 2 else 0) | (_FS_TRUNCATE if abi >= 3 else 0)
    if abi >= 6:
        attr = struct.pack("QQQ", handled, 0, _SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL)
    else:
        attr = struct.pack("Q", handled)
    buf = ctypes.create_string_buffer(attr, len(attr))
    ruleset = libc.syscall(_LANDLOCK_CREATE_RULESET, buf, ctypes.c_size_t(len(attr)), ctypes.c_uint32(0))
    if ruleset < 0:
        return f"landlock_create_ruleset failed: {os.strerror(ctypes.get_errno())}"
    file_rights = handled & (_FS_WRITE_FILE | _FS_TRUNCATE)  # what a rule on one file (not a folder) may allow
    # No symlinks anywhere (their names and targets are kernel memory no figure counts, 4 kB each on tmpfs), and in
    # the shared-memory folders only regular files, as shm_open and sem_open make them: a subfolder of /dev/shm was
    # invisible to the judge's accounting and cleaning.
    folder_rights = handled & ~_FS_MAKE_SYM
    shm_rights = handled & (_FS_WRITE_FILE | _FS_REMOVE_FILE | _FS_MAKE_REG | _FS_TRUNCATE)
    folders = {os.path.realpath(p) for p in [*writable, *_WRITABLE_DEVICE_FOLDERS] if p and os.path.isdir(p)}
    shm = {os.path.realpath(p) for p in _SHARED_MEMORY_FOLDERS if os.path.isdir(p)}
    rules = [(p, shm_rights if p in shm else folder_rights) for p in sorted(folders)]
    rules += [(p, file_rights) for p in _writable_devices()]
    try:
        for path, rights in rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                rule = ctypes.create_string_buffer(struct.pack("=Qi", rights, fd), 12)
                if libc.syscall(_LANDLOCK_ADD_RULE, ruleset, ctypes.c_uint32(_LANDLOCK_RULE_PATH_BENEATH),
                                rule, ctypes.c_uint32(0)) != 0:
                    return f"landlock_add_rule({path}) failed: {os.strerror(ctypes.get_errno())}"
            finally:
                os.close(fd)
        if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS: required to restrict without privileges
            return f"prctl(PR_SET_NO_NEW_PRIVS) failed: {os.strerror(ctypes.get_errno())}"
        if libc.syscall(_LANDLOCK_RESTRICT_SELF, ruleset, ctypes.c_uint32(0)) != 0:
            return f"landlock_restrict_self failed: {os.strerror(ctypes.get_errno())}"
    finally:
        os.close(ruleset)
    return None


# ---------------------------------------------------------------- entry point


# With autograd off (exercise.toml ``autograd = false``: gradients by hand) the autograd dispatch keys
# are excluded in this thread's dispatcher state, so no operator records a graph: there is no
# grad_fn to walk, no graph for any engine handle (torch._C._ImperativeEngine, Variable's
# _execution_engine, TorchScript's torch.autograd.grad) to run. What could bring the keys back is
# switched off too: the dispatcher-state setters, functorch's transform levels (torch.func rebuilt
# from its C primitives), inference mode (whose guard rewrites the whole key set), and new threads,
# which start with a fresh dispatcher state (so also the fresh copy of ``_thread`` that importlib
# could build from its spec). torch.jit.fork copies the
# calling thread's state, keys excluded, to its pool threads. A custom autograd.Function still
# records its own node, whose backward is the learner's own code.
AUTOGRAD_OFF_BANS = (
    "torch._C._dispatch_tls_set_dispatch_key_excluded", "torch._C._dispatch_tls_set_dispatch_key_included",
    "torch._C._ForceDispatchKeyGuard", "torch._C._SetExcludeDispatchKeyGuard",
    "torch._C._functorch._grad_increment_nesting", "torch._C._functorch._grad_decrement_nesting",
    "torch._C._functorch._jvp_increment_nesting", "torch._C._functorch._jvp_decrement_nesting",
    "torch._C._functorch._func_increment_nesting", "torch._C._functorch._func_decrement_nesting",
    "torch._C._functorch._wrap_for_grad", "torch._C._functorch.push_dynamic_layer_stack",
    "torch._C._functorch.pop_dynamic_layer_stack", "torch._C._functorch.pop_dynamic_layer_stack_and_undo_to_depth",
    "torch._C._functorch._set_dynamic_layer_keys_included", "torch._C._functorch._maybe_unsafe_set_level",
    "torch._C._functorch.set_inplace_requires_grad_allowed",
    "torch._C._functorch.set_single_level_autograd_function_allowed",
    "_thread.start_new_thread", "_thread.start_new", "_imp.create_builtin",
    # TorchScript's graph executor differentiates what it runs itself (a DifferentiableGraph builds its backward node
    # without the dispatcher's autograd keys): the seal switches its optimization off (see _exclude_autograd_keys), and
    # these would switch it back on, or choose the legacy executor, which differentiates whatever requires grad
    "torch._C._set_graph_executor_optimize", "torch._C._get_graph_executor_optimize",
    "torch._C._jit_set_profiling_executor", "torch._C._jit_set_profiling_mode",
)
# torch._C._InferenceMode(False) rewrites the thread's whole key set with the autograd keys put back: refused (see
# _refuse_inference_mode_off). InferenceMode(True), what `torch.inference_mode()` makes, only excludes more keys and
# puts back the set it found, whose autograd keys the seal excluded before any learner code ran: allowed, as no_grad
# is (a right answer may evaluate under @torch.inference_mode()).


def _refuse_inference_mode_off(sealer: "_Sealer") -> None:
    """torch._C._InferenceMode, the guard behind torch.inference_mode, refuses mode False and builds mode True. The
    class is changed in place (its __new__), so every alias of it holds the same rule, like a banned class."""
    import torch

    cls = torch._C._InferenceMode
    if id(cls) in sealer.done:
        return
    sealer.done.add(id(cls))
    message = sealer.say("torch.inference_mode(False) (inference mode switched off, autograd's keys back on)")
    make = cls.__mro__[1].__new__  # pybind11's object.__new__: __init__ then builds the guard for the mode

    def guarded_new(klass: type, *args: Any, **kwargs: Any) -> Any:
        mode = args[0] if args else next(iter(kwargs.values()), True)
        if mode is not True:  # False, or anything that is not the bool True (a truthy object could turn false)
            raise BannedCallError(message)
        return make(klass)

    _guard_class(cls, guarded_new, message + " (nor may a class derive from torch._C._InferenceMode)",
                 "the seal cannot change torch._C._InferenceMode")
    sealer.report.classes.append("torch._C._InferenceMode(False)")


def _guard_class(cls: type, new: Callable[..., Any], no_subclass: str, cannot: str) -> None:
    """Put ``new`` in place of ``cls.__new__`` and refuse subclasses (whose own __new__ would go around it): the class
    object itself changes, so every alias of it, however reached, follows the rule."""

    def refuse_subclass(sub: type, **kwargs: Any) -> None:
        raise BannedCallError(no_subclass)

    try:
        cls.__new__ = staticmethod(new)  # type: ignore[assignment]
        cls.__init_subclass__ = classmethod(refuse_subclass)  # type: ignore[assignment]
    except TypeError:
        raise SealError(cannot) from None


def _exclude_autograd_keys() -> None:
    import torch

    keys = torch._C.DispatchKey
    for key in (keys.AutogradFunctionality, keys.AutogradOther, keys.AutogradNestedTensor):
        torch._C._dispatch_tls_set_dispatch_key_excluded(key, True)
    # A TorchScript function run on inputs that require grad gets a DifferentiableGraph from an optimizing graph
    # executor, whose backward node is made by the executor, not by the dispatcher: with the legacy executor, a whole
    # MLP's gradients came back from TorchScript's torch.autograd.grad, autograd keys excluded
    # (tests/bans/fix-mlp-backprop/torchscript_autodiff.py). Unoptimized, TorchScript runs each operator through the
    # dispatcher, which records nothing. The flag is this thread's (new threads are refused); the executor choice is
    # global and stays the profiling one, whose graphs differentiate only what the runs it profiled recorded: nothing.
    torch._C._set_graph_executor_optimize(False)
    torch._C._jit_set_profiling_executor(True)
    torch._C._jit_set_profiling_mode(True)


def install(bans: list[str], ops: list[str], message: str = "write it yourself", *,
            autograd: bool = True, own_source_sha256: str = "") -> SealReport:
    """Switch off ``bans`` (dotted names: functions, classes, modules, built-ins) and the ATen
    operators matching ``ops`` (and, with ``autograd=False``, autograd itself: see AUTOGRAD_OFF_BANS),
    then install the audit hook. Call before any learner code runs.

    ``own_source_sha256``: the digest of the submission's text, as the judge sent it. Compiling that
    text is never refused for holding a banned function's lines: a copy typed or pasted into the
    submission cannot be told from a reworded one, and refusing it turned away right answers (a short
    method written as torch writes it). Text read at run time (torch's files, however read) still is."""
    sealer = _Sealer(message)
    if not autograd:
        _exclude_autograd_keys()
        bans = list(bans) + [b for b in AUTOGRAD_OFF_BANS if b not in bans]
        _refuse_inference_mode_off(sealer)
    for dotted in bans:
        sealer.ban(dotted)
    sealer.replace_builtins()
    op_names = _matching_ops(list(ops)) if ops else []
    handle = _trap_ops(op_names, sealer.say) if op_names else None
    sealer.report.ops = op_names
    for fn, qualified in _python_twins(op_names):
        sealer.ban_function(fn, f"{qualified}'s Python reference or decomposition")

    protected = set(sealer.files)
    for f in list(sealer.files):  # the bytecode cache of each protected source file
        folder, base = os.path.split(f)
        stem = base.rsplit(".", 1)[0]
        cache = os.path.join(folder, "__pycache__")
        if os.path.isdir(cache):
            protected.update(os.path.realpath(os.path.join(cache, n)) for n in os.listdir(cache)
                             if n.startswith(stem + "."))
    # copies of the same files elsewhere (another environment's torch): match on the package-relative tail
    suffixes = tuple(sorted({_package_tail(f) for f in protected if _package_tail(f)}))
    ancestors: set[str] = set()
    for f in protected:
        parent = os.path.dirname(f)
        while parent and parent not in ancestors:
            ancestors.add(parent)
            if parent == "/":
                break
            parent = os.path.dirname(parent)
    import linecache

    for cached in list(linecache.cache):
        if os.path.realpath(cached) in protected if os.path.isabs(cached) else False:
            linecache.cache.pop(cached, None)
    sealer.report.protected_files = sorted(protected)
    sealer.report.exec_allowed = forbid_exec()  # before the hook, which refuses ctypes from then on
    prints = fingerprints(sealer.originals)
    _install_hook(frozenset(protected), suffixes, frozenset(ancestors), handle, prints, own_source_sha256)
    return sealer.report


def _package_tail(path: str) -> str:
    """'/venv/lib/python3.11/site-packages/torch/optim/adam.py' -> '/torch/optim/adam.py'."""
    marker = "/site-packages/"
    if marker in path:
        return "/" + path.split(marker, 1)[1]
    parts = path.split("/")
    if "torch" in parts:
        return "/" + "/".join(parts[parts.index("torch"):])
    return ""
