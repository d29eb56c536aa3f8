//===- Loihi2Flags.cpp - the loihi2 pipeline's command-line flags ---------===//

#include "ssm/Tools/Loihi2Flags.h"
#include "ssm/Tools/Loihi2Compile.h"

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
    cl::desc("Data spec of the PTQ calibration sequences (default: the "
             "model's own 'calibration \"SPEC\"')"),
    cl::value_desc("spec"), cl::cat(ssm::tools::loihi2Category()));
cl::opt<int64_t>
    calibrationSamples("calibration-samples",
                       cl::desc("Number of calibration sequences"),
                       cl::init(ssm::tools::CalibrationRequest().samples),
                       cl::cat(ssm::tools::loihi2Category()));
cl::opt<std::string> calibrationRanges(
    "calibration-ranges",
    cl::desc("Calibration ranges JSON from ssmc --emit=calibration, used "
             "instead of calibrating"),
    cl::value_desc("file"), cl::cat(ssm::tools::loihi2Category()));
cl::opt<double> sigmaDelta(
    "sigma-delta",
    cl::desc("Sigma-delta threshold as a fraction of each connection's "
             "calibrated range (0: send every change)"),
    cl::init(defaults.sigmaDelta),
    cl::cat(ssm::tools::loihi2Category()));
} // namespace

std::string ssm::tools::givenLoihi2Flag() {
  for (const cl::Option *flag : std::initializer_list<const cl::Option *>{
           &hardware, &calibration, &calibrationSamples, &calibrationRanges,
           &sigmaDelta})
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
  auto error = [](const llvm::Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  };
  if (hardware.getNumOccurrences() && hardware.empty())
    return error("--hw needs a file name");
  if (calibration.getNumOccurrences() && calibration.empty())
    return error("--calibration needs a data spec, as in "
                 "--calibration=mnist:train");
  if (calibrationRanges.getNumOccurrences() && calibrationRanges.empty())
    return error("--calibration-ranges needs a file name");
  if (calibrationRanges.getNumOccurrences())
    for (const cl::Option *flag : std::initializer_list<const cl::Option *>{
             &calibration, &calibrationSamples})
      if (flag->getNumOccurrences())
        return error("--" + flag->ArgStr +
                     " calibrates, --calibration-ranges gives ranges "
                     "calibrated before: use one");
  return llvm::Error::success();
}

ssm::Loihi2PipelineOptions ssm::tools::loihi2OptionsFromFlags() {
  Loihi2PipelineOptions options;
  options.hardware = hardware;
  options.calibrationRanges = calibrationRanges;
  options.sigmaDelta = sigmaDelta;
  return options;
}

ssm::tools::CalibrationRequest ssm::tools::calibrationRequestFromFlags() {
  CalibrationRequest request;
  request.data = calibration;
  request.samples = calibrationSamples;
  return request;
}
