#!/usr/bin/env python3
"""Writes the small PyTorch checkpoints that TorchCheckpointTest reads (run once; the outputs are
committed, the tests need no Python). Made with Debian's python3-torch 1.13 (CPU):

    /usr/bin/python3 make_fixtures.py   # in this folder

Every value follows a formula the Java test recomputes:
  dtypes.pth   one tensor per dtype, values v(i) for flat index i (see each line below), plus a
               0-dim float32 scalar 2.5;
  views.pth    base = arange(12).reshape(3, 4) as float32 and views of its storage: the transpose,
               a row, a column, a strided slice, the same tensor under a second key, and a clone;
  params.pth   Linear(3, 2) state_dict(keep_vars=True) (nn.Parameter entries, requires_grad) with
               weight[o][i] = o - i/4 and bias[o] = o / 2, plus a frozen buffer-like parameter;
  proto4.pth   dtypes-like content saved with pickle protocol 4 (SHORT_BINUNICODE, MEMOIZE, FRAME,
               STACK_GLOBAL opcodes);
  legacy.pth   a state dict in the legacy (non-zip) torch.save format, to be refused.
"""
from collections import OrderedDict

import torch

torch.manual_seed(0)


def dtypes():
    sd = OrderedDict()
    sd["f32"] = torch.arange(6, dtype=torch.float32).reshape(2, 3) / 4 - 1          # i/4 - 1
    sd["f64"] = torch.arange(3, dtype=torch.float64) / 3                             # i/3
    # float32 values rounded to float16: exact, subnormal (2^-20), largest (65504), -0, rounded (1/3)
    sd["f16"] = torch.tensor([-0.5, 0.25, 2 ** -20, 65504.0, -0.0, 1 / 3]).half().reshape(2, 3)
    sd["bf16"] = torch.tensor([1.5, -0.25, 1 / 3]).bfloat16()                     # 1/3 rounded to bfloat16
    sd["i64"] = torch.tensor([-(2 ** 40), -1, 0, 7], dtype=torch.int64)
    sd["i32"] = torch.arange(4, dtype=torch.int32).reshape(2, 2) * -3                 # -3 i
    sd["i16"] = torch.tensor([-300, 300], dtype=torch.int16)
    sd["i8"] = torch.tensor([-128, 127], dtype=torch.int8)
    sd["u8"] = torch.tensor([0, 255, 9], dtype=torch.uint8)
    sd["bool"] = torch.tensor([True, False, False, True, True])
    sd["scalar"] = torch.tensor(2.5)
    return sd


def views():
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    sd = OrderedDict()
    sd["base"] = base
    sd["t"] = base.t()              # shape [4, 3], stride (1, 4)
    sd["row"] = base[1]             # offset 4, shape [4]
    sd["col"] = base[:, 2]          # offset 2, shape [3], stride (4,)
    sd["stepped"] = base[::2, 1::2]  # offset 1, shape [2, 2], stride (8, 2)
    sd["alias"] = base              # same view as "base"
    sd["copy"] = base.clone()       # own storage, same values
    return sd


def params():
    lin = torch.nn.Linear(3, 2)
    with torch.no_grad():
        lin.weight.copy_(torch.tensor([[o - i / 4 for i in range(3)] for o in range(2)]))
        lin.bias.copy_(torch.tensor([o / 2 for o in range(2)]))
    lin.register_parameter("frozen", torch.nn.Parameter(torch.ones(2), requires_grad=False))
    return lin.state_dict(keep_vars=True)


torch.save(dtypes(), "dtypes.pth")
torch.save(views(), "views.pth")
torch.save(params(), "params.pth")
torch.save(dtypes(), "proto4.pth", pickle_protocol=4)
torch.save(OrderedDict(w=torch.ones(2)), "legacy.pth", _use_new_zipfile_serialization=False)
