"""Measurement attack: a plain forward whose saved tensors are parked in unix socket buffers between forward and
backward (kernel memory: in no resident set, and sent without a write call, so in no written-bytes count)."""
import socket, torch
from torch.autograd.graph import saved_tensors_hooks

_PAIRS = []

def _pack(t):
    if t.numel() * t.element_size() < 65536:
        return ("keep", t)
    c = t.detach().contiguous()
    data = c.reshape(-1).view(torch.uint8).numpy().tobytes()
    parts, sent = [], 0
    while sent < len(data):
        a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        for s in (a, b):
            s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 24)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 24)
        a.setblocking(False)
        n = 0
        try:
            while sent < len(data):
                k = a.send(memoryview(data)[sent:sent + 65536]); sent += k; n += k
        except BlockingIOError:
            pass
        _PAIRS.append((a, b))
        parts.append((b, n))
    return ("sock", parts, c.dtype, tuple(c.shape))

def _unpack(p):
    if p[0] == "keep":
        return p[1]
    _, parts, dtype, shape = p
    buf = bytearray()
    for b, n in parts:
        got = 0
        while got < n:
            chunk = b.recv(n - got); buf += chunk; got += len(chunk)
    return torch.frombuffer(buf, dtype=torch.uint8).view(dtype).reshape(shape).clone()

def checkpointed_forward(blocks, x):
    h = x
    with saved_tensors_hooks(_pack, _unpack):
        for block in blocks:
            h = block(h)
    return h
