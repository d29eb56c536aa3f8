"""ssmc from Python: compile S4D, EGRU and spiking models for a target, run
NumPy arrays through them, stream tokens, and read ssmc's data sets.

    import ssmc
    net = ssmc.compile("models/smnist.ssm", target="loihi2",
                       calibration_samples=64)
    x, y, _ = ssmc.load_data("mnist:test", limit=100)
    result = net.run(x, labels=y)          # result.accuracy, result.report
    session = net.session()                # token by token
    for token in x[0]:
        outputs = session.feed(token)

The targets are ssmc's (``ssmc.targets()``): ``reference`` (the float64
recurrent oracle), ``conv`` (S4D as FFT long convolution, float32),
``loihi2`` (the event-driven fixed-point neurocore runtime with the Loihi 2
cost model) and ``spinnaker2`` (the same runtime on SpiNNaker 2 PEs with
its cost model, in fixed point or with ``arithmetic="fp32"`` in binary32;
docs/spinnaker2.md). Keyword options are the command-line flags of ``ssmc-run``
with ``_`` for ``-`` (``sigma_delta=0.1`` is ``--sigma-delta=0.1``);
docs/python.md lists them. Errors in a model are ``CompileError`` carrying
the diagnostics (``file:line:col``); bad data are ``DataError``; both are
``ValueError``s.
"""

import json as _json
import os as _os
import warnings as _warnings
from typing import NamedTuple as _NamedTuple, Optional as _Optional

import numpy as _np

from . import _ssmc
from ._ssmc import CompileError, DataError

__all__ = ["compile", "load", "load_data", "targets", "format_frac",
           "Network", "Session",
           "RunResult", "Data", "CompileError", "DataError", "CompileWarning"]

__version__ = _ssmc.version()
#: The git commit ssmc was built from ("unknown" outside a checkout).
commit = _ssmc.commit()


class CompileWarning(UserWarning):
    """A warning of the compiler (e.g. PTQ saturation), with its location."""


def targets():
    """The targets, by name: ``{name: (summary, [option keywords])}``."""
    return {name: (summary, options)
            for name, summary, options in _ssmc.targets()}


def format_frac(max_abs, bits):
    """The fraction bits F of the `bits`-bit fixed-point format that holds
    ``max_abs`` (q * 2^-F with |q| <= 2^(bits-1) - 1 after rounding): the
    format ssmc's PTQ gives a value range, and, negated, the shared
    power-of-two exponent of a weight table whose largest |weight| is
    ``max_abs`` (ssm/Runtime/FixedPoint.h, formatFor)."""
    return _ssmc.format_frac(float(max_abs), int(bits))


def _option_text(key, value):
    if isinstance(value, bool) or value is None:
        raise TypeError(f"option {key} takes a number or a string, "
                        f"got {value!r}")
    if isinstance(value, _os.PathLike):
        return _os.fspath(value)
    return repr(value) if isinstance(value, float) else str(value)


def _model_source(model, name):
    """(source, is_text, name) of a model given as a path or as its text (a
    str holding a newline or a ``{``): the text is read as a file named
    `name` (default "<string>", or "<string>.mlir" for MLIR text)."""
    if isinstance(model, str) and ("\n" in model or "{" in model):
        if name is None:
            name = ("<string>.mlir" if model.lstrip().startswith("module")
                    else "<string>")
        return model, True, name
    path = _os.fspath(model)
    return path, False, path


def _nir_dt(value):
    """A NIR step in seconds, or None; as --nir-dt checks it."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"nir_dt takes seconds as a number, got {value!r}")
    return float(value)


def compile(model, target=None, *, name=None, threads=0, init_missing=False,
            strict_weights=False, nir_dt=None, **options):
    """Compiles a model for a target and returns a ready-to-run Network.

    model: a path (str or os.PathLike) to a ``.ssm`` DSL file, a ``.mlir``
        module, a ``.nir`` NIR graph (docs/nir.md), or a compiled network file (loihi2's or spinnaker2's ``.h5``, from
        ``Network.save`` or ``ssmc --target=loihi2 -o net.h5``); or the
        model's source text itself (a str holding a newline or a ``{``).
    target: "reference", "conv", "loihi2" or "spinnaker2"; may be omitted
        for a compiled network file, which runs on the chip it was compiled
        for.
    name: for source text, the file name diagnostics give and relative
        weight paths resolve against (default "<string>", in the working
        directory; a name ending in .mlir reads the text as MLIR).
    threads: threads for calibration (loihi2); 0 = all cores.
    init_missing, strict_weights: the weight-binding policy of
        ``--init-missing`` and ``--strict-weights``.
    nir_dt: a NIR graph's discretization step in seconds (``--nir-dt``;
        default: the graph's metadata ``dt``).
    options: the target's options (``targets()[target][1]``), e.g. for
        loihi2 ``hw``, ``calibration``, ``calibration_samples``,
        ``calibration_ranges``, ``sigma_delta``, ``trace``.

    Raises CompileError (file:line:col diagnostics) for a model that does
    not compile, ValueError for an unknown target or a bad option (named),
    DataError for calibration data that cannot be read. Compiler warnings
    become CompileWarning.
    """
    source, is_text, name = _model_source(model, name)
    settings = [(key, _option_text(key, value))
                for key, value in options.items()]
    network = _ssmc.compile(source, is_text, name, target, settings,
                            int(threads), bool(init_missing),
                            bool(strict_weights), _nir_dt(nir_dt))
    if network.diagnostics:
        _warnings.warn(network.diagnostics.rstrip(), CompileWarning,
                       stacklevel=2)
    return Network(network)


def load(path, **options):
    """Loads a compiled network file (a chip's ``.h5``) on its target;
    ``options`` are that target's run options (e.g. ``trace``). Raises
    CompileError when the file is not one."""
    return compile(path, None, **options)


class Data(_NamedTuple):
    """A data set as arrays."""
    #: [samples, tokens, channels] float32 (token ids for a corpus).
    inputs: _np.ndarray
    #: [samples] int64 class labels, or None.
    labels: _Optional[_np.ndarray]
    #: The word of each token id (a corpus), else [].
    vocabulary: list


def load_data(spec, limit=None):
    """Reads one of ssmc's data sets, as ``ssmc-run --data=SPEC`` does:
    ``mnist:train|test``, ``pmnist:train|test`` (sequential and permuted
    MNIST, 784 tokens of one channel in [0, 1]), ``brown:train|valid|test``
    (the Brown corpus as 50 streams of token ids) or
    ``file:INPUTS.npy[,LABELS.npy]``; ``limit`` keeps the first samples.
    Data files are found under $SSMC_DATA (scripts/fetch-data). Raises
    DataError naming the file and what is wrong."""
    inputs, labels, vocabulary = _ssmc.load_data(
        spec, None if limit is None else int(limit))
    return Data(inputs, labels, vocabulary)


class RunResult(_NamedTuple):
    """What ``Network.run`` returns."""
    #: [samples, outputs] float32: each sample's outputs after its last token.
    outputs: _np.ndarray
    #: [samples, tokens, outputs] float32 when asked for, else None.
    token_outputs: _Optional[_np.ndarray]
    #: The JSON report of ``ssmc-run --report`` as a dict (docs/ssmc-run.md):
    #: accuracy, perplexity (language models), and the target's entries
    #: (loihi2: synops, energy_per_token_uJ, latency_per_token_us, ...).
    report: dict

    @property
    def accuracy(self):
        """Fraction of samples whose largest output is the label, or None."""
        return self.report.get("accuracy")

    @property
    def perplexity(self):
        """Next-word perplexity of a language model, or None."""
        return self.report.get("perplexity")


class Network:
    """A model compiled for a target (from ``compile`` or ``load``)."""

    def __init__(self, network):
        self._net = network

    name = property(lambda self: self._net.name, doc="The model's name.")
    target = property(lambda self: self._net.target, doc="Its target.")
    input_channels = property(lambda self: self._net.input_channels,
                              doc="Input values per token (1 for token ids).")
    output_channels = property(lambda self: self._net.output_channels,
                               doc="Output values per token.")
    vocabulary = property(lambda self: self._net.vocabulary,
                          doc="V of a token input (a language model), else 0.")
    parameters = property(lambda self: self._net.parameters,
                          doc="Parameters before lowering; -1 when loaded "
                              "compiled.")
    compile_seconds = property(lambda self: self._net.compile_seconds,
                               doc="Wall seconds compiling took.")

    def __repr__(self):
        return (f"<ssmc.Network {self.name!r} on {self.target}: "
                f"{self.input_channels} -> {self.output_channels}>")

    def run(self, x, labels=None, *, token_outputs=False, threads=0):
        """Runs every sample of ``x`` and scores them.

        x: [samples, tokens, channels] or [samples, tokens] (one channel;
            token ids for a language model), converted to float32.
        labels: [samples] class indices, for the accuracy; optional.
        token_outputs: also return every token's outputs (at most 2 GiB).
        threads: samples run in parallel; 0 = all cores. Results do not
            depend on it.

        Returns a RunResult. Raises DataError for data the model cannot
        take (channels, labels, token ids, non-finite values), with the
        sample and token where one is at fault.
        """
        x = _np.asarray(x, dtype=_np.float32)
        if labels is not None:
            labels = _np.asarray(labels)
            if labels.dtype.kind not in "iu":
                raise DataError("labels must be integer class indices, got "
                                f"dtype {labels.dtype}")
            labels = labels.astype(_np.int64)
        outputs, per_token, report = self._net.run(
            x, labels, bool(token_outputs), int(threads))
        return RunResult(outputs, per_token, _json.loads(report))

    def compare(self, x, *, threads=0):
        """Each layer's error against the float reference on ``x`` (as
        ``run`` takes it), int8 weights and activations apart: a list of
        dicts {layer, values, reference_rms, weight_error,
        activation_error, total_error}, the errors being RMS differences
        relative to the reference's RMS (docs/python.md). loihi2 only (the
        layers with a neuron group of their own); needs the network compiled
        here, not loaded compiled."""
        x = _np.asarray(x, dtype=_np.float32)
        return _json.loads(self._net.compare(x, int(threads)))["layers"]

    def session(self):
        """A streaming Session: one sequence at a time, token by token."""
        return Session(self._net.stream(), self)

    def save(self, path):
        """Writes the compiled network: a chip's network file (``.h5``,
        loaded by ``load`` or ssmc-run without MLIR) or the compiled module
        as MLIR (``.mlir``, any target)."""
        self._net.save(_os.fspath(path))


class Session:
    """Tokens fed one at a time (the streaming use: a sensor, a word at a
    time). Not thread-safe; the network must outlive it (it keeps it)."""

    def __init__(self, stream, network):
        self._stream = stream
        self._network = network

    def feed(self, token):
        """Feeds the next token: ``input_channels`` values (a scalar for one
        channel or a token id). Returns the outputs the host holds after it,
        [output_channels] float32: those of the token ``latency`` tokens
        back on loihi2 (zeros before), of this token elsewhere. Raises
        DataError for a token of the wrong size or a non-finite value,
        RuntimeError after finish() until reset()."""
        # (The binding converts any array-like to float32 itself.)
        return self._stream.feed(token)

    def finish(self, after_step=None):
        """Ends the sequence; returns the outputs after its last token
        (loihi2: after the steps that drain its pipeline, calling
        ``after_step()`` after each, e.g. to read ``last_step()``),
        [output_channels] float32."""
        return self._stream.finish(after_step)

    def reset(self):
        """Starts a new sequence: zero state, zero counters."""
        self._stream.reset()

    tokens = property(lambda self: self._stream.tokens,
                      doc="Tokens fed since the last reset.")
    latency = property(lambda self: self._stream.latency,
                       doc="Tokens the outputs lag behind (loihi2's "
                           "pipeline depth; 0 elsewhere).")

    @property
    def groups(self):
        """The compiled network's neuron groups (loihi2; [] elsewhere):
        dicts {name, model, neurons, core (-1 on the host), depth}."""
        return self._stream.groups()

    def last_step(self):
        """What each group did in the last step, arrays in ``groups`` order:
        token (the token it took in; -1 while the pipeline fills), spikes,
        synops, active (neurons updated with input or live state), events
        (EGRU units that fired), messages, energy_pJ (its dynamic energy by
        the cost model). {} for the float targets."""
        return self._stream.last_step()

    def sent(self, group):
        """[neurons] bool: which neurons of group ``group`` (an index into
        ``groups``) sent a message in the last step."""
        return self._stream.sent(int(group))

    @property
    def counters(self):
        """The target's counters since reset(), as in its report (loihi2:
        steps, synops, spikes, messages, overflows, energy_per_token_uJ,
        latency_per_token_us); {} for the float targets."""
        return _json.loads(self._stream.counters())
