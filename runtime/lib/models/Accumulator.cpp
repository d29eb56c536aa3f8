//===- Accumulator.cpp - the readout accumulator --------------------------===//
//
// Sums its input over the sequence in a double-width register and, after
// the last token, sends the mean (mean readout); with the option `last` it
// keeps the last token's input instead (last-token readout).
//
//===----------------------------------------------------------------------===//

#include "../NeuronKernel.h"

using namespace ssm::rt::neuro;
namespace fixed = ssm::rt::fixed;

namespace {
class AccumulatorKernel final : public GroupKernel {
public:
  explicit AccumulatorKernel(const NeuronGroup &g)
      : size(g.size), last(g.hasFlag("last")) {
    reset();
  }
  void reset() override { total.assign(size, 0); }
  Update step(const StepContext &ctx) override {
    const Widths w = ctx.widths;
    const bool sends =
        ctx.sequenceLength >= 0 && ctx.token == ctx.sequenceLength - 1;
    Update u;
    for (int64_t i = 0; i < size; ++i) {
      const int64_t c =
          clampCounted(ctx.in.current(i), w.stateLo, w.stateHi, u.overflows);
      u.active += c != 0;
      bool over = false;
      total[i] =
          last ? c : fixed::saturate(total[i] + c, 2 * ctx.stateBits, &over);
      u.overflows += over;
      if (sends) {
        const int64_t v = clampCounted(
            last ? total[i] : fixed::divRound(total[i], ctx.sequenceLength),
            w.payLo, w.payHi, u.overflows);
        ctx.delta[i] = ctx.send(v, ctx.last[i], u.sent, u.overflows);
      }
    }
    return u;
  }

private:
  int64_t size;
  bool last;
  std::vector<int64_t> total;
};

/// Silent until the last token, then the mean (or the last input).
template <typename Real>
class AccumulatorFloat final : public BasicFloatKernel<Real> {
public:
  explicit AccumulatorFloat(const NeuronGroup &g)
      : last(g.hasFlag("last")), sum(g.size, 0) {}
  Update step(const Real *current, int64_t token, int64_t length,
              Real *out) override {
    Update u;
    for (size_t i = 0; i < sum.size(); ++i) {
      u.active += current[i] != 0;
      sum[i] = last ? current[i] : sum[i] + current[i];
      out[i] = token + 1 < length ? Real(0)
               : last             ? sum[i]
                                  : sum[i] / static_cast<Real>(length);
    }
    return u;
  }

private:
  bool last;
  std::vector<Real> sum;
};
} // namespace

namespace ssm::rt::neuro::models {
extern const NeuronModelInfo kAccumulator = [] {
  NeuronModelInfo m;
  m.name = "accumulator";
  m.flags = {"last"};
  m.makeKernel = makeKernel<AccumulatorKernel>;
  setFloatKernels<AccumulatorFloat>(m);
  return m;
}();
} // namespace ssm::rt::neuro::models
