//===- SigmaDelta.cpp - sigma-delta and sigma-delta ReLU neurons ----------===//
//
// Loihi 2's graded sigma-delta neurons (docs/event-runtime.md): the value
// is the input current plus bias (`sigma_delta`) or its rectification
// (`sigma_delta_relu`), sent on change. A neuron is active when its current
// changed.
//
//===----------------------------------------------------------------------===//

#include "../NeuronKernel.h"

using namespace ssm::rt::neuro;
using ssm::rt::fixed::shiftRound;

namespace {
template <bool Relu> class SigmaDeltaKernel final : public GroupKernel {
public:
  explicit SigmaDeltaKernel(const NeuronGroup &g) : size(g.size) { reset(); }
  void reset() override { prevCurrent.assign(size, 0); }
  Update step(const StepContext &ctx) override {
    const int64_t *__restrict sigma = ctx.in.sigma;
    const int64_t *__restrict bias = ctx.in.bias;
    int32_t *__restrict prev = prevCurrent.data();
    int32_t *__restrict last = ctx.last;
    int32_t *__restrict delta = ctx.delta;
    const Widths w = ctx.widths;
    const SigmaDelta send = ctx.send;
    const int shift = ctx.in.shift;
    const int64_t floor = Relu ? 0 : w.payLo;
    Update u;
    for (int64_t i = 0; i < size; ++i) {
      const int64_t c = clampCounted(shiftRound(sigma[i], shift) + bias[i],
                                     w.stateLo, w.stateHi, u.overflows);
      u.active += c != prev[i];
      prev[i] = static_cast<int32_t>(c);
      const int64_t v = clampCounted(c, w.payLo, w.payHi, u.overflows);
      delta[i] = send(std::max(v, floor), last[i], u.sent, u.overflows);
    }
    return u;
  }

private:
  int64_t size;
  std::vector<int32_t> prevCurrent; // to count active neurons
};

/// relu(input) or the input; active where the input changed (as the
/// integer kernel counts).
template <typename Real, bool Relu>
class SigmaDeltaFloat final : public BasicFloatKernel<Real> {
public:
  explicit SigmaDeltaFloat(const NeuronGroup &g) : size(g.size), prev(size) {}
  Update step(const Real *current, int64_t, int64_t, Real *out) override {
    Update u;
    for (int64_t i = 0; i < size; ++i) {
      u.active += current[i] != prev[i];
      prev[i] = current[i];
      out[i] = Relu ? std::max(current[i], Real(0)) : current[i];
    }
    return u;
  }

private:
  int64_t size;
  std::vector<Real> prev;
};
template <bool Relu> struct SigmaDeltaFloats {
  template <typename Real> using Kernel = SigmaDeltaFloat<Real, Relu>;
};

template <bool Relu> NeuronModelInfo describe(const char *name) {
  NeuronModelInfo m;
  m.name = name;
  m.makeKernel = makeKernel<SigmaDeltaKernel<Relu>>;
  setFloatKernels<SigmaDeltaFloats<Relu>::template Kernel>(m);
  return m;
}
} // namespace

namespace ssm::rt::neuro::models {
extern const NeuronModelInfo kSigmaDelta = describe<false>("sigma_delta");
extern const NeuronModelInfo kSigmaDeltaRelu =
    describe<true>("sigma_delta_relu");
} // namespace ssm::rt::neuro::models
