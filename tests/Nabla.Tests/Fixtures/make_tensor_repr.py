"""Writes tensor_repr.json: tensors and the repr real PyTorch prints for them.

TensorFormatterTests.MatchesReprsRecordedFromPyTorch rebuilds each tensor in Nabla and compares
ToString() with the recorded text. Regenerate with any PyTorch (Debian's python3-torch works):
    python3 make_tensor_repr.py
Values are stored as the shortest text that round-trips in their own dtype.
"""
import json
import math
import random

import numpy as np
import torch

DTYPES = {
    "Float32": torch.float32, "Float64": torch.float64, "Int32": torch.int32,
    "Int64": torch.int64, "UInt8": torch.uint8, "Bool": torch.bool,
}
random.seed(1)
torch.manual_seed(1)
cases = []


def text(v, dtype):
    if dtype == torch.bool:
        return "1" if v else "0"
    if not dtype.is_floating_point:
        return str(int(v))
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return str(np.float32(v)) if dtype == torch.float32 else repr(float(v))


def add(name, t, grad=""):
    """grad: "" plain, "leaf" requires_grad_(), "mul" prints x * x of a leaf x."""
    shown = t
    if grad == "leaf":
        shown = t.clone().requires_grad_()
    if grad == "mul":
        x = t.clone().requires_grad_()
        shown = x * x
    dtype = next(k for k, v in DTYPES.items() if v == t.dtype)
    values = [text(v, t.dtype) for v in t.reshape(-1).tolist()]
    cases.append(dict(name=name, dtype=dtype, shape=list(t.shape), values=values, grad=grad, expected=repr(shown)))


for shape in [(0,), (0, 3), (2, 0), (2, 0, 3)]:
    for d in DTYPES.values():
        add(f"empty {shape} {d}", torch.zeros(shape, dtype=d))
for d in DTYPES.values():
    add(f"scalar {d}", torch.tensor(7, dtype=d))
add("scalar 0.5", torch.tensor(0.5))
add("scalar grad", torch.tensor(2.0), "leaf")

shapes = [(), (1,), (2,), (5,), (17,), (40,), (3, 4), (2, 3, 4), (1, 1, 1), (2, 1, 3, 2), (4, 12)]
scales = [1e-7, 1e-4, 1e-3, 0.1, 1, 10, 999, 1e4, 1e5, 1e9, 1e30]
for i in range(160):
    shape, scale = random.choice(shapes), random.choice(scales)
    dtype = random.choice([torch.float32, torch.float64])
    kind = random.choice(["plain", "round", "nan", "abs", "zeros", "outlier"])
    t = torch.randn(shape, dtype=torch.float64) * scale
    if kind == "round":
        t = t.round()
    if kind == "abs":
        t = t.abs()
    if kind == "zeros":
        t = t * (torch.rand(shape) < 0.5)
    if kind == "outlier" and t.numel() > 1:
        t.reshape(-1)[0] *= 1e6
    t = t.to(dtype)
    if kind == "nan" and t.numel() > 0:
        for _ in range(2):
            t.reshape(-1)[random.randrange(t.numel())] = random.choice([math.nan, math.inf, -math.inf])
    add(f"float {i} {kind}", t, random.choice(["", "", "leaf", "mul"]))
for i in range(40):
    shape = random.choice(shapes)
    d = random.choice([torch.int32, torch.int64, torch.uint8, torch.bool])
    hi = {torch.uint8: 256, torch.bool: 2}.get(d, random.choice([10, 1000, 10**6, 2**31 - 1]))
    lo = 0 if d in (torch.uint8, torch.bool) else -hi
    add(f"int {i}", torch.randint(lo, hi, shape, dtype=torch.int64).to(d))

with open("tensor_repr.json", "w") as f:
    # One case per line keeps diffs readable.
    f.write('{"torch": %s, "cases": [\n' % json.dumps(torch.__version__))
    f.write(",\n".join(json.dumps(c) for c in cases))
    f.write("\n]}\n")
print(len(cases), "cases from torch", torch.__version__)
