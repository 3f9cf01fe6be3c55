"""The wire protocol between the judge and the worker.

This module is the only thing the two sides share. A message is a tree of
plain values (None, bool, int, float, str, list, tuple, str-keyed dict) and
tensors. It travels as one frame: an 8-byte magic, an 8-byte length, then a
safetensors blob whose tensors are the tree's tensors and whose metadata
holds the tree as JSON. Neither half can run code when decoded: safetensors
is a header plus raw bytes, JSON is data. Pickle never appears.

The decoder is strict because the worker side runs learner code and may send
anything: sizes are capped before allocation, the tree's shape is checked,
dtypes are whitelisted, and unknown node kinds are rejected.
"""

from __future__ import annotations

import json
import math
import os
import select
import struct
import sys
import time
from dataclasses import dataclass
from typing import Any, Callable, Union

import numpy
import torch

MAGIC = b"PREPWIRE"
HEADER_BYTES = len(MAGIC) + 8  # the magic and the body's length before every frame
PROTOCOL_VERSION = 1
MAX_FRAME_BYTES = 256 * 1024 * 1024  # a frame larger than this is refused unread
MAX_TREE_DEPTH = 32
MAX_STRING = 64 * 1024 * 1024  # a submission's source travels as one string; frames are capped anyway
MAX_NODES = 100_000
# The JSON header a reply may have: it is parsed whole before any other check, so the judge reads a worker's at most
# this. The worker reads the judge's requests with MAX_FRAME_BYTES instead (see decode's ``max_header``).
MAX_HEADER_BYTES = 16 * 1024 * 1024

# dtypes that may cross the boundary; anything else is sent as an Opaque
ALLOWED_DTYPES = {
    torch.float16, torch.bfloat16, torch.float32, torch.float64,
    torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8, torch.bool,
}


PLAIN_TENSOR_TYPES = {"torch.Tensor", "torch.nn.parameter.Parameter"}


class WireError(Exception):
    """A frame or tree that does not follow the protocol."""


@dataclass(frozen=True)
class Opaque:
    """Stands in for a value that cannot cross the boundary (a module, a sparse tensor, ...)."""

    type_name: str
    summary: str = ""

    def __repr__(self) -> str:
        return f"<{self.type_name} (not a plain value){': ' + self.summary if self.summary else ''}>"


@dataclass(frozen=True)
class TensorInfo:
    """What the sender said about a tensor besides its bytes."""

    device: str
    requires_grad: bool
    type_name: str  # "torch.Tensor" for a plain tensor, else the subclass's qualified name

    @property
    def is_plain(self) -> bool:
        return self.type_name in PLAIN_TENSOR_TYPES


# ---------------------------------------------------------------- encoding


def _plain_tensor(t: torch.Tensor) -> torch.Tensor:
    """t on the CPU with subclass behaviour switched off (safetensors_bytes copies its bytes out, contiguous)."""
    if type(t) is torch.Tensor:  # the common case, kept cheap: a check sends hundreds; no subclass to switch off
        return _materialized(t.detach().cpu())
    with torch._C.DisableTorchFunctionSubclass():
        plain = torch.Tensor.as_subclass(t, torch.Tensor)
        return _materialized(plain.detach().to("cpu", copy=True).contiguous())


def _materialized(t: torch.Tensor) -> torch.Tensor:
    """t with torch's lazy representations made real: an efficient ZeroTensor (what ``torch.func.jvp`` and autograd
    give for a gradient known to be zero) and a view with the negative bit set (``torch._neg_view``, conjugation's
    kin) have no bytes to send, and a right answer that returned one was lost as "check what your code returns"."""
    if t._is_zerotensor():
        return torch.zeros(t.shape, dtype=t.dtype)
    return t.resolve_neg() if t.is_neg() else t


LAYOUT_ATTR = "_prep_keep_layout"  # set on a tensor whose memory layout must arrive as it is (see keep_layout)
MAX_LAYOUT_DIMS = 16


def keep_layout(t: torch.Tensor) -> torch.Tensor:
    """Mark a tensor so that it crosses the wire with its strides (transposed, sliced, expanded views):
    the receiver rebuilds the same view over the same span of memory. Unmarked tensors arrive contiguous."""
    setattr(t, LAYOUT_ATTR, True)
    return t


def _span(t: torch.Tensor) -> tuple[torch.Tensor, list[int], list[int]]:
    """The smallest stretch of t's storage that holds every element, as a flat tensor, with t's shape
    and strides relative to its start (torch strides are never negative)."""
    extent = 1 + sum((n - 1) * s for n, s in zip(t.shape, t.stride()) if n > 0) if t.numel() else 0
    flat = t.as_strided((extent,), (1,), t.storage_offset()) if extent else t.reshape(0)
    return flat, list(t.shape), list(t.stride())


def _requires_grad(t: torch.Tensor) -> bool:
    """The flag as autograd keeps it: from the C level, past a subclass's own ``requires_grad`` property."""
    if type(t) is torch.Tensor:
        return t.requires_grad
    with torch._C.DisableTorchFunctionSubclass():
        return bool(torch._C.TensorBase.requires_grad.__get__(t))


def _type_name(t: torch.Tensor) -> str:
    """A plain tensor's or Parameter's name by identity of its class; a subclass's own name, never a plain one
    (a subclass may call itself ``torch.Tensor``: its ``__module__`` and ``__qualname__`` are its to choose)."""
    cls = type(t)
    if cls is torch.Tensor:
        return "torch.Tensor"
    if cls is torch.nn.Parameter:
        return "torch.nn.parameter.Parameter"
    name = f"{cls.__module__}.{cls.__qualname__}"[:200]  # the learner's, of any length (see encode's opaque)
    return f"{name} (a subclass)" if name in PLAIN_TENSOR_TYPES else name


def encode(tree: Any, *, on_opaque: Callable[[Any], Opaque] | None = None) -> bytes:
    """Serialise a tree to one frame body (without the frame header)."""
    tensors: dict[str, torch.Tensor] = {}

    def opaque(value: Any) -> dict:
        o = on_opaque(value) if on_opaque else Opaque(type(value).__qualname__)
        # a class's name is the learner's, of any length: uncut, a reply naming a 20 MB class outgrew the header the
        # judge reads, and a wrong return value became a malformed reply (the worker stopped, every later grader lost)
        return {"$opaque": o.type_name[:200], "summary": o.summary[:4096]}

    def walk(v: Any, depth: int) -> Any:
        if depth > MAX_TREE_DEPTH:
            raise WireError("value nested too deeply to send")
        if v is None or isinstance(v, bool):
            return v
        if isinstance(v, int):
            return v if abs(v) < 2**63 else {"$float": repr(float(v))}
        if isinstance(v, float):
            return v if math.isfinite(v) else {"$float": repr(v)}
        if isinstance(v, str):
            if len(v) > MAX_STRING:
                raise WireError(f"a string of {len(v)} characters is too long to send")
            return {"$str": v}
        if isinstance(v, torch.Tensor):
            if v.layout != torch.strided or v.is_complex() or v.device.type == "meta" or v.dtype not in ALLOWED_DTYPES:
                return opaque(v) if on_opaque else {"$opaque": "torch.Tensor", "summary": f"{v.layout}, {v.dtype}, {v.device}"}
            key = f"t{len(tensors)}"
            node = {
                "$tensor": key,
                "device": str(v.device),
                "requires_grad": _requires_grad(v),
                "type": _type_name(v),
            }
            if getattr(v, LAYOUT_ATTR, False) and not v.is_contiguous():
                with torch._C.DisableTorchFunctionSubclass():
                    flat, shape, stride = _span(torch.Tensor.as_subclass(v, torch.Tensor).detach())
                tensors[key] = _plain_tensor(flat)
                node["layout"] = {"shape": shape, "stride": stride}
            else:
                tensors[key] = _plain_tensor(v)
            return node
        if isinstance(v, torch.dtype):
            return {"$dtype": str(v).removeprefix("torch.")}
        if isinstance(v, tuple):
            return {"$tuple": [walk(x, depth + 1) for x in v]}
        if isinstance(v, list):
            return [walk(x, depth + 1) for x in v]
        if isinstance(v, dict) and all(isinstance(k, str) for k in v):
            return {"$dict": {k: walk(x, depth + 1) for k, x in v.items()}}
        return opaque(v)

    body = json.dumps({"v": PROTOCOL_VERSION, "tree": walk(tree, 0)}, allow_nan=False)
    return safetensors_bytes(tensors, metadata={"prep": body})


SAFETENSORS_DTYPES = {
    torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64",
    torch.int32: "I32", torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8", torch.bool: "BOOL",
}


def safetensors_bytes(tensors: dict[str, torch.Tensor], *, metadata: dict[str, str]) -> bytes:
    """The safetensors file of contiguous CPU tensors: an 8-byte little-endian header length, the JSON header
    (each tensor's dtype, shape and byte span; the metadata), then the bytes. Written here rather than with
    ``safetensors.torch.save``, which costs a few hundred microseconds per call in bookkeeping for shared and
    aliased tensors that never occur here, on every one of a check's ~300 round trips (tests/test_wire.py has the
    safetensors library read these frames back). Tensors are laid out widest element first and the header is padded
    to 8 bytes, so every tensor starts aligned to its element size."""
    header: dict[str, Any] = {"__metadata__": metadata}
    chunks: list[bytes] = []
    offset = 0
    for name, t in sorted(tensors.items(), key=lambda item: -item[1].element_size()):
        flat = t.reshape(-1)
        if flat.numel() and flat.stride(0) != 1:
            # one element may keep stride 0 (an expanded scalar): contiguous to torch, and clone() keeps that stride,
            # yet no byte view of it can be taken
            flat = torch.empty(flat.shape, dtype=flat.dtype).copy_(flat)
        data = flat.view(torch.uint8).numpy().tobytes() if flat.numel() else b""
        header[name] = {"dtype": SAFETENSORS_DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return b"".join([struct.pack("<Q", len(text)), text, *chunks])


# ---------------------------------------------------------------- decoding


def decode(blob: bytes, *, place: Callable[[torch.Tensor, TensorInfo], torch.Tensor] | None = None,
           layouts: bool = False, max_header: int = MAX_HEADER_BYTES) -> Any:
    """Parse one frame body into a tree of plain values and plain tensors.

    ``place`` decides where each received tensor goes (its device, its
    requires_grad); by default tensors stay on the CPU as received. With ``layouts``
    (the worker, receiving the judge's inputs) a tensor sent with ``keep_layout`` is rebuilt
    as the same strided view; otherwise (the judge) layout notes are ignored. ``max_header``: the longest JSON header
    accepted. The tree travels in the header, escaped twice (JSON in a JSON string), so a string of n characters takes
    up to 7n bytes there (14 for each character past the BMP): a submission's source, which the load request carries,
    of 8 MB of UTF-8 with non-ASCII comments (prep accepts 20 MB) is past 16 MB, and the worker, refusing the request,
    ended as if the learner's code had ended it. The worker passes MAX_FRAME_BYTES: the judge's requests are trusted.
    """
    if len(blob) < 8:
        raise WireError("frame too short for a safetensors header")
    (header_len,) = struct.unpack("<Q", blob[:8])
    if header_len > len(blob) - 8 or header_len > max_header:
        raise WireError("safetensors header length is out of range")
    try:
        header = json.loads(blob[8 : 8 + header_len])
        body = json.loads(header["__metadata__"]["prep"])
    except (ValueError, KeyError, TypeError) as e:
        raise WireError(f"unreadable message header: {e}") from None
    except (RecursionError, MemoryError):  # JSON nested past the stack, before MAX_TREE_DEPTH can be checked
        raise WireError("message tree too deep") from None
    if not isinstance(body, dict) or body.get("v") != PROTOCOL_VERSION:
        raise WireError("wrong protocol version")
    tensors = _tensors_of(blob, 8 + header_len, header)

    nodes = 0
    used: set[str] = set()

    def walk(n: Any, depth: int) -> Any:
        nonlocal nodes
        nodes += 1
        if nodes > MAX_NODES or depth > MAX_TREE_DEPTH:
            raise WireError("message tree too large or too deep")
        if n is None or isinstance(n, (bool, int, float)):
            return n
        if isinstance(n, list):
            return [walk(x, depth + 1) for x in n]
        if not isinstance(n, dict) or len(n) == 0:
            raise WireError(f"unexpected node {type(n).__name__}")
        if "$str" in n and isinstance(n["$str"], str):
            if len(n["$str"]) > MAX_STRING:
                raise WireError("string too long")
            return _text(n["$str"])
        if "$float" in n and isinstance(n["$float"], str):
            try:
                return float(n["$float"])
            except ValueError:
                raise WireError("bad float literal") from None
        if "$dtype" in n:
            # looked up among the allowed names only: getattr(torch, name) would import torch's lazy modules
            # (torch._inductor, torch._dynamo: seconds of the judge's CPU) for a name the sender chose
            dtype = _DTYPES_BY_NAME.get(n["$dtype"]) if isinstance(n["$dtype"], str) else None
            if dtype is None:
                raise WireError("unknown or disallowed dtype")
            return dtype
        if "$tuple" in n and isinstance(n["$tuple"], list):
            return tuple(walk(x, depth + 1) for x in n["$tuple"])
        if "$dict" in n and isinstance(n["$dict"], dict):
            return {_text(str(k)): walk(x, depth + 1) for k, x in n["$dict"].items()}
        if "$opaque" in n:
            return Opaque(_text(str(n["$opaque"])[:200]), _text(str(n.get("summary", ""))[:4096]))
        if "$tensor" in n:
            key = n["$tensor"]
            if not isinstance(key, str) or key not in tensors or key in used:  # a list or dict key is unhashable
                raise WireError("tensor reference missing or used twice")
            used.add(key)
            info = TensorInfo(_text(str(n.get("device", "cpu"))[:64]), bool(n.get("requires_grad", False)),
                              _text(str(n.get("type", "torch.Tensor"))[:200]))
            t = tensors[key]
            layout = n.get("layout") if layouts else None
            if layout is None:
                return place(t, info) if place else t
            return _rebuild(t, layout, info, place)
        raise WireError("unknown node kind")

    try:
        return walk(body.get("tree"), 0)
    finally:
        # walk refers to itself (a recursive closure: a reference cycle), and through its cells to every tensor of the
        # reply: left as it is, the cycle keeps a whole reply (up to 256 MB) alive until the collector runs
        tensors.clear()


_DTYPES_BY_NAME = {str(d).removeprefix("torch."): d for d in ALLOWED_DTYPES}
_DTYPES_BY_SAFETENSORS_NAME = {name: d for d, name in SAFETENSORS_DTYPES.items()}
MAX_DIMS = 64


def _tensors_of(blob: bytes, start: int, header: Any) -> dict[str, torch.Tensor]:
    """The tensors of a safetensors file whose JSON header (already parsed) ends at ``start``, each a CPU tensor that
    owns a copy of its bytes. Checked as strictly as the safetensors library checks a file: every entry has a known
    dtype and a shape of non-negative sizes, the entries' byte spans tile the data exactly (no gap, no overlap,
    nothing left over) and each is as long as its dtype and shape say; and, for torch, each span starts aligned to
    its element size, as the writer (``safetensors_bytes``) lays them out. Read here rather than by the library
    (``safetensors.torch.load``), which parses the header a second time and copies each tensor twice: a check makes
    ~300 round trips."""
    if not isinstance(header, dict):
        raise WireError("bad tensor payload: the header is not an object")
    entries = []
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if not isinstance(info, dict):
            raise WireError(f"bad tensor payload: entry {name[:40]!r} is not an object")
        dtype = _DTYPES_BY_SAFETENSORS_NAME.get(info.get("dtype")) if isinstance(info.get("dtype"), str) else None
        shape, offsets = info.get("shape"), info.get("data_offsets")
        if dtype is None:
            raise WireError("tensor of a type or dtype that may not cross the boundary")
        if (not isinstance(shape, list) or len(shape) > MAX_DIMS
                or not all(type(n) is int and 0 <= n < 2**40 for n in shape)
                or not isinstance(offsets, list) or len(offsets) != 2
                or not all(type(o) is int and o >= 0 for o in offsets)):
            raise WireError(f"bad tensor payload: entry {name[:40]!r} has no valid shape and byte span")
        entries.append((offsets[0], offsets[1], name, dtype, shape))
    data = memoryview(blob)[start:]
    entries.sort(key=lambda e: (e[0], e[1]))
    expected = 0
    for begin, end, name, dtype, shape in entries:
        numel = math.prod(shape)
        size = _ELEMENT_SIZES[dtype]
        if begin != expected or end - begin != numel * size:
            raise WireError(f"bad tensor payload: the bytes of {name[:40]!r} are not where its header says")
        if begin % size:
            raise WireError(f"bad tensor payload: the bytes of {name[:40]!r} are not aligned to its dtype")
        expected = end
    if expected != len(data):
        raise WireError("bad tensor payload: the data is not exactly what the header describes")
    if not entries:
        return {}
    if sys.byteorder != "little":  # safetensors is little-endian; every machine prep supports is too
        raise WireError("this machine is big-endian: prep's wire format needs a little-endian machine")
    tensors = {}
    if len(data) > _SHARED_COPY_MAX:
        # A large payload: each tensor gets a copy of its own bytes, so that a small tensor the judge keeps (a
        # scalar kept for a message) never holds the whole payload alive, which a worker could make huge.
        for begin, end, name, dtype, shape in entries:
            tensors[name] = torch.empty(shape, dtype=dtype)
            if end > begin:
                tensors[name].reshape(-1).view(torch.uint8).numpy()[:] = numpy.frombuffer(
                    data, dtype=numpy.uint8, count=end - begin, offset=begin)
        return tensors
    # A small one (every reply of most checks, ~300 per check): one writable copy of the data for all tensors (a
    # tensor over the frame's read-only bytes could not be written into, as the receiving code may), each tensor's
    # storage its own span of it, twice as fast as a copy each.
    buffer = bytearray(data)
    for begin, end, name, dtype, shape in entries:
        if end == begin:
            tensors[name] = torch.empty(shape, dtype=dtype)
        else:
            tensors[name] = torch.frombuffer(buffer, dtype=dtype, count=(end - begin) // _ELEMENT_SIZES[dtype],
                                             offset=begin).view(shape)
    return tensors


_SHARED_COPY_MAX = 1 << 20  # bytes: up to this, the tensors of one payload may share one buffer


_ELEMENT_SIZES = {d: torch.empty((), dtype=d).element_size() for d in ALLOWED_DTYPES}


def _text(s: str) -> str:
    """A received string as valid Unicode: JSON may carry lone surrogates ("\\udc80"), which no UTF-8 writer accepts
    (the terminal's report, a notebook, an export), so the sender could make printing its own error message crash
    the judge's report; each one becomes "?"."""
    if s.isascii():
        return s
    return s.encode("utf-8", "replace").decode("utf-8")


def _rebuild(flat: torch.Tensor, layout: Any, info: TensorInfo,
             place: Callable[[torch.Tensor, TensorInfo], torch.Tensor] | None) -> torch.Tensor:
    """The strided view the sender described, over the flat span it sent (placed on its device first, so
    the view survives the move); a view that requires grad becomes a leaf, as the sender's tensor was."""
    if not isinstance(layout, dict):
        raise WireError("bad layout note")
    shape, stride = layout.get("shape"), layout.get("stride")
    if (not isinstance(shape, list) or not isinstance(stride, list) or len(shape) != len(stride)
            or len(shape) > MAX_LAYOUT_DIMS
            or not all(type(v) is int and 0 <= v < 2**40 for v in shape + stride)):
        raise WireError("bad layout note")
    base = place(flat, TensorInfo(info.device, False, info.type_name)) if place else flat
    try:
        view = base.as_strided(shape, stride, 0)
    except RuntimeError as e:  # torch refuses strides that reach outside the span
        raise WireError(f"layout outside the tensor's memory: {str(e)[:200]}") from None
    if info.requires_grad and view.is_floating_point():
        view = view.detach().requires_grad_(True)
    return view


# ---------------------------------------------------------------- framing


class FrameTimeout(Exception):
    """A frame could not be read (or written) completely before the deadline."""


class PeerClosed(Exception):
    """The other side closed its end of the pipe."""


# ---------------------------------------------------------------- the caller's arguments, watched

# A watched call that changed its arguments answers {INPUTS_WRITTEN: paths, "after": values, "value": value}; the
# judge compares each after-value with what it sent (grader/judge/remote.py; the worker's side: runtime.py). A call
# that left one of torch's process-wide settings changed adds AMBIENT_CHANGED: [[setting, before, after], ...].
INPUTS_WRITTEN = "__prep_inputs_written__"
AMBIENT_CHANGED = "ambient_changed"
# A request may carry "ambient": {"grad": bool, "default_dtype": "float64"}, the caller's state its call starts from;
# the worker sets it before the call and puts its own back afterwards (Learner.ambient on the judge's side).


def plain_contents(value: Any) -> Any:
    """What a list or dict argument holds, as plain data to compare before and after a call, on either side of the
    wire (tensors stand as their place: their bytes are compared apart; tuples and lists alike, as the wire sends
    both as lists)."""
    if isinstance(value, torch.Tensor):
        return ("tensor",)
    if isinstance(value, (list, tuple)):
        return ("list", [plain_contents(v) for v in value])
    if isinstance(value, dict):
        return ("dict", [(repr(k), plain_contents(v)) for k, v in value.items()])
    if isinstance(value, (str, int, float, bool, type(None))):
        return (type(value).__name__, value if value == value else "nan")
    return ("object", type(value).__qualname__)


# A deadline is a time.monotonic() value, or a callable that returns one: asked again whenever it is looked at,
# it may move later (grader/judge/session.py's _Deadline moves it by the time the worker waited for a CPU).
Deadline = Union[float, Callable[[], float]]


def _deadline_at(deadline: Deadline) -> float:
    return deadline() if callable(deadline) else deadline


def write_frame(fd: int, body: bytes, *, deadline: Deadline | None = None) -> None:
    """Write one frame. With a deadline the write never blocks past it (raises FrameTimeout): a
    reader that stops reading cannot hold the writer, however large the frame."""
    data = MAGIC + struct.pack("<Q", len(body)) + body
    view = memoryview(data)
    if deadline is None:
        while view:
            n = os.write(fd, view)
            view = view[n:]
        return
    was_blocking = os.get_blocking(fd)
    os.set_blocking(fd, False)
    try:
        while view:
            left = _deadline_at(deadline) - time.monotonic()
            if left <= 0:
                raise FrameTimeout()
            _, ready, _ = select.select([], [fd], [], min(left, 0.05))
            if not ready:
                continue
            try:
                n = os.write(fd, view[: 1 << 16])
            except BlockingIOError:
                continue
            view = view[n:]
    finally:
        os.set_blocking(fd, was_blocking)


def read_frame(fd: int, *, deadline: Deadline | None = None, max_bytes: int = MAX_FRAME_BYTES,
               on_wait: Callable[[], None] | None = None) -> bytes | bytearray:
    """Read one frame from fd; ``on_wait`` is called about every 50 ms while waiting."""
    header = _read_exact(fd, 16, deadline, on_wait)
    if header[:8] != MAGIC:
        raise WireError("frame does not start with the protocol magic")
    (length,) = struct.unpack("<Q", header[8:])
    if length > max_bytes:
        raise WireError(f"frame of {length} bytes is over the {max_bytes}-byte limit")
    return _read_exact(fd, length, deadline, on_wait)


def _read_exact(fd: int, n: int, deadline: Deadline | None,
                on_wait: Callable[[], None] | None) -> bytes | bytearray:
    """n bytes from fd. A frame that one read brings whole (every round trip of most checks) is that read's bytes; a
    longer one is read into one buffer of its size, never into chunks joined afterwards, which held it twice (a reply
    may be 256 MB, and the judge's memory has no limit of its own)."""
    buffer: bytearray | None = None
    got = 0
    while got < n:
        timeout = 0.05 if deadline is not None or on_wait else None
        if deadline is not None:
            left = _deadline_at(deadline) - time.monotonic()
            if left <= 0:
                raise FrameTimeout()
            timeout = min(timeout or 0.05, left)
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            if on_wait:
                on_wait()
            continue
        if buffer is None:
            chunk = os.read(fd, min(n, 1 << 20))
            if not chunk:
                raise PeerClosed()
            if len(chunk) == n:
                return chunk
            buffer = bytearray(n)
            buffer[:len(chunk)] = chunk
            got = len(chunk)
            continue
        read = os.readv(fd, [memoryview(buffer)[got:min(n, got + (1 << 20))]])
        if not read:
            raise PeerClosed()
        got += read
    return buffer if buffer is not None else b""
