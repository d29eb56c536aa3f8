//===- ReplayMain.cpp - run a fuzz target on files without libFuzzer ------===//
//
// With compilers that have no libFuzzer (g++), the fuzz target still builds
// and runs every file named on the command line once, so the seed corpus is
// checked in every build (LLVM's FuzzerCLI does the file handling).
//
//===----------------------------------------------------------------------===//

#include "llvm/FuzzMutate/FuzzerCLI.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv) {
  return llvm::runFuzzerOnInputs(argc, argv, LLVMFuzzerTestOneInput);
}
