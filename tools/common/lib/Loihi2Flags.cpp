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

ssm::Loihi2PipelineOptions ssm::tools::loihi2OptionsFromFlags() {
  Loihi2PipelineOptions options;
  options.hardware = hardware;
  options.calibration = calibration;
  options.samples = calibrationSamples;
  options.sigmaDelta = sigmaDelta;
  return options;
}
