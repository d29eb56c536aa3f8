"""The ssmc S4D classifier in PyTorch, with HDF5 export for ssmc.

The same model `models/smnist.ssm` describes: encoder dense, n_layers x
[S4D, ReLU, dense mixing, residual add], running-mean readout, decoder dense.
The S4D layer follows state-spaces/s4 (`models/s4/s4d.py`: Gu et al. 2022,
"On the Parameterization and Initialization of Diagonal State Space Models")
with ssmc's parameterization (docs/dsl.md):

    A = -exp(log_a_real) + i a_imag,  dt = exp(log_dt)
    ZOH:      A_bar = exp(dt A),  B_bar = B (A_bar - 1) / A
    bilinear: A_bar = (1 + dt A/2) / (1 - dt A/2),  B_bar = dt B / (1 - dt A/2)
    K_l = 2 Re(sum_n C_n B_bar_n A_bar_n^l),   y = K * u + D u   (causal FFT)

`export_hdf5` writes every parameter to the dataset `/<layer path>/<param>`
that the ssmc frontend binds (complex values as a trailing axis of 2).
"""
import math
import os
import sys

import numpy as np
import torch
from torch import nn

# The ssmc package (tools/python): the build's python/ folder unless it is
# importable already (installed, or on PYTHONPATH). The formulas below that
# ssmc also computes (S4D's discretization and kernel, the fixed-point
# formats) come from it, not from copies.
try:
    import ssmc  # noqa: F401
except ImportError:
    _root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.path.insert(0, os.path.join(os.environ.get(
        "SSMC_BUILD_DIR", os.path.join(_root, "build")), "python"))
    import ssmc  # noqa: F401
from ssmc.torch import (fake_quant, fake_quant_complex,  # noqa: E402,F401
                        s4d_discretize, s4d_kernel)


def setup_run(args):
    """Seeds PyTorch and NumPy with args.seed, uses args.threads CPU threads,
    and returns the device to train on (a GPU when PyTorch has one) and the
    checkpoint path (args.checkpoint, or args.out with .pt)."""
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    return device, args.checkpoint or os.path.splitext(args.out)[0] + ".pt"


class S4D(nn.Module):
    """One S4D layer over H channels with state size N (N/2 complex modes).

    forward: u (batch, L, H) -> y (batch, L, H), computed as a causal FFT
    convolution with the kernel generated for L (as in s4d.py).
    """

    def __init__(self, channels, state_size=64, discretization="zoh",
                 dt_min=1e-3, dt_max=1e-1, init="lin"):
        super().__init__()
        # QAFT: simulate the loihi2 target's parameter formats in forward.
        self.qaft = False
        self.weight_bits, self.state_bits = 8, 24
        if state_size % 2:
            raise ValueError(f"state_size must be even, got {state_size}")
        h, m = channels, state_size // 2
        self.discretization = discretization
        self.log_dt = nn.Parameter(
            torch.rand(h) * (math.log(dt_max) - math.log(dt_min)) + math.log(dt_min))
        self.log_a_real = nn.Parameter(torch.full((h, m), math.log(0.5)))
        n = torch.arange(m, dtype=torch.float32)
        a_imag = math.pi * n if init == "lin" else \
            (state_size / math.pi) * (state_size / (2 * n + 1) - 1)
        self.a_imag = nn.Parameter(a_imag.repeat(h, 1))
        # B is fixed to 1 as in S4D; C ~ CN(0, 1); D ~ N(0, 1).
        self.register_buffer("b", torch.view_as_real(torch.ones(h, m, dtype=torch.cfloat)))
        self.c = nn.Parameter(torch.view_as_real(torch.randn(h, m, dtype=torch.cfloat)))
        self.d = nn.Parameter(torch.randn(h))

    def discrete(self):
        """(A_bar, B_bar), each complex (H, N/2) (ssmc.torch.s4d_discretize)."""
        return s4d_discretize(self.log_dt, self.log_a_real, self.a_imag,
                              torch.view_as_complex(self.b),
                              self.discretization)

    def kernel(self, length):
        """K (H, L) (ssmc.torch.s4d_kernel). Under QAFT, A_bar, B_bar and 2C
        take their state-width formats (one per kind, as
        ssm/Runtime/Quantize.h's quantizeS4DModes)."""
        a_bar, b_bar = self.discrete()
        c = torch.view_as_complex(self.c)
        if self.qaft:
            a_bar = fake_quant_complex(a_bar, self.state_bits)
            b_bar = fake_quant_complex(b_bar, self.state_bits)
            c = fake_quant_complex(2 * c, self.state_bits) / 2
        return s4d_kernel(a_bar, b_bar, c, length)

    def forward(self, u):
        length = u.shape[1]
        k = self.kernel(length)
        u_t = u.transpose(1, 2)                       # (B, H, L)
        n = 2 * length
        y = torch.fft.irfft(torch.fft.rfft(u_t, n=n) * torch.fft.rfft(k, n=n), n=n)
        d = fake_quant(self.d, self.weight_bits) if self.qaft else self.d
        y = y[..., :length] + u_t * d[:, None]
        return y.transpose(1, 2)


class S4DClassifier(nn.Module):
    """encoder -> n_layers x [S4D, ReLU, dense, residual] -> mean -> decoder.

    forward: (batch, L, d_input) -> logits (batch, classes) at the last token
    (the running mean over all L tokens, then the decoder).
    """

    def __init__(self, d_input=1, d_model=64, d_state=64, n_layers=4,
                 n_classes=10, discretization="zoh"):
        super().__init__()
        self.encoder = nn.Linear(d_input, d_model)
        self.ssm = nn.ModuleList(S4D(d_model, d_state, discretization)
                                 for _ in range(n_layers))
        self.mix = nn.ModuleList(nn.Linear(d_model, d_model) for _ in range(n_layers))
        self.decoder = nn.Linear(d_model, n_classes)
        self.qaft = False
        self.weight_bits = 8

    def set_qaft(self, enabled, weight_bits=8, state_bits=24):
        """Quantization-aware fine-tuning: forward passes use the loihi2
        target's formats (int8 synapse tables with a power-of-two scale,
        S4D parameters in `state_bits`) with straight-through gradients, as
        Meyer et al. 2024 (Sec. 3) fine-tuned S4D for Loihi 2. Activations
        stay float: at 24 bits their rounding is below 1e-4 of the outputs
        (test/unit/Loihi2/EventRuntimeTest.cpp)."""
        self.qaft = enabled
        self.weight_bits = weight_bits
        for ssm in self.ssm:
            ssm.qaft, ssm.weight_bits, ssm.state_bits = enabled, weight_bits, state_bits

    def _linear(self, layer, x):
        if not self.qaft:
            return layer(x)
        return nn.functional.linear(x, fake_quant(layer.weight, self.weight_bits),
                                    layer.bias)

    def forward(self, u):
        x = self._linear(self.encoder, u)
        for ssm, mix in zip(self.ssm, self.mix):
            x = self._linear(mix, torch.relu(ssm(x))) + x
        return self._linear(self.decoder, x.mean(dim=1))

    def export_hdf5(self, path):
        """Writes the parameters in the layout ssmc binds (docs/dsl.md)."""
        import h5py
        with h5py.File(path, "w") as f:
            def put(name, tensor):
                f.create_dataset(name, data=tensor.detach().cpu().float().numpy())
            put("encoder/weight", self.encoder.weight)
            put("encoder/bias", self.encoder.bias)
            for i, (ssm, mix) in enumerate(zip(self.ssm, self.mix)):
                p = f"block/{i}/ssm/"
                for name in ("log_dt", "log_a_real", "a_imag", "b", "c", "d"):
                    put(p + name, getattr(ssm, name))
                put(f"block/{i}/mix/weight", mix.weight)
                put(f"block/{i}/mix/bias", mix.bias)
            put("decoder/weight", self.decoder.weight)
            put("decoder/bias", self.decoder.bias)


def ssm_source(model_name, weights_path, d_input, d_model, d_state, n_layers,
               n_classes, discretization="zoh"):
    """The .ssm text of an S4DClassifier bound to `weights_path`."""
    return f"""model {model_name} {{
  weights "{weights_path}"
  input u : {d_input}
  encoder = dense(u, {d_model})
  x = encoder
  repeat {n_layers} as block {{
    ssm = s4d(x, state={d_state}, discretization={discretization})
    act = relu(ssm)
    mix = dense(act, {d_model})
    x = add(mix, x)
  }}
  pool = readout(x, mean)
  decoder = dense(pool, {n_classes})
  output decoder
}}
"""
