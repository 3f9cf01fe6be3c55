"""The wire protocol: round trips, and a strict decoder that nothing the worker sends can fool."""

from __future__ import annotations

import json
import math
import os
import struct
from typing import Any

import pytest
import torch
from safetensors.torch import save

from grader import wire


def roundtrip(tree):
    return wire.decode(wire.encode(tree))


def test_plain_values_and_tensors_round_trip():
    t = torch.arange(6, dtype=torch.float64).reshape(2, 3)
    got = roundtrip({"a": (1, 2.5, None, True, "hi"), "b": [t, {"c": -3}], "nan": float("nan"),
                     "inf": float("-inf")})
    assert got["a"] == (1, 2.5, None, True, "hi")
    assert torch.equal(got["b"][0], t) and got["b"][1] == {"c": -3}
    assert math.isnan(got["nan"]) and got["inf"] == float("-inf")


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.int64,
                                   torch.bool, torch.uint8])
def test_dtypes_survive(dtype):
    t = torch.ones(3, dtype=dtype)
    out = roundtrip(t)
    assert out.dtype == dtype and torch.equal(out, t)


@pytest.mark.parametrize("shape", [(), (0,), (1,), (3, 4), (2, 0, 3)])
def test_frames_are_safetensors_files_that_the_safetensors_library_reads_back(shape):
    """prep writes the safetensors format itself (the library's writer costs more than the rest of a round trip) and
    reads it with the library: every allowed dtype and shape, mixed widths in one frame, comes back bit for bit."""
    from safetensors.torch import load

    gen = torch.Generator().manual_seed(0)
    tensors = {f"t{i}": (torch.randn(shape, generator=gen) * 50).to(dtype) for i, dtype in enumerate(wire.ALLOWED_DTYPES)}
    blob = wire.safetensors_bytes(tensors, metadata={"prep": "{}"})
    (header_len,) = struct.unpack("<Q", blob[:8])
    assert header_len % 8 == 0  # every tensor starts aligned to its element size
    got = load(blob)
    assert got.keys() == tensors.keys()
    for name, t in tensors.items():
        assert got[name].dtype == t.dtype and got[name].shape == t.shape
        assert torch.equal(got[name].view(torch.uint8) if t.dim() else got[name], t.view(torch.uint8) if t.dim() else t)


def test_single_elements_with_stride_zero_cross():
    """An expanded scalar is contiguous to torch with stride 0 (so .contiguous() keeps it): its one element still
    crosses, in every layout that holds one element (round 12: this denied two right answers)."""
    for t in (torch.ones((), dtype=torch.float64).expand(1), torch.tensor(2.5).expand(1, 1),
              torch.tensor(7, dtype=torch.int16).expand(1, 1, 1), torch.zeros(3)[1:2].expand(1)):
        got = roundtrip({"t": t})["t"]
        assert got.shape == t.shape and got.dtype == t.dtype and torch.equal(got, t)


def test_dtypes_as_values_cross_and_unknown_ones_are_refused():
    assert roundtrip({"d": torch.float16, "e": [torch.int64]}) == {"d": torch.float16, "e": [torch.int64]}
    with pytest.raises(wire.WireError):
        wire.decode(_frame_with_tree({"$dtype": "complex64"}))
    with pytest.raises(wire.WireError):
        wire.decode(_frame_with_tree({"$dtype": "__class__"}))


def test_long_strings_cross_whole():
    """A submission's source is one string: it must arrive complete, never cut."""
    source = "x = 1\n" * 100_000
    assert roundtrip({"source": source})["source"] == source


def test_non_contiguous_and_empty_tensors():
    t = torch.arange(12.0).reshape(3, 4).t()
    assert torch.equal(roundtrip(t), t)
    assert roundtrip(torch.zeros(0, 3)).shape == (0, 3)


def test_a_float_subclass_arrives_as_a_plain_float():
    """numpy.float64 is a float (it holds no graph, and compares as one): it crosses as a Python float, so a task's
    "returns a Python float" accepts it (docs/exercise-format.md, expect_float); numpy's integers are no int subclass
    and stay unsendable."""
    numpy = pytest.importorskip("numpy")
    got = roundtrip({"mean": numpy.float64(0.25), "count": numpy.int64(3)})
    assert type(got["mean"]) is float and got["mean"] == 0.25
    assert isinstance(got["count"], wire.Opaque)


def test_unsendable_values_become_opaque():
    got = roundtrip({"module": torch.nn.Linear(2, 2), "complex": torch.ones(2, dtype=torch.complex64),
                     "fn": len, "intkeys": {1: 2}})
    assert all(isinstance(v, wire.Opaque) for v in got.values())


def test_tensor_subclass_arrives_as_a_plain_tensor_with_its_type_named():
    class Liar(torch.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            if func is torch.Tensor.__eq__:
                return True
            return super().__torch_function__(func, types, args, kwargs or {})

    forged = torch.zeros(3).as_subclass(Liar)
    infos = []
    got = wire.decode(wire.encode(forged), place=lambda t, info: infos.append(info) or t)
    assert type(got) is torch.Tensor
    assert not infos[0].is_plain and "Liar" in infos[0].type_name


def test_a_subclass_cannot_lie_about_its_requires_grad_or_call_itself_a_plain_tensor():
    """The facts sent beside a tensor come from autograd's own flag and the class's identity, not from what the
    object says: a subclass named torch.Tensor whose requires_grad property says False (round-5 red team)."""
    class Plain(torch.Tensor):
        @property
        def requires_grad(self):
            return False

    Plain.__module__, Plain.__qualname__ = "torch", "Tensor"
    with torch.enable_grad():
        out = (torch.ones(3, requires_grad=True) * 2).as_subclass(Plain)
    assert out.requires_grad is False  # what the object claims
    infos = []
    wire.decode(wire.encode(out), place=lambda t, info: infos.append(info) or t)
    assert infos[0].requires_grad is True
    assert not infos[0].is_plain and infos[0].type_name == "torch.Tensor (a subclass)"
    param = torch.nn.Parameter(torch.ones(2))
    wire.decode(wire.encode(param), place=lambda t, info: infos.append(info) or t)
    assert infos[1].is_plain and infos[1].requires_grad


def _frame_with_tree(tree, tensors=None):
    return save(tensors or {}, metadata={"prep": json.dumps({"v": wire.PROTOCOL_VERSION, "tree": tree})})


@pytest.mark.parametrize("tree", [
    {"$tensor": "t9"},                      # a tensor that is not in the payload
    {"$what": 1},                           # an unknown node kind
    {},                                     # an empty node
    {"$float": "1e999x"},                   # a bad float literal
])
def test_decoder_rejects_malformed_trees(tree):
    with pytest.raises(wire.WireError):
        wire.decode(_frame_with_tree(tree))


def test_decoder_rejects_a_tensor_used_twice():
    blob = _frame_with_tree([{"$tensor": "t0"}, {"$tensor": "t0"}], {"t0": torch.ones(1)})
    with pytest.raises(wire.WireError):
        wire.decode(blob)


def test_decoder_rejects_wrong_version_and_garbage():
    with pytest.raises(wire.WireError):
        wire.decode(save({}, metadata={"prep": json.dumps({"v": 99, "tree": None})}))
    with pytest.raises(wire.WireError):
        wire.decode(b"\x00" * 4)
    with pytest.raises(wire.WireError):
        wire.decode(struct.pack("<Q", 10**12) + b"{}")


def test_decoder_rejects_deep_nesting():
    tree = None
    for _ in range(wire.MAX_TREE_DEPTH + 5):
        tree = [tree]
    with pytest.raises(wire.WireError):
        wire.decode(_frame_with_tree(tree))


def test_decoder_rejects_json_nested_past_the_stack():
    """A forged frame nested far deeper than MAX_TREE_DEPTH overflows json.loads before the tree walk can count:
    still a WireError (the worker's fault), never prep's own RecursionError."""
    body = b'{"v": %d, "tree": ' % wire.PROTOCOL_VERSION + b"[" * 200_000 + b"]" * 200_000 + b"}"
    with pytest.raises(wire.WireError, match="too deep"):
        wire.decode(save({}, metadata={"prep": body.decode()}))


def test_pickle_bytes_are_not_a_frame():
    import pickle

    with pytest.raises(wire.WireError):
        wire.decode(pickle.dumps({"score": 15}))


def test_frames_over_the_limit_are_refused_unread():
    r, w = os.pipe()
    os.write(w, wire.MAGIC + struct.pack("<Q", wire.MAX_FRAME_BYTES + 1))
    with pytest.raises(wire.WireError, match="over the"):
        wire.read_frame(r)
    os.close(r)
    os.close(w)


def test_frames_need_the_magic():
    r, w = os.pipe()
    os.write(w, b"NOTMAGIC" + struct.pack("<Q", 0))
    with pytest.raises(wire.WireError, match="magic"):
        wire.read_frame(r)
    os.close(r)
    os.close(w)


def test_read_frame_times_out_and_notices_a_closed_peer():
    import time

    r, w = os.pipe()
    with pytest.raises(wire.FrameTimeout):
        wire.read_frame(r, deadline=time.monotonic() + 0.1)
    os.close(w)
    with pytest.raises(wire.PeerClosed):
        wire.read_frame(r, deadline=time.monotonic() + 1)
    os.close(r)


def test_frame_round_trip_through_a_pipe():
    r, w = os.pipe()
    body = wire.encode({"x": torch.ones(2)})
    wire.write_frame(w, body)
    assert torch.equal(wire.decode(wire.read_frame(r))["x"], torch.ones(2))
    os.close(r)
    os.close(w)


def test_lazy_tensors_arrive_as_their_values():
    """An efficient ZeroTensor (torch.func.jvp gives one for a derivative known to be zero) and a negative-bit view
    have no bytes of their own: they cross as the values they stand for, not as an error blamed on the learner."""
    x = torch.randn(2, 3, dtype=torch.float64)
    zeros = torch._efficientzerotensor((2, 3), dtype=torch.float64)
    got_zeros, got_neg = wire.decode(wire.encode([zeros, torch._neg_view(x)]))
    assert torch.equal(got_zeros, torch.zeros(2, 3, dtype=torch.float64)) and not got_zeros._is_zerotensor()
    assert torch.equal(got_neg, -x) and not got_neg.is_neg()


def test_a_long_frame_arrives_whole_and_is_held_once_while_it_is_read():
    """A frame longer than one read (a pipe brings 64 KiB at a time) arrives byte for byte, and the reader holds it
    once: read into one buffer of its size, not into chunks joined afterwards (twice the frame; a reply may be
    256 MB and the judge's memory has no limit of its own). Cut short, it is a closed peer."""
    import threading
    import tracemalloc

    body = wire.encode({"x": torch.arange(1 << 20, dtype=torch.float64)})  # 8 MiB
    frame = memoryview(wire.MAGIC + struct.pack("<Q", len(body)) + body)  # made before the count starts

    def write() -> None:
        view = frame
        while view:
            view = view[os.write(w, view):]

    r, w = os.pipe()
    writer = threading.Thread(target=write)
    tracemalloc.start()
    try:
        writer.start()
        got = wire.read_frame(r)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        writer.join()
    assert got == body and torch.equal(wire.decode(got)["x"], torch.arange(1 << 20, dtype=torch.float64))
    assert peak < 1.2 * len(body), f"{peak} bytes at the peak for a frame of {len(body)}"
    os.write(w, wire.MAGIC + struct.pack("<Q", 1 << 20) + b"\0" * (1 << 15))
    os.close(w)
    with pytest.raises(wire.PeerClosed):
        wire.read_frame(r)
    os.close(r)


def test_a_marked_view_arrives_as_the_same_view_and_unmarked_ones_arrive_contiguous():
    x = torch.arange(24.0, dtype=torch.float64).reshape(2, 3, 4)
    views = {"transposed": x.transpose(-1, -2), "sliced": x[..., ::2], "expanded": x[:1, 0].expand(5, 4)}
    for name, view in views.items():
        got = wire.decode(wire.encode({"v": wire.keep_layout(view)}), layouts=True)["v"]
        assert got.stride() == view.stride(), name
        assert torch.equal(got, view), name
        plain = wire.decode(wire.encode({"v": view[...]}), layouts=True)["v"]  # a fresh, unmarked view
        assert plain.is_contiguous() and torch.equal(plain, view), name


def test_the_judge_ignores_layout_notes_and_a_note_outside_the_memory_is_refused(monkeypatch):
    view = wire.keep_layout(torch.arange(12.0).reshape(3, 4).t())
    judged = wire.decode(wire.encode({"v": view}))["v"]  # what the judge does with what a worker sends
    assert judged.is_contiguous() and judged.shape == (12,)  # the raw span, never a view the sender chose
    real_span = wire._span
    monkeypatch.setattr(wire, "_span", lambda t: (real_span(t)[0], [4, 3], [9, 99]))
    with pytest.raises(wire.WireError, match="layout outside the tensor's memory"):
        wire.decode(wire.encode({"v": view}), layouts=True)


def _raw_frame(entries: dict, data: bytes, tree: Any = None) -> bytes:
    """A safetensors file written by hand, with whatever header it is given (a forged reply from the worker)."""
    header = dict(entries, __metadata__={"prep": json.dumps({"v": wire.PROTOCOL_VERSION, "tree": tree})})
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


@pytest.mark.parametrize("entries, data, problem", [
    ({"t0": {"dtype": "F64", "shape": [2], "data_offsets": [0, 8]}}, bytes(8), "not where its header says"),
    ({"t0": {"dtype": "F64", "shape": [1], "data_offsets": [8, 16]}}, bytes(16), "not where its header says"),  # gap
    ({"t0": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
      "t1": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}, bytes(8), "not where its header says"),  # overlap
    ({"t0": {"dtype": "F64", "shape": [1], "data_offsets": [0, 8]}}, bytes(16), "not exactly what the header"),
    ({"t0": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]},
      "t1": {"dtype": "F64", "shape": [1], "data_offsets": [1, 9]}}, bytes(9), "not aligned"),
    ({"t0": {"dtype": "C64", "shape": [1], "data_offsets": [0, 8]}}, bytes(8), "may not cross"),
    ({"t0": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}, bytes(4), "no valid shape"),
    ({"t0": {"dtype": "F32", "shape": [1], "data_offsets": [0]}}, bytes(4), "no valid shape"),
    ({"t0": [1, 2]}, b"", "is not an object"),
])
def test_decoder_rejects_payloads_whose_bytes_do_not_match_the_header(entries, data, problem):
    """The tensors' bytes are read by prep itself (see _tensors_of), as strictly as the safetensors library reads
    a file: a forged reply whose spans leave gaps, overlap, disagree with the dtype and shape, are misaligned or
    leave bytes over is refused, never read."""
    with pytest.raises(wire.WireError, match=problem):
        wire.decode(_raw_frame(entries, data, tree=[{"$tensor": name} for name in entries]))


def test_received_tensors_own_their_bytes_and_can_be_written_into():
    """Each received tensor's storage is its own span (a view grown with as_strided cannot reach its neighbour's
    bytes), and the receiver may write into it, as code given a tensor may."""
    a, b = torch.arange(4, dtype=torch.float64), torch.arange(3, dtype=torch.float32)
    got_a, got_b = wire.decode(wire.encode([a, b]))
    assert got_a.untyped_storage().nbytes() == 32 and got_b.untyped_storage().nbytes() == 12
    got_a.add_(1)
    assert torch.equal(got_a, a + 1) and torch.equal(got_b, b)
    with pytest.raises(RuntimeError):
        got_b.as_strided((20,), (1,))


@pytest.mark.parametrize("big_elements", [10, 4 << 20])
def test_a_small_received_tensor_never_keeps_a_large_payload_alive(big_elements):
    """The judge may keep a small tensor from a reply (a scalar for a message) long after the rest is dropped: a
    worker that sends it beside 32 MB must not make those 32 MB live as long. Small payloads share one buffer
    (faster, and what they keep is small); large ones give each tensor its own bytes. Either way each tensor reads
    back exactly what was sent, and can be written into."""
    import gc
    import tracemalloc

    big, small = torch.randn(big_elements, dtype=torch.float64), torch.tensor([1.5, -2.0, float("nan")])
    body = wire.encode([big, small])
    tracemalloc.start()
    try:
        got_big, got_small = wire.decode(body)
        assert torch.equal(got_big, big) and torch.equal(got_small[:2], small[:2]) and got_small[2].isnan()
        del got_big
        gc.collect()
        kept, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert kept < (1 << 20) + 65536, f"{kept} bytes still held for a 12-byte tensor"
    got_small.mul_(2)
    assert got_small[1] == -4.0


def test_a_class_name_of_any_length_is_cut_before_it_crosses():
    """The names of a value's class (an Opaque) and of a tensor subclass are the learner's, of any length: a reply
    naming a class of 20 MB outgrew the 16 MB header the judge reads, and a wrong return value became a malformed
    reply (the worker stopped as crashed, every later grader lost; the exception-name twin:
    tests/redteam/huge_exception_name.py)."""
    huge = type("C" * (20 << 20), (), {})
    sub = type("T" * (20 << 20), (torch.Tensor,), {})
    body = wire.encode({"value": huge(), "t": torch.zeros(2).as_subclass(sub)})
    got = wire.decode(body)
    assert isinstance(got["value"], wire.Opaque) and len(got["value"].type_name) <= 200
    assert len(body) < 1 << 20
