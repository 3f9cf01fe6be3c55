# Scores: prep check 6/9 (held), prep grade 9/9; baseline_plain.py 6/9 in both
# Trick: plain forward (no checkpoint) whose big saved tensors are parked in FILE-SYSTEM METADATA: base64 text in the
# names (250 bytes) and targets (56 bytes: inline in the inode on ext4, kmalloc'ed on tmpfs) of symlinks in a folder of
# the scratch directory. No data blocks (folder_bytes/tmpfs_used read st_blocks / statvfs blocks: 0), no write() (wchar
# 0), no resident memory. Unlike attack_xattr.py it needs no xattr support, so a seccomp rule on setxattr alone would
# not close it. Same plain code without the trick = baseline_plain.py.
import base64
import os

import torch
from torch.autograd.graph import saved_tensors_hooks

NAME, TARGET = 250, 56
_N = [0]


def _pack(t):
    if t.numel() * t.element_size() < (1 << 20):
        return ("keep", t)
    _N[0] += 1
    folder = os.path.join(os.getcwd(), f".n{os.getpid()}-{_N[0]}")
    os.mkdir(folder)
    b = base64.b64encode(t.detach().contiguous().cpu().reshape(-1).view(torch.uint8).numpy().tobytes())
    b = b.replace(b"/", b"-")
    i = k = 0
    while i < len(b):
        body = NAME - 8
        name = b"%08d" % k + b[i:i + body]
        target = b[i + body:i + body + TARGET] or b"."
        os.symlink(target, os.path.join(os.fsencode(folder), name))
        i += body + TARGET
        k += 1
    return ("names", folder, len(b), tuple(t.shape), t.dtype, t.device)


def _unpack(p):
    if p[0] == "keep":
        return p[1]
    _, folder, total, shape, dtype, device = p
    parts = []
    fb = os.fsencode(folder)
    for name in sorted(os.listdir(fb)):
        path = os.path.join(fb, name)
        target = os.readlink(path)
        parts.append(name[8:] + (b"" if target == b"." else target))
        os.unlink(path)
    os.rmdir(folder)
    raw = base64.b64decode(b"".join(parts)[:total].replace(b"-", b"/"))
    return torch.frombuffer(bytearray(raw), dtype=dtype).reshape(shape).clone().to(device)


def checkpointed_forward(blocks, x):
    h = x
    with saved_tensors_hooks(_pack, _unpack):
        for block in blocks:
            h = block(h)
    return h
