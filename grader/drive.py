"""Harnesses that drive an optimizer, a scheduler, a module or an autograd Function the same way on both sides.

A leaf module (torch only, like ``grader.wire``): an exercise's probe drives the *learner's*
optimizer with it in the worker, and its grader drives *torch's* with the very same function in
the judge, so the protocol (how gradients are set, when state is saved and reloaded) cannot drift
between the reference and the learner's run. Only the judge's run is trusted; what the worker's
run returns is the learner's output, compared in the judge.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import torch

Groups = Sequence[tuple[int, dict[str, Any]]]


def split_groups(params: list[torch.Tensor], groups: Groups | None) -> Any:
    """The parameter list as param groups: ``groups`` is a list of (count, hyper-parameters)."""
    if groups is None:
        return params
    out, i = [], 0
    for count, hyper in groups:
        out.append({"params": params[i:i + count], **hyper})
        i += count
    return out


def optimizer_trajectory(make: Callable[..., Any], initial: Sequence[torch.Tensor],
                         grads: Sequence[Sequence[torch.Tensor | None]], options: dict[str, Any],
                         groups: Groups | None = None, resume_at: int | None = None,
                         schedule: Callable[[Any], Any] | None = None) -> list[list[torch.Tensor]]:
    """Run ``len(grads)`` steps of ``make(params, **options)``; return the parameters after each step.

    A gradient of None leaves that parameter's .grad at None for the step (a parameter skipped that
    step). With ``resume_at=k``, after k steps the optimizer's state_dict is loaded into a new
    optimizer over copies of the parameters, which takes the remaining steps. ``schedule``, if
    given, is built once over the optimizer and stepped after each optimizer step.
    """
    params = [torch.nn.Parameter(p.detach().clone()) for p in initial]
    opt = make(split_groups(params, groups), **options)
    sched = schedule(opt) if schedule else None
    history = []
    for step, step_grads in enumerate(grads):
        if resume_at is not None and step == resume_at:
            saved = opt.state_dict()
            params = [torch.nn.Parameter(p.detach().clone()) for p in params]
            opt = make(split_groups(params, groups), **options)
            opt.load_state_dict(saved)
        for p, g in zip(params, step_grads):
            p.grad = None if g is None else g.detach().clone()
        opt.step()
        if sched is not None:
            sched.step()
        history.append([p.detach().clone() for p in params])
    return history


def lr_trajectory(make_optimizer: Callable[..., Any], make_scheduler: Callable[..., Any], steps: int,
                  lrs: Sequence[float] = (0.1,), metrics: Sequence[float] | None = None) -> list[list[float]]:
    """The learning rate of every param group before the first step and after each scheduler step.

    ``make_optimizer(params_or_groups)`` builds the optimizer over one parameter per entry of
    ``lrs`` (each in its own group with that lr); ``metrics`` feeds ``scheduler.step(metric)``.
    """
    params = [torch.nn.Parameter(torch.zeros(1, dtype=torch.float64)) for _ in lrs]
    opt = make_optimizer([{"params": [p], "lr": lr} for p, lr in zip(params, lrs)])
    sched = make_scheduler(opt)
    seen = [[float(g["lr"]) for g in opt.param_groups]]
    for i in range(steps):
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[i])
        seen.append([float(g["lr"]) for g in opt.param_groups])
    return seen


def closure_trajectory(make: Callable[..., Any], initial: Sequence[torch.Tensor], targets: Sequence[Sequence[torch.Tensor]],
                       options: dict[str, Any], under_no_grad: bool = False) -> dict[str, list[Any]]:
    """Take ``len(targets)`` steps of ``make(params, **options).step(closure)``; return what each step returned
    (``losses``) and the parameters after each step (``params``).

    The closure zeroes the gradients and back-propagates ``sum(((p - t) ** 2).sum())``, where the targets ``t``
    are ``targets[k]`` for its k-th call (counting every call, cycling): a step that calls the closure twice, or
    not at all, follows a visibly different trajectory, so how often it is called shows in the outputs.
    ``under_no_grad`` runs every ``step`` inside ``torch.no_grad()``. A returned tensor is detached.

    ``loss_grads`` holds, per step, the gradients of what ``step`` returned with respect to the parameters, taken
    through the returned tensor's own graph (the closure keeps it with ``retain_graph=True``), or None where that
    tensor has no graph back to them: the closure's loss itself has one, a detached copy of the same value has not.
    """
    params = [torch.nn.Parameter(p.detach().clone()) for p in initial]
    opt = make(params, **options)
    calls = [0]

    def closure() -> torch.Tensor:
        goal = targets[calls[0] % len(targets)]
        calls[0] += 1
        opt.zero_grad()
        loss = sum(((p - t) ** 2).sum() for p, t in zip(params, goal))
        loss.backward(retain_graph=True)  # kept, so that what step returns can be differentiated afterwards
        return loss

    losses: list[Any] = []
    loss_grads: list[Any] = []
    history = []
    for _ in range(len(targets)):
        if under_no_grad:
            with torch.no_grad():
                loss = opt.step(closure)
        else:
            loss = opt.step(closure)
        losses.append(loss.detach().clone() if isinstance(loss, torch.Tensor) else loss)
        loss_grads.append(_grads_through(loss, params))
        history.append([p.detach().clone() for p in params])
    return {"losses": losses, "loss_grads": loss_grads, "params": history}


def _grads_through(loss: Any, params: Sequence[torch.Tensor]) -> list[torch.Tensor] | None:
    """d loss / d params through ``loss``'s own graph, or None where it has none that reaches them."""
    if not isinstance(loss, torch.Tensor) or not loss.requires_grad or loss.numel() != 1:
        return None
    try:
        return [g.detach().clone() for g in torch.autograd.grad(loss, list(params))]
    except RuntimeError:  # no graph back to the parameters, or one already freed
        return None


def grads_of_calls(fn: Callable[..., Any], calls: Sequence[Sequence[Any]], incoming: Sequence[torch.Tensor], *,
                   output: int | None = None) -> list[torch.Tensor]:
    """Every call ``fn(*args)`` made before any backward, then one backward through all of them: the gradient of each
    call's floating-point tensor arguments, call by call, in order.

    A tensor argument enters as a fresh leaf (a copy: the caller's tensor is never touched); ``incoming[i]`` is the
    gradient flowing into call i's output (``output`` picks one item where ``fn`` returns a tuple). Two calls of an
    autograd Function made this way catch per-call state kept anywhere but on ctx: the second forward overwrites it
    before the first call's backward runs, as two branches of one network would.
    """
    leaves: list[torch.Tensor] = []
    total: Any = 0
    for args, grad_out in zip(calls, incoming, strict=True):
        args = [a.detach().clone().requires_grad_() if isinstance(a, torch.Tensor) and a.is_floating_point() else a
                for a in args]
        out = fn(*args)
        total = total + ((out if output is None else out[output]) * grad_out).sum()
        leaves += [a for a in args if isinstance(a, torch.Tensor) and a.requires_grad]
    return [g.detach() for g in torch.autograd.grad(total, leaves)]


def load_parameters(model: torch.nn.Module, weights: dict[str, torch.Tensor]) -> None:
    """``model.load_state_dict(weights)`` for a learner's model whose task fixes its parameters but not every buffer.

    Every key of ``weights`` must name a parameter or buffer of the model, of the same shape, and every parameter of
    the model must be given, as a strict load requires; a buffer of the learner's own that ``weights`` does not name
    (a step counter, a zero template, a token id) keeps its value instead of failing the load.
    """
    missing, unexpected = model.load_state_dict(weights, strict=False)
    parameters = dict(model.named_parameters())
    missing = [k for k in missing if k in parameters]
    if missing or unexpected:
        raise RuntimeError(f"Error(s) in loading the weights into {type(model).__name__}: "
                           + "; ".join(([f"missing parameter(s) {missing}"] if missing else [])
                                       + ([f"unexpected key(s) {list(unexpected)}"] if unexpected else [])))


def grad_mode_after_no_grad(call: Callable[[], Any]) -> bool:
    """Whether grad mode is still on right after ``call()`` runs inside a caller's ``torch.no_grad()`` block, read
    inside the block (its exit would put grad mode back and hide a call that switched it on with
    ``torch.set_grad_enabled(True)`` and never back). What the call returns or raises there is not asked (a task that
    does not say its function works under no_grad), except a stub's NotImplementedError, which goes through. Run in
    the worker, its answer is the learner's output: a forged one can only hide the learner's own mistake."""
    with torch.no_grad():
        try:
            call()
        except NotImplementedError:
            raise
        except Exception:  # noqa: BLE001 - its behaviour under no_grad is not what is asked
            pass
        return torch.is_grad_enabled()


class grad_mode:
    """A caller's grad-mode block around the learner's code, in place of ``torch.no_grad()`` (``grad_mode(False)``),
    ``torch.enable_grad()`` (``grad_mode(True)``) or ``torch.set_grad_enabled(mode)``: the same block, which also
    fails a call inside it that left grad mode changed. Leaving the block puts the caller's mode back, as torch's
    blocks do, and that would hide a function that switched grad mode off (or on, with ``torch.set_grad_enabled(True)``
    after its work) and never back, which every task rules out. Run in the worker, what it reports is the learner's
    output: a submission that disarms it can only hide its own mistake."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = bool(enabled)

    def __enter__(self) -> "grad_mode":
        self.outer = torch.is_grad_enabled()
        torch.set_grad_enabled(self.enabled)
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        left = torch.is_grad_enabled()
        torch.set_grad_enabled(self.outer)
        if exc_type is None and left != self.enabled:
            block = "torch.no_grad()" if not self.enabled else "torch.enable_grad()"
            raise RuntimeError(f"called inside a caller's {block} block, your code left grad mode "
                               f"{'on' if left else 'off'} when it returned: leave torch's settings as you found "
                               "them (change grad mode only inside a with block)")
        return False
