//===- ConvExecutor.h - S4D as FFT long convolution on the CPU --*- C++ -*-===//
//
// Runs a model on a batch of whole sequences, the way state-space models run
// offline on GPUs: each S4D layer is a causal convolution with its kernel
// K[h, l] (generated once per model and length, in float64, then
// transformed once), computed by real FFTs (FFTW r2c/c2r, planned once and
// reused) or, for short sequences, directly; dense layers are one GEMM over
// all tokens of the batch (OpenBLAS); everything else is pointwise or a scan.
// Work is spread over batch x channels with OpenMP; float32 data.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_RUNTIME_CONVEXECUTOR_H
#define SSM_RUNTIME_CONVEXECUTOR_H

#include "ssm/Runtime/Model.h"

#include <cstdint>
#include <functional>
#include <memory>

namespace ssm::rt {

struct ConvOptions {
  int threads = 1;
  /// Sequences of at most this many tokens use direct convolution instead
  /// of FFTs: bench-conv-crossover measured direct 6.7 ms vs FFT 7.2 ms per
  /// batch at L = 40 and 10.1 vs 7.3 ms at L = 48 (docs/conv.md).
  int64_t directMaxLength = 40;
  /// Refuse to run when the estimated working set exceeds this many bytes
  /// (0: the machine's physical memory).
  uint64_t memoryLimit = 0;
};

class ConvExecutor {
public:
  /// Prepares kernels and FFT plans for `maxBatch` sequences of `length`
  /// tokens. Throws std::runtime_error when the working set would not fit
  /// in memory (naming the sizes) or the model is unsupported.
  ConvExecutor(const Model &model, int64_t length, int64_t maxBatch,
               const ConvOptions &options = {});
  ~ConvExecutor();
  ConvExecutor(const ConvExecutor &) = delete;
  ConvExecutor &operator=(const ConvExecutor &) = delete;

  /// Runs `input` ([B, L, H_in], B <= maxBatch, L = length) and returns
  /// output 0 for every token, [B, L, O]. Throws std::invalid_argument on
  /// a shape mismatch.
  Batch run(const Batch &input);

  /// Called with each layer's outputs ([B, L, H], float32) as soon as they
  /// are computed (e.g. to collect activation ranges for PTQ).
  using LayerObserver = std::function<void(size_t layer, const float *values,
                                           int64_t count)>;
  Batch run(const Batch &input, const LayerObserver &observer);

  /// The FFT size used for S4D layers (0 when direct convolution is used).
  int64_t getFFTSize() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl;
};

/// The smallest n >= minimum whose odd part has at most two prime factors
/// from {3, 5, 7} (e.g. 1568 = 2^5 * 7^2): sizes FFTW transforms fast.
/// bench-conv-crossover measured 63 = 3^2 * 7 slower than 64.
int64_t fftFriendlySize(int64_t minimum);

} // namespace ssm::rt

#endif // SSM_RUNTIME_CONVEXECUTOR_H
