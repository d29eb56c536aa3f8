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
#include <vector>

namespace ssm::rt {

/// Called after every layer at every token with the layer's index in
/// Model::layers and its output values (e.g. to collect activation ranges).
using LayerObserver =
    std::function<void(size_t layer, const std::vector<double> &values)>;

/// Called after every stateful layer at every token with its state as
/// `count` reals: an S4D layer's complex states [H, N/2] as (re, im) pairs, a
/// neuron layer's [stateSize, H] (e.g. to size the registers of the
/// neurons it lowers to).
using StateObserver =
    std::function<void(size_t layer, const double *state, size_t count)>;

/// Output of output `index` for every token of one sequence, [L, O]
/// row-major. `input` is [L, H_in] row-major. Throws std::invalid_argument
/// when the input size is not a multiple of the input channels.
std::vector<double> runReference(const Model &model,
                                 const std::vector<double> &input,
                                 size_t outputIndex = 0,
                                 const LayerObserver &observer = nullptr,
                                 const StateObserver &stateObserver = nullptr);

/// The largest |state| of each stateful layer over `samples` (|Re x|,
/// |Im x| of an S4D layer's modes; a neuron layer's state variables; 0 for
/// other layers): how wide its neurons' registers must be.
std::vector<double> calibrateStates(const Model &model,
                                    const std::vector<const float *> &samples,
                                    int64_t length, int threads = 1);

/// Per layer, the SQNR (dB) of quantizing its outputs over `samples` to
/// q * 2^-fracs[layer] of `bits` (rounding and saturation): how much of the
/// signal the chosen formats keep.
std::vector<double> activationSqnr(const Model &model,
                                   const std::vector<const float *> &samples,
                                   int64_t length,
                                   const std::vector<int> &fracs,
                                   unsigned bits, int threads = 1);

/// The float64 GELU used by every executor: x * Phi(x) with the exact erf.
double gelu(double x);
/// Logistic sigmoid.
double sigmoid(double x);

} // namespace ssm::rt

#endif // SSM_RUNTIME_REFERENCE_H
