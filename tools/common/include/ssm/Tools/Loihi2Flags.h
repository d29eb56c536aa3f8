//===- Loihi2Flags.h - the loihi2 pipeline's command-line flags -*- C++ -*-===//
//
// One definition of --hw, --calibration, --calibration-samples,
// --calibration-ranges and --sigma-delta for the tools that compile to the
// loihi2 target (ssmc and ssmc-run), so they read the same flags the same
// way.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_TOOLS_LOIHI2FLAGS_H
#define SSM_TOOLS_LOIHI2FLAGS_H

#include "ssm/Conversion/Pipelines.h"
#include "ssm/Tools/Loihi2Compile.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"

namespace ssm::tools {

/// The flags' category (for --help).
llvm::cl::OptionCategory &loihi2Category();

/// The most calibration sequences --calibration-samples accepts.
constexpr int64_t kMaxCalibrationSamples = 1000000;

/// The flags' values as pipeline options (reports left empty); call
/// checkLoihi2Flags() first.
Loihi2PipelineOptions loihi2OptionsFromFlags();

/// --calibration and --calibration-samples (call checkLoihi2Flags() first).
CalibrationRequest calibrationRequestFromFlags();

/// An error naming the flag when a loihi2 flag is out of range
/// (--sigma-delta outside [0, 1] or not a number, --calibration-samples
/// outside 1..kMaxCalibrationSamples, an empty --hw, --calibration or
/// --calibration-ranges) or when flags exclude each other (ranges given
/// and calibration asked for).
llvm::Error checkLoihi2Flags();

/// The first loihi2 flag given on the command line, as "--name", or ""
/// (tools reject them for other targets).
std::string givenLoihi2Flag();

} // namespace ssm::tools

#endif // SSM_TOOLS_LOIHI2FLAGS_H
