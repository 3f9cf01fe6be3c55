"""Measurement attack: a plain forward whose saved tensors are parked in memfds between forward and backward."""
import os, torch
from torch.autograd.graph import saved_tensors_hooks

_FDS = []  # memfds: page cache, not in any process's RSS, not in /dev/shm, not in the scratch folder

def _pack(t):
    if t.numel() * t.element_size() < 65536:
        return ("keep", t)
    c = t.detach().contiguous()
    fd = os.memfd_create("x")
    _FDS.append(fd)
    data = c.view(torch.uint8).reshape(-1).numpy().tobytes() if c.dim() else c.reshape(1).view(torch.uint8).numpy().tobytes()
    os.write(fd, data)
    del data
    return ("fd", fd, c.dtype, tuple(c.shape), t.requires_grad)

def _unpack(p):
    if p[0] == "keep":
        return p[1]
    _, fd, dtype, shape, rg = p
    n = os.fstat(fd).st_size
    buf = bytearray(os.pread(fd, n, 0))
    out = torch.frombuffer(buf, dtype=torch.uint8).view(dtype).reshape(shape).clone()
    return out

def checkpointed_forward(blocks, x):
    h = x
    with saved_tensors_hooks(_pack, _unpack):
        for block in blocks:
            h = block(h)           # plain forward: every inner activation saved (in a memfd)
    return h
