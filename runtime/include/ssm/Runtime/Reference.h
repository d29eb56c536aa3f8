//===- Reference.h - the float64 recurrent oracle ---------------*- C++ -*-===//
//
// Runs a model token by token in float64 straight from the recurrences of
// each layer (S4D state update, EGRU gates, running readouts), with no
// shortcut: the oracle every target is checked against. Sigma-delta
// thresholds are ignored: this is the ideal model.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_RUNTIME_REFERENCE_H
#define SSM_RUNTIME_REFERENCE_H

#include "ssm/Runtime/Model.h"

#include <complex>
#include <functional>
#include <memory>
#include <vector>

namespace ssm::rt {

/// Called with a layer's index in Model::layers and its `count` output
/// values at one token, for every layer and token: a layer's tokens in
/// order, but layers in chunks of tokens (runReference), so calls for
/// different layers interleave by chunk (e.g. to collect activation
/// ranges).
using LayerObserver =
    std::function<void(size_t layer, const double *values, size_t count)>;

/// Called after every stateful layer with the largest |state value| it
/// held since the last call (an S4D layer's |Re x|, |Im x| over its modes,
/// a neuron layer's state variables), e.g. to size the registers of the
/// neurons it lowers to.
using StateObserver = std::function<void(size_t layer, double largestAbs)>;

/// One sequence through the reference, fed tokens as they come (streaming)
/// or all at once: its layers' recurrent states between feeds. The outputs
/// do not depend on how the tokens are split into feeds (every value is
/// computed by the same operations in the same order).
class ReferenceStream {
public:
  /// Streams output `outputIndex` of `model` (which must outlive it).
  explicit ReferenceStream(const Model &model, size_t outputIndex = 0);
  ~ReferenceStream();
  ReferenceStream(ReferenceStream &&) noexcept;
  ReferenceStream &operator=(ReferenceStream &&) noexcept;

  /// Runs the next `tokens` tokens, `input` [tokens, H_in] row-major, and
  /// returns their outputs [tokens, O] row-major. The observers are called
  /// as runReference documents. Throws std::out_of_range for a token id
  /// outside an embedding's vocabulary.
  std::vector<double> feed(const double *input, int64_t tokens,
                           const LayerObserver &observer = nullptr,
                           const StateObserver &stateObserver = nullptr);
  /// Starts a new sequence (zero states).
  void reset();
  /// Tokens fed since the last reset.
  int64_t position() const;

private:
  struct State;
  std::unique_ptr<State> state;
};

/// Output of output `index` for every token of one sequence, [L, O]
/// row-major (a ReferenceStream fed the whole sequence). `input` is
/// [L, H_in] row-major. Throws std::invalid_argument when the input size is
/// not a multiple of the input channels.
std::vector<double> runReference(const Model &model,
                                 const std::vector<double> &input,
                                 size_t outputIndex = 0,
                                 const LayerObserver &observer = nullptr,
                                 const StateObserver &stateObserver = nullptr);

/// SQNR to measure: of rounding each layer's outputs to q * 2^-fracs[layer]
/// of `bits` (rounding and saturation), over the first `samples`
/// sequences: how much of the signal the chosen formats keep.
struct SqnrRequest {
  std::vector<int> fracs;
  unsigned bits = 24;
  size_t samples = 0;
};

/// What one reference run over calibration sequences measures, per layer.
struct ReferenceRanges {
  /// The largest |state| of each stateful layer over the first
  /// `stateSamples` sequences (|Re x|, |Im x| of an S4D layer's modes; a
  /// neuron layer's state variables; 0 for other layers): how wide its
  /// neurons' registers must be.
  std::vector<double> stateMaxAbs;
  /// SQNR (dB) as requested; empty when not.
  std::vector<double> sqnrDb;
};

/// Runs the reference once over the first max(stateSamples, sqnr->samples)
/// of `samples` ([length, H_in] each) and measures both (one pass: the
/// recurrence is the cost). Bit-identical for any thread count.
ReferenceRanges measureReference(const Model &model,
                                 const std::vector<const float *> &samples,
                                 int64_t length, size_t stateSamples,
                                 const SqnrRequest *sqnr = nullptr,
                                 int threads = 1);

/// The float64 GELU used by every executor: x * Phi(x) with the exact erf.
double gelu(double x);
/// Logistic sigmoid.
double sigmoid(double x);

} // namespace ssm::rt

#endif // SSM_RUNTIME_REFERENCE_H
