//===- Calibrate.h - PTQ calibration: running a model on data ---*- C++ -*-===//
//
// What post-training quantization measures, by running the model: the
// executors' part of PTQ (the formulas that use the measurements are
// Quantize.h). The driver calls it before the loihi2 passes
// (ssm/Driver/ChipCompile.h); no pass does.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_RUNTIME_CALIBRATE_H
#define SSM_RUNTIME_CALIBRATE_H

#include "ssm/Runtime/Model.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ssm::rt::quant {

/// What PTQ calibration measures, by layer index.
struct Calibration {
  std::vector<double> outputs; // max |output value|
  std::vector<double> states;  // stateful layers' max |state|; else 0
  std::vector<double> sqnrDb;  // when measured (messageBits > 0)
};

/// Calibrates `model` on `samples` ([L, H_in] each): the output ranges of
/// every layer over all samples with the conv executor (whole sequences in
/// batches: fast), then, in one reference run (states exist only in the
/// recurrent form), the state ranges over the first `stateSamples` and,
/// when `messageBits` > 0, the SQNR of the activation formats those output
/// ranges give at that width over the first `sqnrSamples`.
Calibration calibrate(const Model &model,
                      const std::vector<const float *> &samples, int64_t length,
                      int threads, size_t stateSamples = 16,
                      unsigned messageBits = 0, size_t sqnrSamples = 0);

} // namespace ssm::rt::quant

#endif // SSM_RUNTIME_CALIBRATE_H
