//===- Loihi2Flags.h - the loihi2 pipeline's command-line flags -*- C++ -*-===//
//
// One definition of --hw, --calibration, --calibration-samples and
// --sigma-delta for the tools that compile to the loihi2 target (ssmc and
// ssmc-run), so they read the same flags the same way.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_TOOLS_LOIHI2FLAGS_H
#define SSM_TOOLS_LOIHI2FLAGS_H

#include "ssm/Conversion/Pipelines.h"
#include "llvm/Support/CommandLine.h"

namespace ssm::tools {

/// The flags' category (for --help).
llvm::cl::OptionCategory &loihi2Category();

/// The pipeline options the flags give (reports left empty).
Loihi2PipelineOptions loihi2OptionsFromFlags();

} // namespace ssm::tools

#endif // SSM_TOOLS_LOIHI2FLAGS_H
