//===- NeuronKernel.h - what a neuron model's kernels see -------*- C++ -*-===//
//
// The interface between the event runtime's session (Session.cpp) and the
// neuron models (models/*.cpp): a group's dendritic input, the widths it
// saturates to, the sigma-delta sender, and the two kernel classes a model
// implements. One virtual call per group and step; the loops over neurons
// are inside the kernels, over flat arrays.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_RUNTIME_LIB_NEURONKERNEL_H
#define SSM_RUNTIME_LIB_NEURONKERNEL_H

#include "ssm/Runtime/FixedPoint.h"
#include "ssm/Runtime/Neurocore.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ssm::rt::neuro {

/// Saturation to [lo, hi] that counts each clamp (branch-free).
inline int64_t clampCounted(int64_t v, int64_t lo, int64_t hi,
                            int64_t &overflows) {
  const int64_t c = std::min(std::max(v, lo), hi);
  overflows += c != v;
  return c;
}

/// Sigma-delta encoding of one neuron (docs/event-runtime.md, "Execution
/// semantics"): sends the change of its value since it last sent when
/// larger than the threshold, clamped to a payload; returns the change sent
/// (0: none).
/// Branch-free, so the neuron loops around it vectorize; `sent` and
/// `overflows` count the messages and the changes wider than a payload.
struct SigmaDelta {
  int64_t threshold, lo, hi;
  inline int32_t operator()(int64_t value, int32_t &last, int64_t &sent,
                            int64_t &overflows) const {
    const int64_t d = value - last;
    const int64_t sends = std::max(d, -d) > threshold;
    const int64_t clamped = std::min(std::max(d, lo), hi);
    overflows += sends & (clamped != d);
    sent += sends;
    const int32_t change = static_cast<int32_t>(clamped & -sends);
    last += change;
    return change;
  }
};

/// The register widths an update saturates to.
struct Widths {
  int64_t stateLo, stateHi; // registers and currents
  int64_t payLo, payHi;     // payloads
};

/// The dendritic input of a neuron group whose current comes from one
/// table (or was summed beforehand, shift 0): that table's sigma rescaled by
/// its exponent, plus the bias (the neuron loops saturate it to the state
/// width).
struct Dendrite {
  const int64_t *sigma;
  int shift;
  const int64_t *bias;
  int64_t current(int64_t i) const {
    return fixed::shiftRound(sigma[i], shift) + bias[i];
  }
};

/// What one group's update produced: neurons active (input or live
/// state), messages sent, saturations.
struct Update {
  int64_t active = 0, sent = 0, overflows = 0;
  int64_t events = 0; // GroupActivity::events
};

/// One step of one group.
struct StepContext {
  Dendrite in; // currentSize() entries
  Widths widths;
  SigmaDelta send;         // the group's sigma-delta sender
  int64_t token = 0;       // the token this step processes
  int64_t sequenceLength;  // -1 until Session::finish()
  unsigned stateBits = 24; // the hardware's register width
  int32_t *last;           // [size] payload last sent (what the host reads)
  int32_t *delta;          // [size] this step's messages, 0 = none: changes
                           // (sigma-delta) or payloads (spikes)
};

/// A group's state and integer step in the event runtime.
class GroupKernel {
public:
  virtual ~GroupKernel() = default;
  /// Back to the state before the first token.
  virtual void reset() = 0;
  /// Updates every neuron of the group for ctx.token and writes its
  /// messages.
  virtual Update step(const StepContext &ctx) = 0;
};

/// A group evaluated in real arithmetic: parameters read as q * 2^-frac,
/// nothing rounded to the value format or saturated. `Real` = double is
/// the float64 evaluation (evaluateQuantizedFloat); `Real` = float is the
/// fp32 arithmetic of an fp32 network (Hardware::Arithmetic::FP32), which
/// the event session runs: every operation one IEEE-754 binary32 operation,
/// in the order the kernel writes it (the runtime's model files build with
/// -ffp-contract=off, so no compiler fuses a multiply and an add on one CPU
/// and not on another).
template <typename Real> class BasicFloatKernel {
public:
  virtual ~BasicFloatKernel() = default;
  /// `current`: currentSize() reals, bias included; writes the group's
  /// `size` output values for token `token` of a sequence of `length`
  /// (`length` is kUnknownLength while the sequence is still being fed).
  /// Returns the neurons active (input or live state) and the events
  /// (Update::events); `sent` and `overflows` stay 0: the caller sends.
  virtual Update step(const Real *current, int64_t token, int64_t length,
                      Real *out) = 0;
};
using FloatKernel = BasicFloatKernel<double>;
using Float32Kernel = BasicFloatKernel<float>;

/// The sequence length a float kernel is given while it is unknown (a
/// stream not finished): larger than any token index.
inline constexpr int64_t kUnknownLength =
    std::numeric_limits<int64_t>::max();

/// NeuronModelInfo::makeKernel for kernels constructed from the group
/// alone: `m.makeKernel = makeKernel<MyKernel>;`.
template <typename Kernel>
std::unique_ptr<GroupKernel> makeKernel(const NeuronGroup &group,
                                        const Hardware &) {
  return std::make_unique<Kernel>(group);
}
/// Sets NeuronModelInfo::makeFloat and ::makeFloat32 from one class
/// template over the real type: `setFloatKernels<MyFloat>(m);`.
template <template <typename> class Float>
void setFloatKernels(NeuronModelInfo &m) {
  m.makeFloat = [](const NeuronGroup &g) -> std::unique_ptr<FloatKernel> {
    return std::make_unique<Float<double>>(g);
  };
  m.makeFloat32 = [](const NeuronGroup &g) -> std::unique_ptr<Float32Kernel> {
    return std::make_unique<Float<float>>(g);
  };
}

/// q * 2^-frac as a real number (as `Real`: rounded once, from the exact
/// double).
template <typename Real = double> inline Real real(int64_t q, int frac) {
  return static_cast<Real>(std::ldexp(static_cast<double>(q), -frac));
}

/// Loihi's neuron decays (Davies et al. 2018, "Neuron model": du, dv): a
/// fraction delta lost per step, held as delta * 2^12 in [0, 4096]; the
/// decayed register is rounded back to its format. The lif and li models
/// share them.
namespace decay {
constexpr int kBits = 12;
constexpr int64_t kOne = int64_t(1) << kBits;
/// The 12-bit decay of a fraction in [0, 1].
inline int64_t quantize(double fraction) {
  return std::llround(fraction * kOne);
}
/// x after one step of decay d: round(x (4096 - d) / 2^12).
inline int64_t apply(int64_t x, int64_t d) {
  return fixed::shiftRound(x * (kOne - d), kBits);
}
/// What is kept of a value per step, 1 - d / 4096, as a real number
/// (exact in float and double: a multiple of 2^-12 in [0, 1]).
template <typename Real = double> inline Real keep(int64_t d) {
  return static_cast<Real>(1.0 - std::ldexp(double(d), -kBits));
}
/// "" when every decay of `d` is in [0, 4096], else the error naming
/// `model` ("LIF decay 5000 outside [0, 4096] (12-bit)").
std::string check(const std::vector<int32_t> &d, std::string_view model);
} // namespace decay

} // namespace ssm::rt::neuro

#endif // SSM_RUNTIME_LIB_NEURONKERNEL_H
