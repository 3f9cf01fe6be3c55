"""Channel: the bytecode cache of torch/optim/sgd.py read with torch.UntypedStorage.from_file (no `open` audit
event), unmarshalled and executed: a fresh, unsealed SGD without ever compiling its source."""

import glob
import marshal
import os
import sys
import types

import torch

_pyc = glob.glob(os.path.join(os.path.dirname(torch.optim.__file__), "__pycache__",
                              f"sgd.cpython-{sys.version_info[0]}{sys.version_info[1]}*.pyc"))[0]
_storage = torch.UntypedStorage.from_file(_pyc, shared=False, nbytes=os.stat(_pyc).st_size)
_data = bytes(torch.tensor([], dtype=torch.uint8).set_(_storage).tolist())
_copy = types.ModuleType("torch.optim._sgd_from_bytecode")
_copy.__package__ = "torch.optim"
sys.modules[_copy.__name__] = _copy
exec(marshal.loads(_data[16:]), _copy.__dict__)

SGD = _copy.SGD
