//===- Version.cpp - ssmc's version and commit ----------------------------===//

#include "ssm/Driver/Version.h"

#include "SSMCVersion.inc" // generated at build time (cmake/Version.cmake)

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

const char *ssm::driver::version() { return SSMC_VERSION_STRING; }
const char *ssm::driver::commit() { return SSMC_COMMIT_STRING; }

void ssm::driver::setVersionPrinter(const char *toolName) {
  static const char *name;
  name = toolName;
  llvm::cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << name << " (ssmc " << version() << ", commit " << commit() << ")\n";
  });
}
