//===- RangesFuzzer.cpp - fuzz target for calibration ranges --------------===//
//
// libFuzzer entry point: the input is the JSON text of a calibration ranges
// file (`--calibration-ranges`, written by `ssmc --emit=calibration`), read
// as ssm-quantize reads it. An error is the expected answer to bad input;
// crashes, hangs, leaks and sanitizer reports are findings.
//
//===----------------------------------------------------------------------===//

#include "ssm/Transforms/Calibration.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::Expected<ssm::CalibrationRanges> ranges = ssm::parseCalibrationRanges(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz.json");
  if (!ranges)
    llvm::consumeError(ranges.takeError());
  return 0;
}
