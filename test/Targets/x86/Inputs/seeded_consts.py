"""Seeded random float initializers for the test models' generators (gen_*.py)."""
import numpy as np
from onnx import numpy_helper


class SeededConsts:
    """const(name, shape) appends a float32 initializer `name` of standard-normal values
    times 0.3, drawn from one generator seeded with `seed`, to const.inits and returns the
    name."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.inits = []

    def __call__(self, name, shape):
        values = self.rng.standard_normal(shape).astype(np.float32) * 0.3
        self.inits.append(numpy_helper.from_array(values, name))
        return name
