"""Channel: fused kernels. An LSTM cell with chosen weights computes sigmoid and tanh inside one operator (mkldnn_rnn_layer on the CPU); an RNN cell with relu gives relu."""
import torch



def _cell(x, gate):
    # one LSTM step on a batch of x's values, gates (i, f, g, o), c = i * g, h = o * tanh(c):
    # "o": o = sigmoid(x), i = g = 1 (large biases), so h = sigmoid(x) tanh(1);
    # "g": g = tanh(x), i = 1, so c = tanh(x)
    lstm = torch.nn.LSTM(1, 1).to(x.dtype)
    with torch.no_grad():
        big = 50.0
        w = {"o": [0.0, 0.0, 0.0, 1.0], "g": [0.0, 0.0, 1.0, 0.0]}[gate]
        b = {"o": [big, 0.0, big, 0.0], "g": [big, 0.0, 0.0, 0.0]}[gate]
        lstm.weight_ih_l0.copy_(torch.tensor(w, dtype=x.dtype).reshape(4, 1))
        lstm.weight_hh_l0.zero_()
        lstm.bias_ih_l0.copy_(torch.tensor(b, dtype=x.dtype))
        lstm.bias_hh_l0.zero_()
        h, (_, c) = lstm(x.detach().reshape(1, -1, 1))
    if gate == "g":
        return c.reshape(x.shape).to(x.dtype)
    return (h.reshape(x.shape) / 0.7615941559557649).to(x.dtype)  # divide by tanh(1)


def _sig(x):
    return _cell(x, 'o')


def _tanh(x):
    return _cell(x, 'g')


def _relu(x):
    return torch.rnn_relu_cell(x.reshape(-1, 1), torch.zeros(x.numel(), 1, dtype=x.dtype), torch.ones(1, 1, dtype=x.dtype), torch.zeros(1, 1, dtype=x.dtype)).reshape(x.shape)


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        out = _sig(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * out * (1 - out)


class Tanh(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        out = _tanh(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * (1 - out * out)


class ReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _relu(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (x > 0).to(g.dtype)
