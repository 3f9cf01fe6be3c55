"""Measurement attack: hvp forms H (n x n) in a forked child, which sends back H v and exits before the judge reads
the worker's figures: the worker's own high-water mark never shows H. (Its hessian is a plain right one.)"""
import os
import torch


def hessian(f, x):
    leaf = x.detach().requires_grad_(True)
    g = torch.autograd.grad(f(leaf), leaf, create_graph=True)[0].reshape(-1)
    rows = [torch.autograd.grad(g[i], leaf, retain_graph=True, allow_unused=True)[0] for i in range(g.numel())]
    rows = [torch.zeros_like(leaf) if r is None else r for r in rows]
    return torch.stack(rows).reshape(x.shape + x.shape).detach()


def _h_times_v(f, x, v):
    n = x.numel()
    leaf = x.detach().requires_grad_(True)
    g = torch.autograd.grad(f(leaf), leaf, create_graph=True)[0].reshape(-1)
    H = torch.empty(n, n, dtype=x.dtype)
    eye = torch.eye(n, dtype=x.dtype)
    (H,) = torch.autograd.grad(g, leaf, grad_outputs=eye, is_grads_batched=True)
    return (H.reshape(n, n) @ v.reshape(-1)).reshape(x.shape).detach()


def hvp(f, x, v):
    if x.numel() < 512:
        return _h_times_v(f, x, v)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        out = _h_times_v(f, x, v).contiguous()
        data = out.numpy().tobytes()
        os.write(w, len(data).to_bytes(8, "little"))
        view = memoryview(data)
        while view:
            view = view[os.write(w, view):]
        os._exit(0)
    os.close(w)
    n = int.from_bytes(os.read(r, 8), "little")
    buf = b""
    while len(buf) < n:
        buf += os.read(r, n - len(buf))
    os.waitpid(pid, 0)
    return torch.frombuffer(bytearray(buf), dtype=x.dtype).reshape(x.shape).clone()
