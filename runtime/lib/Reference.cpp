//===- Reference.cpp - the float64 recurrent oracle -----------------------===//
//
// One token at a time, every layer in topological order, from the
// recurrences documented on the ssm ops (see Reference.h).
//
//===----------------------------------------------------------------------===//

#include "ssm/Runtime/Reference.h"
#include "ssm/Runtime/EGRU.h"
#include "ssm/Runtime/FixedPoint.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

using namespace ssm::rt;

double ssm::rt::gelu(double x) { return 0.5 * x * (1.0 + std::erf(x / M_SQRT2)); }
double ssm::rt::sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

namespace {
/// Independent sums in flight: a sum is a chain of dependent additions
/// (4 cycles each), and eight chains keep both adders of a core busy.
constexpr int64_t kChains = 8;

/// Tokens per chunk of runReference's layer-by-layer order.
constexpr int64_t kChunk = 256;

/// out[o] = bias[o] + sum_j w[o, j] x[j] (bias null: 0), each sum over j
/// in order (the reference's rounding), kChains rows at a time. Terms with
/// x[j] = 0 add exactly nothing (weights are finite), so when most inputs
/// are zero (an EGRU's events) only the others are summed, still in order:
/// the same result, up to the sign of a zero sum.
void denseRows(const double *w, const double *bias, const double *x,
               int64_t in, int64_t out, double *y) {
  thread_local std::vector<int64_t> nonzero;
  nonzero.clear();
  for (int64_t j = 0; j < in; ++j)
    if (x[j] != 0.0)
      nonzero.push_back(j);
  const bool sparse = 4 * static_cast<int64_t>(nonzero.size()) < in;
  auto row = [&](int64_t o) {
    const double *wo = w + o * in;
    double acc = bias ? bias[o] : 0.0;
    if (sparse) {
      for (int64_t j : nonzero)
        acc += wo[j] * x[j];
    } else {
      for (int64_t j = 0; j < in; ++j)
        acc += wo[j] * x[j];
    }
    return acc;
  };
  int64_t o = 0;
  if (!sparse)
    for (; o + kChains <= out; o += kChains) {
      double acc[kChains];
      for (int64_t k = 0; k < kChains; ++k)
        acc[k] = bias ? bias[o + k] : 0.0;
      for (int64_t j = 0; j < in; ++j)
        for (int64_t k = 0; k < kChains; ++k)
          acc[k] += w[(o + k) * in + j] * x[j];
      for (int64_t k = 0; k < kChains; ++k)
        y[o + k] = acc[k];
    }
  for (; o < out; ++o)
    y[o] = row(o);
}

/// G consecutive modes of one S4D channel (complex pairs at x[m], x[m + 2],
/// ...) over a chunk of T tokens with input `u`: x = A_bar x + B_bar u on
/// the real and imaginary parts, and each token's `sums` adds Re(C x) of
/// the modes in order. G > 1 runs the recurrences side by side (each is a
/// chain of dependent operations; several keep the core busy). `largest`
/// takes the largest |Re x|, |Im x| they reach.
template <int64_t G>
void scanModes(const double *a, const double *b, const double *c, double *x,
               int64_t m, const double *u, double *sums, int64_t T,
               double &largest) {
  double xr[G], xi[G], big[G];
  for (int64_t j = 0; j < G; ++j) {
    xr[j] = x[m + 2 * j];
    xi[j] = x[m + 2 * j + 1];
    big[j] = largest;
  }
  for (int64_t t = 0; t < T; ++t) {
    double y = sums[t];
    for (int64_t j = 0; j < G; ++j) {
      const int64_t q = m + 2 * j;
      const double re = a[q] * xr[j] - a[q + 1] * xi[j];
      const double im = a[q] * xi[j] + a[q + 1] * xr[j];
      xr[j] = re + b[q] * u[t];
      xi[j] = im + b[q + 1] * u[t];
      y += c[q] * xr[j] - c[q + 1] * xi[j];
      big[j] = std::max(big[j], std::max(std::abs(xr[j]), std::abs(xi[j])));
    }
    sums[t] = y;
  }
  for (int64_t j = 0; j < G; ++j) {
    x[m + 2 * j] = xr[j];
    x[m + 2 * j + 1] = xi[j];
    largest = std::max(largest, big[j]);
  }
}

/// Per-layer recurrent state of one sequence.
struct LayerState {
  std::vector<std::complex<double>> x; // S4D modes [H, N/2]
  std::vector<double> c, y;            // EGRU state (after reset), last output
  std::vector<double> gates, recurrentGates; // EGRU scratch [3H] each
  std::vector<double> sum;             // readout running sum
  std::vector<double> neuron;          // neuron layer [stateSize, H]
  std::vector<double> neuronIn;        // its recurrent input scratch [H]
};

/// The row of an embedding table for token `value` at token index `k`:
/// throws std::out_of_range naming both when it is not an id of the
/// vocabulary (ssmc-run checks a data set's ids before it runs).
int64_t embeddingRow(const Layer &layer, double value, int64_t k) {
  const int64_t vocabulary =
      static_cast<int64_t>(layer.weight.size()) / layer.outChannels;
  if (!isTokenId(value, vocabulary))
    throw std::out_of_range("embedding '" + layer.name + "': token " +
                            std::to_string(k) + " has id " +
                            std::to_string(value) + ", not in [0, " +
                            std::to_string(vocabulary) + ")");
  return static_cast<int64_t>(value);
}

/// One token of a layer other than S4D (runReference runs S4D layers over a
/// chunk of tokens): reads `in` (the first input; `rhs`, the second, for
/// add; `token` for an input layer), updates `s`, writes `out`. `k` is the
/// token's index.
void stepLayer(const Layer &layer, LayerState &s, int64_t k,
               const double *token, const double *in, const double *rhs,
               double *out) {
  const int64_t inCh = layer.inChannels, outCh = layer.outChannels;
  switch (layer.kind) {
  case LayerKind::Input:
    std::copy(token, token + outCh, out);
    break;
  case LayerKind::Dense:
    denseRows(layer.weight.data(), layer.bias.data(), in, inCh, outCh, out);
    break;
  case LayerKind::S4D:
    break; // runReference's chunk loop
  case LayerKind::Embedding:
    std::copy_n(layer.weight.begin() + embeddingRow(layer, in[0], k) * outCh,
                outCh, out);
    break;
  case LayerKind::EGRU: {
    // EvNN's formulation (EGRU.h); gates stacked [u; r; z].
    const int64_t H = outCh;
    const double *b = layer.bias.empty() ? nullptr : layer.bias.data();
    const double *rb =
        layer.recurrentBias.empty() ? nullptr : layer.recurrentBias.data();
    std::vector<double> &gx = s.gates, &gr = s.recurrentGates;
    denseRows(layer.weight.data(), b, in, inCh, 3 * H, gx.data());
    denseRows(layer.recurrent.data(), rb, s.y.data(), H, 3 * H, gr.data());
    for (int64_t h = 0; h < H; ++h) {
      const double update = sigmoid(gx[h] + gr[h]);
      const double reset = sigmoid(gx[H + h] + gr[H + h]);
      const double candidate = std::tanh(gx[2 * H + h] + reset * gr[2 * H + h]);
      const double c = egru::state(update, candidate, s.c[h]);
      const double o = egru::event(c, layer.theta[h]);
      out[h] = o * c;
      s.c[h] = egru::reset(c, layer.theta[h], o);
    }
    std::copy(out, out + H, s.y.begin());
    break;
  }
  case LayerKind::Relu:
    for (int64_t h = 0; h < outCh; ++h)
      out[h] = std::max(in[h], 0.0);
    break;
  case LayerKind::Gelu:
    for (int64_t h = 0; h < outCh; ++h)
      out[h] = gelu(in[h]);
    break;
  case LayerKind::GLU:
    for (int64_t h = 0; h < outCh; ++h)
      out[h] = in[h] * sigmoid(in[h + outCh]);
    break;
  case LayerKind::Add:
    for (int64_t h = 0; h < outCh; ++h)
      out[h] = in[h] + rhs[h];
    break;
  case LayerKind::Neuron:
    stepNeuronLayer(layer.neuronView(), s.neuron.data(), in, s.y.data(),
                    s.neuronIn.data(), out);
    if (!layer.recurrent.empty())
      std::copy(out, out + outCh, s.y.begin());
    break;
  case LayerKind::Readout:
    if (layer.readout == ReadoutMode::Last) {
      std::copy(in, in + outCh, out);
    } else {
      for (int64_t h = 0; h < outCh; ++h) {
        s.sum[h] += in[h];
        out[h] = s.sum[h] / static_cast<double>(k + 1);
      }
    }
    break;
  }
}
} // namespace

struct ssm::rt::ReferenceStream::State {
  const Model &model;
  size_t outputIndex;
  int64_t position = 0;
  std::vector<LayerState> layers;
  /// Each layer's outputs over one chunk, [T, outChannels], grown to the
  /// largest chunk fed (one token when streaming).
  std::vector<std::vector<double>> values;
  std::vector<double> column, sums;

  State(const Model &model, size_t outputIndex)
      : model(model), outputIndex(outputIndex), layers(model.layers.size()),
        values(model.layers.size()) {
    model.layers.at(model.outputs.at(outputIndex)); // checked once, here
    reset();
  }

  void reset() {
    position = 0;
    for (size_t i = 0; i < model.layers.size(); ++i) {
      const Layer &layer = model.layers[i];
      LayerState &s = layers[i];
      if (layer.kind == LayerKind::S4D)
        s.x.assign(layer.outChannels * layer.modes, 0.0);
      if (layer.kind == LayerKind::EGRU) {
        s.c.assign(layer.outChannels, 0.0);
        s.y.assign(layer.outChannels, 0.0);
        s.gates.assign(3 * layer.outChannels, 0.0);
        s.recurrentGates.assign(3 * layer.outChannels, 0.0);
      }
      if (layer.kind == LayerKind::Readout)
        s.sum.assign(layer.outChannels, 0.0);
      if (layer.kind == LayerKind::Neuron) {
        s.neuron.assign(layer.neuron->stateSize * layer.outChannels, 0.0);
        if (!layer.recurrent.empty()) {
          s.y.assign(layer.outChannels, 0.0);
          s.neuronIn.assign(layer.outChannels, 0.0);
        }
      }
    }
  }

  /// Tokens [position, position + T), T <= kChunk, layer by layer.
  void runChunk(const double *input, int64_t T, const LayerObserver &observer,
                const StateObserver &stateObserver) {
    const int64_t inChannels = model.inputChannels();
    const int64_t k0 = position;
    if (static_cast<int64_t>(column.size()) < T) {
      column.resize(T);
      sums.resize(T);
      for (size_t i = 0; i < model.layers.size(); ++i)
        values[i].resize(T * model.layers[i].outChannels);
    }
    for (size_t i = 0; i < model.layers.size(); ++i) {
      const Layer &layer = model.layers[i];
      const int64_t inCh = layer.inChannels, outCh = layer.outChannels;
      LayerState &s = layers[i];
      const double *inChunk =
          layer.inputs.empty() ? nullptr : values[layer.inputs[0]].data();
      if (layer.kind == LayerKind::S4D) {
        // x = A_bar x + B_bar u; y = 2 Re(C x) + D u, mode by mode over
        // the chunk, on the real and imaginary parts: std::complex's
        // operator* calls __muldc3 (C99 Annex G's NaN recovery), which
        // neither inlines nor vectorizes, and for finite values computes
        // these same products. y sums the modes in order for every token.
        const int64_t modes = layer.modes;
        const double *a = reinterpret_cast<const double *>(layer.s4d.aBar.data());
        const double *b = reinterpret_cast<const double *>(layer.s4d.bBar.data());
        const double *c = reinterpret_cast<const double *>(layer.c.data());
        double *x = reinterpret_cast<double *>(s.x.data());
        double *out = values[i].data();
        double largest = 0;
        for (int64_t h = 0; h < outCh; ++h) {
          for (int64_t t = 0; t < T; ++t)
            column[t] = inChunk[t * inCh + h];
          std::fill(sums.begin(), sums.begin() + T, 0.0);
          // kChains modes at a time, the rest one by one (scanModes).
          const int64_t end = 2 * (h + 1) * modes;
          int64_t m = 2 * h * modes;
          for (; m + 2 * kChains <= end; m += 2 * kChains)
            scanModes<kChains>(a, b, c, x, m, column.data(), sums.data(), T,
                               largest);
          for (; m < end; m += 2)
            scanModes<1>(a, b, c, x, m, column.data(), sums.data(), T,
                         largest);
          for (int64_t t = 0; t < T; ++t)
            out[t * outCh + h] = 2.0 * sums[t] + layer.d[h] * column[t];
        }
        if (stateObserver)
          stateObserver(i, largest);
      } else {
        for (int64_t t = 0; t < T; ++t) {
          double *out = values[i].data() + t * outCh;
          const double *in = inChunk ? inChunk + t * inCh : nullptr;
          stepLayer(layer, s, k0 + t, input + t * inChannels, in,
                    layer.inputs.size() > 1
                        ? values[layer.inputs[1]].data() + t * outCh
                        : nullptr,
                    out);
          if (layer.kind == LayerKind::Neuron && stateObserver) {
            double largest = 0;
            for (double v : s.neuron)
              largest = std::max(largest, std::abs(v));
            stateObserver(i, largest);
          }
        }
      }
      if (observer)
        for (int64_t t = 0; t < T; ++t)
          observer(i, values[i].data() + t * outCh, outCh);
    }
    position += T;
  }
};

ssm::rt::ReferenceStream::ReferenceStream(const Model &model,
                                          size_t outputIndex)
    : state(std::make_unique<State>(model, outputIndex)) {}
ssm::rt::ReferenceStream::~ReferenceStream() = default;
ssm::rt::ReferenceStream::ReferenceStream(ReferenceStream &&) noexcept =
    default;
ssm::rt::ReferenceStream &
ssm::rt::ReferenceStream::operator=(ReferenceStream &&) noexcept = default;

void ssm::rt::ReferenceStream::reset() { state->reset(); }
int64_t ssm::rt::ReferenceStream::position() const { return state->position; }

std::vector<double>
ssm::rt::ReferenceStream::feed(const double *input, int64_t tokens,
                               const LayerObserver &observer,
                               const StateObserver &stateObserver) {
  // Layer by layer over chunks of tokens: every value is computed by the
  // same operations in the same order as token by token (each layer reads
  // only earlier layers, at the same or earlier tokens), but an S4D layer's
  // parameters and states are read once per chunk instead of once per
  // token (they are megabytes for a large model: the token-by-token order
  // is bound by memory bandwidth).
  const Model &model = state->model;
  const int64_t inChannels = model.inputChannels();
  const int64_t outChannels =
      model.layers[model.outputs[state->outputIndex]].outChannels;
  const std::vector<double> &y = state->values[model.outputs[state->outputIndex]];
  std::vector<double> result;
  result.reserve(static_cast<size_t>(tokens * outChannels));
  for (int64_t done = 0; done < tokens; done += kChunk) {
    const int64_t T = std::min(kChunk, tokens - done);
    state->runChunk(input + done * inChannels, T, observer, stateObserver);
    result.insert(result.end(), y.begin(), y.begin() + T * outChannels);
  }
  return result;
}

std::vector<double> ssm::rt::runReference(const Model &model,
                                          const std::vector<double> &input,
                                          size_t outputIndex,
                                          const LayerObserver &observer,
                                          const StateObserver &stateObserver) {
  const int64_t inChannels = model.inputChannels();
  if (inChannels == 0 || input.size() % inChannels != 0)
    throw std::invalid_argument(
        "reference: input has " + std::to_string(input.size()) +
        " values, not a multiple of the model's " +
        std::to_string(inChannels) + " input channels");
  ReferenceStream stream(model, outputIndex);
  return stream.feed(input.data(),
                     static_cast<int64_t>(input.size()) / inChannels, observer,
                     stateObserver);
}

ReferenceRanges
ssm::rt::measureReference(const Model &model,
                          const std::vector<const float *> &samples,
                          int64_t length, size_t stateSamples,
                          const SqnrRequest *sqnr, int threads) {
  const size_t layers = model.layers.size();
  const int64_t span = length * model.inputChannels();
  const size_t sqnrSamples = sqnr ? sqnr->samples : 0;
  const size_t count =
      std::min(samples.size(), std::max(stateSamples, sqnrSamples));
  ReferenceRanges result;
  result.stateMaxAbs.assign(layers, 0.0);
  std::vector<std::vector<double>> signal(count), noise(count);
#pragma omp parallel num_threads(threads)
  {
    std::vector<double> local(layers, 0.0);
#pragma omp for schedule(dynamic)
    for (size_t s = 0; s < count; ++s) {
      std::vector<double> input(samples[s], samples[s] + span);
      LayerObserver outputs;
      if (s < sqnrSamples) {
        signal[s].assign(layers, 0.0);
        noise[s].assign(layers, 0.0);
        outputs = [&](size_t layer, const double *values, size_t n) {
          const fixed::Format format{sqnr->bits, sqnr->fracs[layer]};
          for (size_t j = 0; j < n; ++j) {
            const double v = values[j];
            const double q =
                fixed::dequantize(fixed::quantize(v, format), format);
            signal[s][layer] += v * v;
            noise[s][layer] += (v - q) * (v - q);
          }
        };
      }
      StateObserver states;
      if (s < stateSamples)
        states = [&](size_t layer, double largest) {
          local[layer] = std::max(local[layer], largest);
        };
      runReference(model, input, 0, outputs, states);
    }
    // Maxima do not depend on the order of the merge.
#pragma omp critical
    for (size_t l = 0; l < layers; ++l)
      result.stateMaxAbs[l] = std::max(result.stateMaxAbs[l], local[l]);
  }
  if (!sqnr)
    return result;
  // Summed in sample order, so the result does not depend on threads.
  const size_t summed = std::min(count, sqnrSamples);
  result.sqnrDb.resize(layers);
  for (size_t l = 0; l < layers; ++l) {
    double sig = 0, err = 0;
    for (size_t s = 0; s < summed; ++s) {
      sig += signal[s][l];
      err += noise[s][l];
    }
    result.sqnrDb[l] = err == 0 ? std::numeric_limits<double>::infinity()
                                : 10.0 * std::log10(sig / err);
  }
  return result;
}
