//===- RandomModel.h - random models for runtime tests ----------*- C++ -*-===//
//
// Builds runtime models in the shape of the sMNIST S4D (encoder, blocks of
// [S4D, ReLU, dense mixing, residual], mean readout, decoder) with random
// parameters drawn like the frontend's initialization, without MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_TEST_UNIT_RUNTIME_RANDOMMODEL_H
#define SSM_TEST_UNIT_RUNTIME_RANDOMMODEL_H

#include "ssm/Runtime/Model.h"
#include "ssm/Runtime/Reference.h"

#include <cmath>
#include <random>

namespace ssm::rt::testing {

struct RandomModelSpec {
  int64_t inputs = 1, channels = 64, stateSize = 64, blocks = 4, classes = 10;
  Discretization rule = Discretization::ZOH;
  ReadoutMode readout = ReadoutMode::Mean;
  uint64_t seed = 0;
};

inline Model makeRandomModel(const RandomModelSpec &spec) {
  std::mt19937_64 rng(spec.seed);
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  std::normal_distribution<double> normal(0.0, 1.0);
  Model model;
  model.name = "random";
  auto add = [&](Layer layer) {
    model.layers.push_back(std::move(layer));
    return static_cast<int>(model.layers.size() - 1);
  };
  auto dense = [&](int from, int64_t in, int64_t out, std::string name) {
    Layer l;
    l.kind = LayerKind::Dense;
    l.name = std::move(name);
    l.inputs = {from};
    l.inChannels = in;
    l.outChannels = out;
    const double bound = 1.0 / std::sqrt(static_cast<double>(in));
    for (int64_t i = 0; i < in * out; ++i)
      l.weight.push_back(bound * unit(rng));
    for (int64_t i = 0; i < out; ++i)
      l.bias.push_back(bound * unit(rng));
    return add(std::move(l));
  };
  auto simple = [&](LayerKind kind, std::vector<int> inputs, int64_t ch) {
    Layer l;
    l.kind = kind;
    l.inputs = std::move(inputs);
    l.inChannels = l.outChannels = ch;
    return add(std::move(l));
  };

  Layer input;
  input.kind = LayerKind::Input;
  input.outChannels = spec.inputs;
  model.inputs = {add(input)};
  const int64_t H = spec.channels, modes = spec.stateSize / 2;
  int x = dense(0, spec.inputs, H, "encoder");
  for (int64_t b = 0; b < spec.blocks; ++b) {
    S4DContinuous p;
    p.channels = H;
    p.modes = modes;
    std::uniform_real_distribution<double> logDt(std::log(1e-3), std::log(1e-1));
    for (int64_t h = 0; h < H; ++h) {
      p.logDt.push_back(logDt(rng));
      for (int64_t n = 0; n < modes; ++n) {
        p.logAReal.push_back(std::log(0.5));
        p.aImag.push_back(M_PI * n);
        p.b.emplace_back(1.0, 0.0);
      }
    }
    Layer s;
    s.kind = LayerKind::S4D;
    s.name = "block." + std::to_string(b) + ".ssm";
    s.inputs = {x};
    s.inChannels = s.outChannels = H;
    s.modes = modes;
    s.s4d = discretize(p, spec.rule);
    for (int64_t i = 0; i < H * modes; ++i)
      s.c.emplace_back(normal(rng) * std::sqrt(0.5), normal(rng) * std::sqrt(0.5));
    for (int64_t h = 0; h < H; ++h)
      s.d.push_back(normal(rng));
    int ssm = add(std::move(s));
    int act = simple(LayerKind::Relu, {ssm}, H);
    int mix = dense(act, H, H, "block." + std::to_string(b) + ".mix");
    x = simple(LayerKind::Add, {mix, x}, H);
  }
  int pool = simple(LayerKind::Readout, {x}, H);
  model.layers[pool].readout = spec.readout;
  model.outputs = {dense(pool, H, spec.classes, "decoder")};
  return model;
}

/// Uniform [0, 1) inputs, like normalized pixels: [batch, length, channels].
inline Batch makeRandomBatch(int64_t batch, int64_t length, int64_t channels,
                             uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> dist(0.0f, 1.0f);
  Batch b;
  b.batch = batch;
  b.length = length;
  b.channels = channels;
  b.data.resize(batch * length * channels);
  for (float &v : b.data)
    v = dist(rng);
  return b;
}

/// max |y - y_ref| / max |y_ref| over every sample and token, where y_ref is
/// the float64 reference interpreter's output for `input`.
inline double relativeErrorToReference(const Model &model, const Batch &input,
                                       const Batch &output) {
  double maxRef = 0, maxDiff = 0;
  const int64_t O = model.outputChannels();
  for (int64_t b = 0; b < input.batch; ++b) {
    const size_t span = input.length * input.channels;
    std::vector<double> seq(input.data.begin() + b * span,
                            input.data.begin() + (b + 1) * span);
    std::vector<double> ref = runReference(model, seq);
    for (int64_t i = 0; i < input.length * O; ++i) {
      maxRef = std::max(maxRef, std::abs(ref[i]));
      maxDiff = std::max(
          maxDiff, std::abs(ref[i] - output.data[b * input.length * O + i]));
    }
  }
  return maxDiff / maxRef;
}

} // namespace ssm::rt::testing

#endif // SSM_TEST_UNIT_RUNTIME_RANDOMMODEL_H
