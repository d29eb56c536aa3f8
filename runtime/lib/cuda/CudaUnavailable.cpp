//===- CudaUnavailable.cpp - the CUDA backend in builds without CUDA ------===//
//
// Compiled instead of CudaConvExecutor.cu when CMake found no nvcc/cuFFT:
// the API exists so that tools and tests build everywhere, and says clearly
// that this build cannot run on a GPU.
//
//===----------------------------------------------------------------------===//

#include "ssm/Runtime/CudaConvExecutor.h"

#include <stdexcept>

using namespace ssm::rt;

static const char *kWhy =
    "ssmc was built without CUDA (CMake found no nvcc and cuFFT; see "
    "docs/conv.md)";

bool ssm::rt::cudaConvAvailable(std::string *why) {
  if (why)
    *why = kWhy;
  return false;
}

struct CudaConvExecutor::Impl {};

CudaConvExecutor::CudaConvExecutor(const Model &, int64_t, int64_t) {
  throw std::runtime_error(kWhy);
}
CudaConvExecutor::~CudaConvExecutor() = default;
Batch CudaConvExecutor::run(const Batch &) { throw std::runtime_error(kWhy); }
int64_t CudaConvExecutor::getFFTSize() const { return 0; }
std::string CudaConvExecutor::getDeviceName() const { return ""; }
