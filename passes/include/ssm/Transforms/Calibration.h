//===- Calibration.h - PTQ calibration ranges, the artifact ----*- C++ -*-===//
//
// What post-training quantization measures on data, kept apart from the pass
// that uses it: the driver (ssm/Driver/ChipCompile.h) runs the model on the
// calibration sequences and produces these ranges; ssm-quantize reads them
// (in memory from the driver, or from the JSON file that
// `ssmc MODEL --emit=calibration` writes) and never opens a data set itself.
// docs/loihi2-compile.md documents the file field by field.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_TRANSFORMS_CALIBRATION_H
#define SSM_TRANSFORMS_CALIBRATION_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ssm {

/// The calibration ranges of one model's layers, in the runtime's
/// (topological) layer order.
struct CalibrationRanges {
  /// The file's "format" value and the version this code reads and writes.
  static constexpr const char *kFormat = "ssmc-calibration";
  static constexpr int64_t kVersion = 1;

  struct Layer {
    std::string name;     // the layer's DSL name ("" when it has none)
    std::string kind;     // rt::layerKindName: "input", "dense", "s4d", ...
    int64_t channels = 0; // output channels
    /// Largest |output value| over the calibration sequences (>= 0).
    double maxAbs = 0;
    /// Stateful layers (S4D, neuron layers): largest |state| (S4D: |Re x|,
    /// |Im x|; first 16 sequences); 0 for other layers.
    double stateMaxAbs = 0;
    /// SQNR (dB) of rounding this layer's outputs to the activation format
    /// of `sqnrMessageBits`, when measured.
    std::optional<double> sqnrDb;
  };

  std::string model;            // the ssm.model's symbol name
  std::string data;             // the data spec calibrated on
  int64_t samples = 0;          // calibration sequences used
  unsigned sqnrMessageBits = 0; // message width of sqnrDb (0: not measured)
  int64_t sqnrSamples = 0;      // sequences the SQNR was measured over
  std::vector<Layer> layers;
};

/// The ranges as the JSON document `ssmc --emit=calibration` writes.
llvm::json::Value toJSON(const CalibrationRanges &ranges);

/// Reads ranges from `text` (the contents of `source`, for messages). Errors
/// name the source and the field: not JSON, another format or version, a
/// missing field, a negative or non-finite range.
llvm::Expected<CalibrationRanges>
parseCalibrationRanges(llvm::StringRef text, llvm::StringRef source);

/// Reads the file at `path` (with parseCalibrationRanges).
llvm::Expected<CalibrationRanges> readCalibrationRanges(llvm::StringRef path);

} // namespace ssm

#endif // SSM_TRANSFORMS_CALIBRATION_H
