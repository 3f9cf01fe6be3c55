"""Channel: another module's namespace: torch.fx.experimental.optimization re-exports fuse_conv_bn_eval."""
from torch.fx.experimental.optimization import fuse_conv_bn_eval


def fold_conv_bn(conv, bn):
    return fuse_conv_bn_eval(conv.eval(), bn.eval())


def fuse_linears(fc1, fc2):
    raise NotImplementedError


def optimized_for_inference(model):
    raise NotImplementedError

