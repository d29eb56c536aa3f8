//===- LIF.cpp - the current-based leaky integrate-and-fire neuron --------===//
//
// Loihi's native neuron (Davies et al. 2018, "Loihi: a neuromorphic
// manycore processor with on-chip learning", IEEE Micro 38(1), Sec.
// "Neuron model"; Lava's `LIF` process), with current and voltage decay,
// a threshold, reset to zero and no refractory period. For channel h and
// token t, with input x (the synaptic current of this step):
//
//   i_t = (1 - delta_I) i_{t-1} + x_t            current
//   v_t = (1 - delta_V) v_{t-1} + i_t            voltage
//   s_t = [v_t > theta]                           spike
//   y_t = s_t (binary) or s_t v_t (graded)        output
//   v_t <- 0 where s_t                            reset
//
// One file holds the neuron layer (`lif(...)` in the DSL, `ssm.neuron
// "lif"`: the float recurrence every target shares) and the event
// runtime's `lif` neuron model it lowers to. On the chip the decays are
// 12-bit (delta * 4096, as Loihi's du and dv) and each decayed register is
// rounded back to the value format:
//
//   u' = round(u (4096 - du) / 2^12) + x,  v' = round(v (4096 - dv) / 2^12) +
//   u'
//
// with u, v, x and vth in the group's value format, saturated to the state
// width. A neuron sends a spike (payload 1.0, or v when graded) in the
// steps it fires and nothing otherwise; the tables it feeds see only that
// step's spikes (Encoding::Spikes).
//
//===----------------------------------------------------------------------===//

#include "../NeuronKernel.h"
#include "ssm/Runtime/NeuronLayer.h"
#include "ssm/Runtime/Quantize.h"

#include <fmt/format.h>

using namespace ssm::rt;
using namespace ssm::rt::neuro;

namespace {
/// One token of the float recurrence (the equations above); returns y.
/// `keepI` = 1 - delta_I, `keepV` = 1 - delta_V.
template <typename Real>
inline Real lifStep(Real &i, Real &v, Real x, Real keepI, Real keepV,
                    Real theta, bool graded) {
  i = keepI * i + x;
  v = keepV * v + i;
  const bool spike = v > theta;
  const Real y = spike ? (graded ? v : Real(1)) : Real(0);
  if (spike)
    v = 0;
  return y;
}

//===----------------------------------------------------------------------===//
// The neuron layer (float)
//===----------------------------------------------------------------------===//

enum LayerParam { CurrentDecay, VoltageDecay, Threshold };

void layerStep(const NeuronLayerView &layer, double *state, const double *in,
               double *out) {
  const int64_t H = layer.channels;
  double *i = state, *v = state + H;
  const bool graded = layer.flag(0);
  for (int64_t h = 0; h < H; ++h)
    out[h] = lifStep(i[h], v[h], in[h], 1.0 - layer.param(CurrentDecay, h),
                     1.0 - layer.param(VoltageDecay, h),
                     layer.param(Threshold, h), graded);
}

LoweredNeuronParams lower(const NeuronLayerView &layer, int frac,
                          unsigned stateBits) {
  LoweredNeuronParams p;
  p.params.resize(3);
  std::vector<double> theta(layer.channels);
  for (int64_t h = 0; h < layer.channels; ++h) {
    p.params[0].push_back(decay::quantize(layer.param(CurrentDecay, h)));
    p.params[1].push_back(decay::quantize(layer.param(VoltageDecay, h)));
    theta[h] = layer.param(Threshold, h);
  }
  p.params[2] = quant::quantizeValues(theta, frac, stateBits);
  if (layer.flag(0))
    p.flags.push_back("graded");
  return p;
}

//===----------------------------------------------------------------------===//
// The neuron model (integer and float evaluation)
//===----------------------------------------------------------------------===//

enum ModelParam { Du, Dv, Vth };

class LIFKernel final : public GroupKernel {
public:
  explicit LIFKernel(const NeuronGroup &g)
      : n(g.size), du(g.params[Du]), dv(g.params[Dv]), vth(g.params[Vth]),
        graded(g.hasFlag("graded")),
        one(g.frac >= 0 && g.frac <= 62 ? int64_t(1) << g.frac : 0) {
    reset();
  }
  void reset() override {
    u.assign(n, 0);
    v.assign(n, 0);
  }
  Update step(const StepContext &ctx) override {
    const Widths w = ctx.widths;
    Update up;
    for (int64_t k = 0; k < n; ++k) {
      const int64_t x =
          clampCounted(ctx.in.current(k), w.stateLo, w.stateHi, up.overflows);
      u[k] = clampCounted(
          decay::apply(u[k], du[k]) + x,
          w.stateLo, w.stateHi, up.overflows);
      v[k] = clampCounted(
          decay::apply(v[k], dv[k]) + u[k],
          w.stateLo, w.stateHi, up.overflows);
      up.active += (x | u[k] | v[k]) != 0;
      const bool spike = v[k] > vth[k];
      const int64_t payload =
          spike ? (graded ? clampCounted(v[k], w.payLo, w.payHi, up.overflows)
                          : one)
                : 0;
      if (spike)
        v[k] = 0;
      up.sent += spike;
      ctx.delta[k] = static_cast<int32_t>(payload);
      ctx.last[k] = static_cast<int32_t>(payload);
    }
    return up;
  }

private:
  int64_t n;
  const std::vector<int32_t> &du, &dv, &vth;
  bool graded;
  int64_t one; // a binary spike's payload: 1.0 in the value format (check()
               // refuses a binary group whose format cannot hold it)
  std::vector<int64_t> u, v;
};

template <typename Real> class LIFFloat final : public BasicFloatKernel<Real> {
public:
  explicit LIFFloat(const NeuronGroup &g)
      : graded(g.hasFlag("graded")), i(g.size, 0), v(g.size, 0) {
    for (int64_t k = 0; k < g.size; ++k) {
      keepI.push_back(decay::keep<Real>(g.params[Du][k]));
      keepV.push_back(decay::keep<Real>(g.params[Dv][k]));
      theta.push_back(real<Real>(g.params[Vth][k], g.frac));
    }
  }
  Update step(const Real *current, int64_t, int64_t, Real *out) override {
    Update u;
    for (size_t k = 0; k < i.size(); ++k) {
      out[k] = lifStep(i[k], v[k], current[k], keepI[k], keepV[k], theta[k],
                       graded);
      u.active += current[k] != 0 || i[k] != 0 || v[k] != 0 || out[k] != 0;
    }
    return u;
  }

private:
  bool graded;
  std::vector<Real> keepI, keepV, theta, i, v;
};

std::string check(const NeuronGroup &g, const Hardware &hw) {
  for (int p : {Du, Dv})
    if (std::string error = decay::check(g.params[p], "LIF"); !error.empty())
      return error;
  if (!g.hasFlag("graded") &&
      (g.frac < 0 || g.frac > 62 ||
       (int64_t(1) << g.frac) > fixed::maxInt(g.payloadBits)))
    return fmt::format("a binary spike (1.0 at {} fractional bits) does not "
                       "fit a {}-bit payload",
                       g.frac, g.payloadBits);
  return "";
}
} // namespace

namespace ssm::rt::neuro::models {
extern const NeuronModelInfo kLIF = [] {
  NeuronModelInfo m;
  m.name = "lif";
  m.params = {"du", "dv", "vth"};
  m.flags = {"graded"};
  m.encoding = Encoding::Spikes;
  m.check = check;
  m.makeKernel = makeKernel<LIFKernel>;
  setFloatKernels<LIFFloat>(m);
  return m;
}();

extern const NeuronLayerInfo kLIFLayer = [] {
  NeuronLayerInfo l;
  l.kind = "lif";
  l.summary = "current-based leaky integrate-and-fire neurons (Loihi's LIF)";
  l.params = {
      {"current_decay", 1.0, 0.0, 1.0,
       "delta_I: the fraction of the synaptic current lost per token"},
      {"voltage_decay", 0.1, 0.0, 1.0,
       "delta_V: the fraction of the membrane voltage lost per token"},
      {"threshold", 1.0, 1e-6, 1e6, "theta: the voltage above which it fires"},
  };
  l.flags = {{"graded", "send the voltage v at a spike instead of 1"}};
  l.stateSize = 2;
  l.step = layerStep;
  l.neuronModel = "lif";
  l.lower = lower;
  return l;
}();
} // namespace ssm::rt::neuro::models
