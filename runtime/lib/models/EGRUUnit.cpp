//===- EGRUUnit.cpp - the EGRU cell ---------------------------------------===//
//
// The event-based GRU cell of Subramoney et al. 2023 (Sec. 3.1) in EvNN's
// formulation (ssm/Runtime/EGRU.h), as the reference interpreter computes
// it: its current has 4 x size entries, stacked [update, reset, candidate
// from the input, candidate from the recurrence] so the reset gate can
// scale the recurrent part alone (with its bias b'_z, which the lowering
// puts on that entry); c = u c' + (1 - u) z; o = [c > theta]; sends y = o c;
// keeps c - o theta. The gate nonlinearities read the dequantized current
// (the chip's lookup tables); c is rounded back to the value format.
// Parameter `theta` (value format) is the event threshold.
//
//===----------------------------------------------------------------------===//

#include "../NeuronKernel.h"
#include "ssm/Runtime/EGRU.h"

#include <fmt/format.h>

using namespace ssm::rt;
using namespace ssm::rt::neuro;

namespace {
class EGRUKernel final : public GroupKernel {
public:
  explicit EGRUKernel(const NeuronGroup &g)
      : n(g.size), theta(g.params[0]), lsb(std::ldexp(1.0, -g.frac)),
        gates(4 * g.size) {
    reset();
  }
  void reset() override { c.assign(n, 0); }
  Update step(const StepContext &ctx) override {
    const Widths w = ctx.widths;
    Update u;
    for (int64_t i = 0; i < 4 * n; ++i)
      gates[i] =
          clampCounted(ctx.in.current(i), w.stateLo, w.stateHi, u.overflows);
    for (int64_t i = 0; i < n; ++i) {
      const double update = 1.0 / (1.0 + std::exp(-gates[i] * lsb));
      const double reset = 1.0 / (1.0 + std::exp(-gates[n + i] * lsb));
      const double z =
          std::tanh((gates[2 * n + i] + reset * gates[3 * n + i]) * lsb);
      const double next = egru::state(update, z, c[i] * lsb);
      const int64_t state = clampCounted(
          static_cast<int64_t>(std::llround(next / lsb)), w.stateLo, w.stateHi,
          u.overflows);
      const int64_t th = theta[i], event = egru::event(state, th);
      const int64_t y =
          event ? clampCounted(state, w.payLo, w.payHi, u.overflows) : 0;
      c[i] = egru::reset(state, th, event);
      u.events += event;
      ctx.delta[i] = ctx.send(y, ctx.last[i], u.sent, u.overflows);
    }
    u.active = n; // every cell evaluates its gates each step
    return u;
  }

private:
  int64_t n;
  const std::vector<int32_t> &theta;
  double lsb;
  std::vector<int64_t> gates, c; // c after its reset
};

template <typename Real> class EGRUFloat final : public BasicFloatKernel<Real> {
public:
  explicit EGRUFloat(const NeuronGroup &g) : n(g.size), c(n, 0) {
    for (int32_t q : g.params[0])
      theta.push_back(real<Real>(q, g.frac));
  }
  Update step(const Real *current, int64_t, int64_t, Real *out) override {
    const Real one = 1;
    Update u;
    for (int64_t i = 0; i < n; ++i) {
      const Real update = one / (one + std::exp(-current[i]));
      const Real reset = one / (one + std::exp(-current[n + i]));
      const Real z = std::tanh(current[2 * n + i] + reset * current[3 * n + i]);
      const Real state = egru::state(update, z, c[i]);
      const Real o = egru::event(state, theta[i]);
      out[i] = o * state;
      c[i] = egru::reset(state, theta[i], o);
      u.events += o != 0;
    }
    u.active = n; // every cell evaluates its gates each step
    return u;
  }

private:
  int64_t n;
  std::vector<Real> theta, c; // c after its reset
};
} // namespace

namespace ssm::rt::neuro::models {
extern const NeuronModelInfo kEGRUUnit = [] {
  NeuronModelInfo m;
  m.name = "egru_unit";
  m.currentPerNeuron = 4;
  m.params = {"theta"};
  m.makeKernel = makeKernel<EGRUKernel>;
  setFloatKernels<EGRUFloat>(m);
  return m;
}();
} // namespace ssm::rt::neuro::models
