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

template <bool Relu> class SigmaDeltaFloat final : public FloatKernel {
public:
  explicit SigmaDeltaFloat(const NeuronGroup &g) : size(g.size) {}
  void step(const double *current, int64_t, int64_t, double *out) override {
    for (int64_t i = 0; i < size; ++i)
      out[i] = Relu ? std::max(current[i], 0.0) : current[i];
  }

private:
  int64_t size;
};

template <bool Relu> NeuronModelInfo describe(const char *name) {
  NeuronModelInfo m;
  m.name = name;
  m.makeKernel = makeKernel<SigmaDeltaKernel<Relu>>;
  m.makeFloat = makeFloat<SigmaDeltaFloat<Relu>>;
  return m;
}
} // namespace

namespace ssm::rt::neuro::models {
extern const NeuronModelInfo kSigmaDelta = describe<false>("sigma_delta");
extern const NeuronModelInfo kSigmaDeltaRelu =
    describe<true>("sigma_delta_relu");
} // namespace ssm::rt::neuro::models
