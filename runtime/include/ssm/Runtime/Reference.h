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

#include <vector>

namespace ssm::rt {

/// Output of output `index` for every token of one sequence, [L, O]
/// row-major. `input` is [L, H_in] row-major. Throws std::invalid_argument
/// when the input size is not a multiple of the input channels.
std::vector<double> runReference(const Model &model,
                                 const std::vector<double> &input,
                                 size_t outputIndex = 0);

/// The float64 GELU used by every executor: x * Phi(x) with the exact erf.
double gelu(double x);
/// Logistic sigmoid.
double sigmoid(double x);

} // namespace ssm::rt

#endif // SSM_RUNTIME_REFERENCE_H
