//===- Reference.cpp - the float64 recurrent oracle -----------------------===//
//
// One token at a time, every layer in topological order, from the
// recurrences documented on the ssm ops (see Reference.h).
//
//===----------------------------------------------------------------------===//

#include "ssm/Runtime/Reference.h"
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
/// Per-layer recurrent state of one sequence.
struct LayerState {
  std::vector<std::complex<double>> x; // S4D modes [H, N/2]
  std::vector<double> c, y;            // EGRU internal state and last output
  std::vector<double> e;               // EGRU last events (0/1)
  std::vector<double> sum;             // readout running sum
  std::vector<double> neuron;          // neuron layer [stateSize, H]
};
} // namespace

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
  const int64_t length = static_cast<int64_t>(input.size()) / inChannels;
  const Layer &outLayer = model.layers.at(model.outputs.at(outputIndex));
  std::vector<double> result;
  result.reserve(static_cast<size_t>(length * outLayer.outChannels));

  std::vector<LayerState> states(model.layers.size());
  std::vector<std::vector<double>> values(model.layers.size());
  for (size_t i = 0; i < model.layers.size(); ++i) {
    const Layer &layer = model.layers[i];
    values[i].assign(layer.outChannels, 0.0);
    LayerState &s = states[i];
    if (layer.kind == LayerKind::S4D)
      s.x.assign(layer.outChannels * layer.modes, 0.0);
    if (layer.kind == LayerKind::EGRU) {
      s.c.assign(layer.outChannels, 0.0);
      s.y.assign(layer.outChannels, 0.0);
      s.e.assign(layer.outChannels, 0.0);
    }
    if (layer.kind == LayerKind::Readout)
      s.sum.assign(layer.outChannels, 0.0);
    if (layer.kind == LayerKind::Neuron)
      s.neuron.assign(layer.neuron->stateSize * layer.outChannels, 0.0);
  }

  for (int64_t k = 0; k < length; ++k) {
    for (size_t i = 0; i < model.layers.size(); ++i) {
      const Layer &layer = model.layers[i];
      std::vector<double> &out = values[i];
      const std::vector<double> *in =
          layer.inputs.empty() ? nullptr : &values[layer.inputs[0]];
      const int64_t inCh = layer.inChannels, outCh = layer.outChannels;
      LayerState &s = states[i];
      switch (layer.kind) {
      case LayerKind::Input:
        for (int64_t h = 0; h < outCh; ++h)
          out[h] = input[k * inChannels + h];
        break;
      case LayerKind::Dense:
        for (int64_t o = 0; o < outCh; ++o) {
          double acc = layer.bias[o];
          for (int64_t j = 0; j < inCh; ++j)
            acc += layer.weight[o * inCh + j] * (*in)[j];
          out[o] = acc;
        }
        break;
      case LayerKind::S4D:
        for (int64_t h = 0; h < outCh; ++h) {
          const double u = (*in)[h];
          double y = 0;
          for (int64_t n = 0; n < layer.modes; ++n) {
            const size_t m = static_cast<size_t>(h * layer.modes + n);
            s.x[m] = layer.s4d.aBar[m] * s.x[m] + layer.s4d.bBar[m] * u;
            y += (layer.c[m] * s.x[m]).real();
          }
          out[h] = 2.0 * y + layer.d[h] * u;
        }
        if (stateObserver)
          stateObserver(i, reinterpret_cast<const double *>(s.x.data()),
                        2 * s.x.size());
        break;
      case LayerKind::EGRU: {
        // Subramoney et al. 2023, Sec. 3.1; gates stacked [u; r; z].
        const int64_t H = outCh;
        for (int64_t h = 0; h < H; ++h) {
          auto gate = [&](int64_t g) {
            const int64_t row = g * H + h;
            double acc = layer.bias.empty() ? 0.0 : layer.bias[row];
            for (int64_t j = 0; j < inCh; ++j)
              acc += layer.weight[row * inCh + j] * (*in)[j];
            return std::make_pair(acc, row);
          };
          auto [uIn, uRow] = gate(0);
          auto [rIn, rRow] = gate(1);
          auto [zIn, zRow] = gate(2);
          double uRec = 0, rRec = 0;
          for (int64_t j = 0; j < H; ++j) {
            uRec += layer.recurrent[uRow * H + j] * s.y[j];
            rRec += layer.recurrent[rRow * H + j] * s.y[j];
          }
          const double update = sigmoid(uIn + uRec);
          const double reset = sigmoid(rIn + rRec);
          double zRec = 0;
          for (int64_t j = 0; j < H; ++j)
            zRec += layer.recurrent[zRow * H + j] * reset * s.y[j];
          const double candidate = std::tanh(zIn + zRec);
          // The new c uses the previous step's event for its reset term.
          out[h] = update * candidate + (1.0 - update) * s.c[h] -
                   layer.theta[h] * s.e[h];
        }
        for (int64_t h = 0; h < H; ++h) {
          s.c[h] = out[h];
          s.e[h] = s.c[h] > layer.theta[h] ? 1.0 : 0.0;
          out[h] = s.c[h] * s.e[h];
        }
        s.y = out;
        break;
      }
      case LayerKind::Relu:
        for (int64_t h = 0; h < outCh; ++h)
          out[h] = std::max((*in)[h], 0.0);
        break;
      case LayerKind::Gelu:
        for (int64_t h = 0; h < outCh; ++h)
          out[h] = gelu((*in)[h]);
        break;
      case LayerKind::GLU:
        for (int64_t h = 0; h < outCh; ++h)
          out[h] = (*in)[h] * sigmoid((*in)[h + outCh]);
        break;
      case LayerKind::Add: {
        const std::vector<double> &rhs = values[layer.inputs[1]];
        for (int64_t h = 0; h < outCh; ++h)
          out[h] = (*in)[h] + rhs[h];
        break;
      }
      case LayerKind::Neuron:
        layer.neuron->step(layer.neuronView(), s.neuron.data(), in->data(),
                           out.data());
        if (stateObserver)
          stateObserver(i, s.neuron.data(), s.neuron.size());
        break;
      case LayerKind::Readout:
        if (layer.readout == ReadoutMode::Last) {
          out = *in;
        } else {
          for (int64_t h = 0; h < outCh; ++h) {
            s.sum[h] += (*in)[h];
            out[h] = s.sum[h] / static_cast<double>(k + 1);
          }
        }
        break;
      }
      if (observer)
        observer(i, out);
    }
    const std::vector<double> &y = values[model.outputs.at(outputIndex)];
    result.insert(result.end(), y.begin(), y.end());
  }
  return result;
}

std::vector<double>
ssm::rt::calibrateStates(const Model &model,
                         const std::vector<const float *> &samples,
                         int64_t length, int threads) {
  const size_t layers = model.layers.size();
  const int64_t span = length * model.inputChannels();
  std::vector<double> result(layers, 0.0);
#pragma omp parallel num_threads(threads)
  {
    std::vector<double> local(layers, 0.0);
#pragma omp for schedule(dynamic)
    for (size_t s = 0; s < samples.size(); ++s) {
      std::vector<double> input(samples[s], samples[s] + span);
      runReference(
          model, input, 0, nullptr,
          [&](size_t layer, const double *v, size_t count) {
            double m = local[layer];
            for (size_t i = 0; i < count; ++i)
              m = std::max(m, std::abs(v[i]));
            local[layer] = m;
          });
    }
    // Maxima do not depend on the order of the merge.
#pragma omp critical
    for (size_t l = 0; l < layers; ++l)
      result[l] = std::max(result[l], local[l]);
  }
  return result;
}

std::vector<double> ssm::rt::activationSqnr(
    const Model &model, const std::vector<const float *> &samples,
    int64_t length, const std::vector<int> &fracs, unsigned bits,
    int threads) {
  const size_t layers = model.layers.size();
  const int64_t span = length * model.inputChannels();
  std::vector<std::vector<double>> signal(samples.size()),
      noise(samples.size());
#pragma omp parallel for num_threads(threads) schedule(dynamic)
  for (size_t s = 0; s < samples.size(); ++s) {
    signal[s].assign(layers, 0.0);
    noise[s].assign(layers, 0.0);
    std::vector<double> input(samples[s], samples[s] + span);
    runReference(model, input, 0,
                 [&](size_t layer, const std::vector<double> &values) {
                   const fixed::Format format{bits, fracs[layer]};
                   for (double v : values) {
                     const double q =
                         fixed::dequantize(fixed::quantize(v, format), format);
                     signal[s][layer] += v * v;
                     noise[s][layer] += (v - q) * (v - q);
                   }
                 });
  }
  // Summed in sample order, so the result does not depend on threads.
  std::vector<double> sqnr(layers);
  for (size_t l = 0; l < layers; ++l) {
    double sig = 0, err = 0;
    for (size_t s = 0; s < samples.size(); ++s) {
      sig += signal[s][l];
      err += noise[s][l];
    }
    sqnr[l] = err == 0 ? std::numeric_limits<double>::infinity()
                       : 10.0 * std::log10(sig / err);
  }
  return sqnr;
}
