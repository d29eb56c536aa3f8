"""A PyTorch module generated from any ssmc model, for training it and for
checking ssmc against PyTorch: ``ssmc.torch.generate(model)``.

The module has one submodule per layer of the model, holding the layer's
parameters as ``nn.Parameter``s under the names ssmc's weight files use
(layer ``block.0.ssm``'s parameter ``log_dt`` is ``/block/0/ssm/log_dt``;
docs/dsl.md), initialised with the values ssmc bound or initialised, so
``export_hdf5`` writes a file the model binds back by name. Every layer
computes the equations of ssmc's reference (runtime/lib/Reference.cpp),
each cited at its class:

- dense ``y = W x + b``; embedding ``y = E[t]``; add; relu; gelu (exact,
  with erf); glu ``a * sigmoid(b)`` over the two halves of the channels;
- s4d: Gu et al. 2022 (S4D) with ssmc's parameterization, ZOH or bilinear,
  run as a causal FFT convolution with its kernel (state-spaces/s4's
  ``s4d.py``), which for these recurrences equals the reference's scan;
- egru: Subramoney et al. 2023 as EvNN computes it (ssm/Runtime/EGRU.h),
  the events' Heaviside step with the pseudo-derivative
  ``gamma * max(0, 1 - s |c - theta|)`` for training;
- neuron lif: Loihi's current-based LIF (Davies et al. 2018; runtime/lib/
  models/LIF.cpp), the same pseudo-derivative at the threshold; neuron li:
  the leaky integrator (runtime/lib/models/LI.cpp);
- readout mean (running mean over the tokens so far) or last.

``forward(x)`` takes [batch, tokens, channels] (token ids [batch, tokens]
for a language model) and returns the first output's values at every token,
[batch, tokens, outputs], in the module's dtype (``.double()`` for float64,
what the reference computes in).
"""
import math

import h5py as _h5py
import numpy as _np
import torch as _torch
from torch import nn as _nn

from . import _ssmc

__all__ = ["generate", "Model", "Spike", "fake_quant", "fake_quant_complex",
           "s4d_discretize", "s4d_kernel", "egru_step"]


def fake_quant(x, bits):
    """x rounded to `bits`-bit integers with one power-of-two scale, the
    format ssmc's PTQ gives a table whose largest |weight| is max |x|
    (ssmc.format_frac), ties away from zero as ssm/Runtime/FixedPoint.h
    rounds; the gradient passes straight through (Bengio et al. 2013). For
    quantization-aware fine-tuning (QAFT, Meyer et al. 2024, Sec. 3)."""
    largest = float(x.detach().abs().max())
    if largest == 0:
        return x
    from . import format_frac
    scale = 2.0 ** -format_frac(largest, bits)
    top = 2 ** (bits - 1) - 1
    q = _torch.sign(x) * _torch.floor(x.abs() / scale + 0.5)
    q = q.clamp(-top - 1, top) * scale
    return x + (q - x).detach()


def fake_quant_complex(z, bits):
    """fake_quant of a complex tensor's real and imaginary parts together."""
    parts = fake_quant(_torch.view_as_real(z), bits)
    return _torch.view_as_complex(parts.contiguous())


def s4d_discretize(log_dt, log_a_real, a_imag, b, rule="zoh"):
    """(A_bar, B_bar), complex [H, N/2], of S4D's continuous parameters
    (Gu et al. 2022; docs/dsl.md): A = -exp(log_a_real) + i a_imag,
    dt = exp(log_dt) [H]; ZOH A_bar = exp(dt A), B_bar = B (A_bar - 1)/A;
    bilinear A_bar = (1 + dt A/2)/(1 - dt A/2), B_bar = dt B/(1 - dt A/2).
    `b` is complex [H, N/2]."""
    dt = _torch.exp(log_dt)[:, None]
    a = _torch.complex(-_torch.exp(log_a_real), a_imag)
    if rule == "zoh":
        a_bar = _torch.exp(dt * a)
        return a_bar, b * (a_bar - 1.0) / a
    denom = 1.0 - dt * a / 2.0
    return (1.0 + dt * a / 2.0) / denom, dt * b / denom


def s4d_kernel(a_bar, b_bar, c, length):
    """K [H, length]: K_l = 2 Re(sum_n C_n B_bar_n A_bar_n^l), the
    convolution kernel of S4D's recurrence (state-spaces/s4, s4d.py)."""
    steps = _torch.arange(length, device=a_bar.device, dtype=a_bar.real.dtype)
    powers = _torch.exp(_torch.log(a_bar)[:, :, None] * steps)
    return 2 * _torch.einsum("hn,hnl->hl", c * b_bar, powers).real


def egru_step(gi, gr, c, theta, gamma, support):
    """One EGRU token as EvNN computes it (Subramoney et al. 2023; ssm/
    Runtime/EGRU.h), gates stacked [u; r; z]: `gi` = W x + b and `gr` =
    R y' + b' [batch, 3H], `c` the state [batch, H] after its last reset.
    Returns (y, c, o): the output o * c, the state after its reset
    c - o * theta, and the events o = H(c - theta) (Spike: the
    pseudo-derivative gamma * max(0, 1 - support |c - theta|))."""
    h = c.shape[-1]
    u = _torch.sigmoid(gi[:, :h] + gr[:, :h])
    r = _torch.sigmoid(gi[:, h:2 * h] + gr[:, h:2 * h])
    z = _torch.tanh(gi[:, 2 * h:] + r * gr[:, 2 * h:])
    c = u * c + (1 - u) * z
    o = Spike.apply(c - theta, gamma, support)
    y = o * c
    return y, c - o * theta, o


class Spike(_torch.autograd.Function):
    """H(x) = [x > 0] with the pseudo-derivative gamma * max(0, 1 - s|x|)
    (Subramoney et al. 2023, Sec. 3.2; EvNN's SpikeFunction)."""

    @staticmethod
    def forward(ctx, x, gamma, support):
        ctx.save_for_backward(x)
        ctx.gamma, ctx.support = gamma, support
        return (x > 0).to(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        surrogate = ctx.gamma * _torch.clamp(1.0 - ctx.support * x.abs(), min=0.0)
        return grad * surrogate, None, None


class _Layer(_nn.Module):
    """A layer with its ssmc name and its parameters as ssmc names them."""

    def __init__(self, spec):
        super().__init__()
        self.ssmc_name = spec["name"]
        self.channels = spec["channels"]
        self.settings = spec["settings"]
        for key, value in spec["params"].items():
            setattr(self, key, _nn.Parameter(_torch.tensor(value)))

    def ssmc_params(self):
        """(name, tensor) of the parameters the weight file holds."""
        return [(k, p) for k, p in self.named_parameters(recurse=False)]


class Input(_Layer):
    def forward(self, x):
        return x


class Dense(_Layer):
    """y = W x + b (weight [O, I]); a tied decoder reads its embedding's
    table [V, D] as W (Press & Wolf 2017)."""

    def __init__(self, spec, tied=None):
        super().__init__(spec)
        self.tied = [tied] if tied is not None else None  # (not a submodule)

    def forward(self, x):
        weight = self.tied[0].weight if self.tied else self.weight
        return _nn.functional.linear(x, weight, getattr(self, "bias", None))


class Embedding(_Layer):
    """y = E[t] (weight [V, D]); t the token ids of the input."""

    def forward(self, ids):
        ids = ids[..., 0] if ids.dim() == 3 else ids
        if ((ids < 0) | (ids >= self.weight.shape[0]) | (ids != ids.round())).any():
            raise ValueError(f"embedding {self.ssmc_name!r}: token ids must be "
                             f"integers in [0, {self.weight.shape[0]})")
        return self.weight[ids.long()]


class S4D(_Layer):
    """S4D (Gu et al. 2022) over H channels, N/2 modes each (docs/dsl.md):
    A = -exp(log_a_real) + i a_imag, dt = exp(log_dt);
    ZOH A_bar = exp(dt A), B_bar = B (A_bar - 1)/A; bilinear A_bar =
    (1 + dt A/2)/(1 - dt A/2), B_bar = dt B/(1 - dt A/2);
    y_k = 2 Re(sum_n C_n x_k) + D u_k with x_k = A_bar x_{k-1} + B_bar u_k,
    computed as y = K * u + D u with K_l = 2 Re(sum_n C_n B_bar_n A_bar_n^l)
    (the causal FFT convolution of state-spaces/s4)."""

    def kernel(self, length):
        a_bar, b_bar = s4d_discretize(
            self.log_dt, self.log_a_real, self.a_imag,
            _torch.view_as_complex(self.b.contiguous()),
            self.settings.get("discretization", "zoh"))
        return s4d_kernel(a_bar, b_bar,
                          _torch.view_as_complex(self.c.contiguous()), length)

    def forward(self, u):
        length = u.shape[1]
        k = self.kernel(length)
        u_t = u.transpose(1, 2)
        n = 2 * length
        y = _torch.fft.irfft(_torch.fft.rfft(u_t, n=n) * _torch.fft.rfft(k, n=n), n=n)
        return (y[..., :length] + u_t * self.d[:, None]).transpose(1, 2)


class EGRU(_Layer):
    """EGRU (Subramoney et al. 2023) as EvNN computes it, gates [u; r; z]:
    u = sigmoid(W_u x + b_u + R_u y' + b'_u), r likewise,
    z = tanh(W_z x + b_z + r (R_z y' + b'_z)), c = u c' + (1 - u) z,
    o = H(c - theta), y = o c, then c <- c - o theta. w [3H, I], r [3H, H],
    optional bias and recurrent_bias [3H], theta [H]."""

    gamma, support = 0.3, 1.0

    def forward(self, x):
        batch, length, _ = x.shape
        h = self.channels
        wx = _nn.functional.linear(x, self.w, getattr(self, "bias", None))
        c = x.new_zeros(batch, h)
        y = x.new_zeros(batch, h)
        outputs = []
        for t in range(length):
            gr = _nn.functional.linear(y, self.r,
                                       getattr(self, "recurrent_bias", None))
            y, c, _ = egru_step(wx[:, t], gr, c, self.theta, self.gamma,
                                self.support)
            outputs.append(y)
        return _torch.stack(outputs, dim=1)


class _NeuronLayer(_Layer):
    """A neuron layer's input at token t: x_t, plus R y_{t-1} when it has
    recurrent synapses (ssm.neuron's `recurrent` [H, H])."""

    def input_at(self, x, t, y):
        recurrent = getattr(self, "recurrent", None)
        if recurrent is None or y is None:
            return x[:, t]
        return x[:, t] + y @ recurrent.T


class LIF(_NeuronLayer):
    """Loihi's current-based LIF, one neuron per channel (Davies et al.
    2018): i = (1 - current_decay) i + x, v = (1 - voltage_decay) v + i,
    s = [v > threshold], y = s (or s v with graded), v = 0 after a spike."""

    gamma, support = 0.3, 1.0

    def forward(self, x):
        batch, length, h = x.shape
        graded = self.settings.get("graded") == "true"
        i = x.new_zeros(batch, h)
        v = x.new_zeros(batch, h)
        outputs = []
        for t in range(length):
            i = (1 - self.current_decay) * i + self.input_at(
                x, t, outputs[-1] if outputs else None)
            v = (1 - self.voltage_decay) * v + i
            s = Spike.apply(v - self.threshold, self.gamma, self.support)
            outputs.append(s * v if graded else s)
            v = v * (1 - s)
        return _torch.stack(outputs, dim=1)


class LI(_NeuronLayer):
    """A leaky integrator per channel (NIR's LI; runtime/lib/models/LI.cpp):
    v = (1 - voltage_decay) v + x, y = v."""

    def forward(self, x):
        v = x.new_zeros(x.shape[0], x.shape[2])
        outputs = []
        for t in range(x.shape[1]):
            v = (1 - self.voltage_decay) * v + self.input_at(
                x, t, outputs[-1] if outputs else None)
            outputs.append(v)
        return _torch.stack(outputs, dim=1)


class Pointwise(_Layer):
    def __init__(self, spec):
        super().__init__(spec)
        self.op = spec["op"]

    def forward(self, x):
        if self.op == "relu":
            return _torch.relu(x)
        if self.op == "gelu":
            return 0.5 * x * (1.0 + _torch.erf(x / math.sqrt(2.0)))
        # glu: the first half gated by the sigmoid of the second.
        return x[..., :self.channels] * _torch.sigmoid(x[..., self.channels:])


class Add(_Layer):
    def forward(self, x, y):
        return x + y


class Readout(_Layer):
    """mean: the running mean over the tokens so far; last: the value itself
    (its last token is the output)."""

    def forward(self, x):
        if self.settings.get("mode") == "last":
            return x
        steps = _torch.arange(1, x.shape[1] + 1, device=x.device, dtype=x.dtype)
        return _torch.cumsum(x, dim=1) / steps[None, :, None]


_NEURON_LAYERS = {"lif": LIF, "li": LI}

_LAYERS = {"input": Input, "embedding": Embedding, "s4d": S4D, "egru": EGRU,
           "relu": Pointwise, "gelu": Pointwise, "glu": Pointwise, "add": Add,
           "readout": Readout}


class Model(_nn.Module):
    """The generated module (see the module's docstring)."""

    def __init__(self, graph):
        super().__init__()
        self.ssmc_model = graph["name"]
        self.inputs_of = [spec["inputs"] for spec in graph["layers"]]
        self.outputs = graph["outputs"]
        layers = []
        for spec in graph["layers"]:
            op = spec["op"]
            if op == "dense":
                tied = layers[spec["tied_to"]] if spec["tied_to"] >= 0 else None
                layers.append(Dense(spec, tied))
            elif op == "neuron":
                kind = spec["settings"].get("kind")
                if kind not in _NEURON_LAYERS:
                    raise NotImplementedError(
                        f"layer {spec['name']!r}: neuron layer {kind!r} has "
                        "no PyTorch form in ssmc.torch yet")
                layers.append(_NEURON_LAYERS[kind](spec))
            elif op in _LAYERS:
                layers.append(_LAYERS[op](spec))
            else:
                raise NotImplementedError(f"layer {spec['name']!r}: {op} has "
                                          "no PyTorch form in ssmc.torch")
        self.layers = _nn.ModuleList(layers)

    def forward(self, x):
        values = []
        for layer, inputs in zip(self.layers, self.inputs_of):
            args = [values[i] for i in inputs] if inputs else [x]
            values.append(layer(*args))
        return values[self.outputs[0]]

    def export_hdf5(self, path):
        """Writes every parameter to the dataset ssmc binds it from
        (/layer/path/param, float32; complex as a trailing axis of 2)."""
        with _h5py.File(path, "w") as f:
            for layer in self.layers:
                for name, tensor in layer.ssmc_params():
                    dataset = "/".join(layer.ssmc_name.split(".") + [name])
                    f.create_dataset(dataset, data=tensor.detach().cpu()
                                     .to(_torch.float32).numpy())


def generate(model, *, name=None, init_missing=False, strict_weights=False,
             nir_dt=None):
    """The PyTorch module of `model` (a path to a .ssm, .mlir or .nir file,
    or its source text, as ssmc.compile takes it), float32; ``.double()``
    for the reference's float64. Raises ssmc.CompileError for a model that
    does not load, NotImplementedError for a layer without a PyTorch form
    here."""
    from . import _model_source, _nir_dt
    source, is_text, name = _model_source(model, name)
    graph = _ssmc.describe(source, is_text, name, bool(init_missing),
                           bool(strict_weights), _nir_dt(nir_dt))
    module = Model(graph)
    return module.float()
