"""Breaks: "Then write `linear_mse_grads(x, W, b, t) -> (dW, db, dx)`". How: returns a list instead of a tuple."""

# %%
import torch
import torch.nn as nn


# %% [markdown]
# The seed's "complete source code" (§5.2) trains nothing: it runs one forward pass of an
# `nn.Linear(5, 3)`, an `nn.MSELoss`, `loss.backward()`, and then prints
# `linear_layer[0].grad`. Run the stub. Then read where the gradients really go:
#
# * `loss.backward()` stores a gradient in the `.grad` of every **parameter**
#   (`layer.weight.grad` has the weight's shape (3, 5), `layer.bias.grad` the bias's (3,)),
#   not one of the input's shape as the seed claims; `x.grad` stays None, because x does not
#   require grad.
# * `.grad` **accumulates**: a stale gradient from an earlier backward is added to, unless
#   it is cleared first (`layer.zero_grad()`, or set to None).
# * `nn.MSELoss` quietly broadcasts a target of the wrong shape (a (10, 1) target against a
#   (10, 3) output gives only a warning): refuse it.

# %%
def param_grads(layer, x, t):
    """{name: gradient} of nn.MSELoss()(layer(x), t) for every named parameter of layer, for this batch only.

    Afterwards each parameter's .grad holds exactly that gradient. Raises ValueError if t's shape differs
    from the output's.
    """
    ### BEGIN SOLUTION
    out = layer(x)
    if t.shape != out.shape:
        raise ValueError(f"target shape {tuple(t.shape)} differs from output shape {tuple(out.shape)}")
    layer.zero_grad(set_to_none=True)  # .grad accumulates: clear what an earlier backward left
    loss = nn.MSELoss()(out, t)
    loss.backward()
    # copies: .grad changes later; None where backward left none (a frozen or unused parameter)
    return {name: None if p.grad is None else p.grad.clone() for name, p in layer.named_parameters()}
    ### END SOLUTION
    ### BEGIN STUB
    # loss_function = nn.MSELoss()
    # output_tensor = layer(x)
    # loss = loss_function(output_tensor, t)
    # loss.backward()
    # # the seed: print(linear_layer[0].grad)
    # return layer[0].grad
    ### END STUB


# %% [markdown]
# Now the same gradients by hand, for a linear layer `out = x @ W.T + b` and
# `loss = mean((out - t) ** 2)` over all N * K elements (no autograd: the graders call this
# inside `torch.inference_mode()`, where autograd records nothing).

# %%
def linear_mse_grads(x, W, b, t):
    """(dL/dW, dL/db, dL/dx) for L = mean((x @ W.T + b - t) ** 2), with the shapes of W, b and x."""
    ### BEGIN SOLUTION
    d = 2.0 * (x @ W.T + b - t) / t.numel()
    return [d.T @ x, d.sum(0), d @ W]
    ### END SOLUTION
