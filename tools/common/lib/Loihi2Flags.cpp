//===- Loihi2Flags.cpp - the loihi2 pipeline's command-line flags ---------===//

#include "ssm/Tools/Loihi2Flags.h"

namespace cl = llvm::cl;

cl::OptionCategory &ssm::tools::loihi2Category() {
  static cl::OptionCategory category("loihi2 target options");
  return category;
}

namespace {
/// The defaults are the pipeline's own.
const ssm::Loihi2PipelineOptions defaults;

cl::opt<std::string> hardware(
    "hw", cl::desc("Hardware description JSON (default: built-in loihi2.json)"),
    cl::value_desc("file"), cl::cat(ssm::tools::loihi2Category()));
cl::opt<std::string> calibration(
    "calibration",
    cl::desc("Data spec of the PTQ calibration sequences (default "
             "mnist:train)"),
    cl::value_desc("spec"), cl::init(defaults.calibration),
    cl::cat(ssm::tools::loihi2Category()));
cl::opt<int64_t> calibrationSamples(
    "calibration-samples", cl::desc("Number of calibration sequences"),
    cl::init(defaults.samples), cl::cat(ssm::tools::loihi2Category()));
cl::opt<double> sigmaDelta(
    "sigma-delta",
    cl::desc("Sigma-delta threshold as a fraction of each connection's "
             "calibrated range (0: send every change)"),
    cl::init(defaults.sigmaDelta),
    cl::cat(ssm::tools::loihi2Category()));
} // namespace

std::string ssm::tools::givenLoihi2Flag() {
  for (const cl::Option *flag : std::initializer_list<const cl::Option *>{
           &hardware, &calibration, &calibrationSamples, &sigmaDelta})
    if (flag->getNumOccurrences())
      return ("--" + flag->ArgStr).str();
  return "";
}

llvm::Error ssm::tools::checkLoihi2Flags() {
  // Each flag is checked here, with its own name, before any work; the
  // pass checks its options again for ssmc-opt users.
  if (!(sigmaDelta >= 0 && sigmaDelta <= 1))
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "--sigma-delta must be a fraction between 0 and 1, got " +
            std::to_string(sigmaDelta));
  if (calibrationSamples < 1 || calibrationSamples > kMaxCalibrationSamples)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "--calibration-samples must be between 1 and " +
            std::to_string(kMaxCalibrationSamples) + ", got " +
            std::to_string(calibrationSamples));
  if (hardware.getNumOccurrences() && hardware.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "--hw needs a file name");
  return llvm::Error::success();
}

ssm::Loihi2PipelineOptions ssm::tools::loihi2OptionsFromFlags() {
  Loihi2PipelineOptions options;
  options.hardware = hardware;
  options.calibration = calibration;
  options.samples = calibrationSamples;
  options.sigmaDelta = sigmaDelta;
  return options;
}
