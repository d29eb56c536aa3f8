//===- VectorLanes.h - AVX-512 lanes of the event runtime -------*- C++ -*-===//
//
// Eight 64-bit lanes of the event runtime's scalar integer operations, bit
// for bit, and the two delivery loops built on them (axpy over a column
// run, dot product over a row run). Without AVX-512 only the scalar loops
// exist, which compilers vectorize themselves. Included by Session.cpp
// and the neuron models (models/*.cpp), which are built with the build
// machine's vector width (runtime/CMakeLists.txt).
//
//===----------------------------------------------------------------------===//

#ifndef SSM_RUNTIME_LIB_VECTORLANES_H
#define SSM_RUNTIME_LIB_VECTORLANES_H

#include <boost/align/aligned_allocator.hpp>

#include <cstdint>
#include <vector>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace ssm::rt::neuro {

/// 64-bit lanes of a vector register (AVX-512); synapse runs are padded to
/// them (SynapsePlan.h).
constexpr int32_t kLanes = 8;

/// Storage the vector loops read and write: aligned to a cache line, so a
/// 64-byte load never straddles two (malloc gives 16 bytes, which left
/// three of four arrays splitting lines, depending on where the heap put
/// them).
template <typename T>
using LaneVector = std::vector<T, boost::alignment::aligned_allocator<T, 64>>;

// GCC 12 reports the undefined-vector idiom inside its own AVX-512
// intrinsics as a maybe-uninitialized use.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#if defined(__AVX512F__)
/// Eight 64-bit lanes of the scalar operations, bit for bit. GCC
/// vectorizes the scalar loops' 32 x 32 -> 64 products with full 64 x 64
/// multiplies (vpmullq, three micro-ops each); every factor here is a
/// sign-extended 32-bit value, so vpmuldq (one) is exact.
namespace lanes {
inline __m512i load(const int32_t *p) {
  return _mm512_cvtepi32_epi64(
      _mm256_loadu_si256(reinterpret_cast<const __m256i *>(p)));
}
inline void store(int32_t *p, __m512i v) {
  _mm256_storeu_si256(reinterpret_cast<__m256i *>(p), _mm512_cvtepi64_epi32(v));
}
inline __m512i load(const int64_t *p) { return _mm512_loadu_si512(p); }
inline void store(int64_t *p, __m512i v) { _mm512_storeu_si512(p, v); }
inline __m512i mul(__m512i a, __m512i b) { return _mm512_mul_epi32(a, b); }

/// fixed::shiftRound with a loop-invariant shift > 0 (callers take the
/// scalar path otherwise, so the vector loop has no branch).
struct ShiftRound {
  __m512i half;
  __m128i count;
  explicit ShiftRound(int s)
      : half(_mm512_set1_epi64(int64_t(1) << (s - 1))),
        count(_mm_cvtsi32_si128(s)) {}
  __m512i operator()(__m512i v) const {
    const __m512i t =
        _mm512_add_epi64(_mm512_add_epi64(v, half), _mm512_srai_epi64(v, 63));
    return _mm512_sra_epi64(t, count);
  }
};

/// Adds one to the lanes of `counts` selected by `mask` (counting in a
/// vector keeps mask-to-integer moves off the vector ports).
inline __m512i countLanes(__m512i counts, __mmask8 mask) {
  return _mm512_mask_sub_epi64(counts, mask, counts, _mm512_set1_epi64(-1));
}

/// clampCounted on eight lanes; `overflows` counts per lane.
inline __m512i clamp(__m512i v, __m512i lo, __m512i hi, __m512i &overflows) {
  const __m512i c = _mm512_min_epi64(_mm512_max_epi64(v, lo), hi);
  overflows = countLanes(overflows, _mm512_cmpneq_epi64_mask(c, v));
  return c;
}
} // namespace lanes
#endif

/// out += w * change over one run.
inline void axpy(int64_t *__restrict out, const int32_t *__restrict w,
                 int32_t length, int32_t change) {
  int32_t j = 0;
#if defined(__AVX512F__)
  const __m512i factor = _mm512_set1_epi64(change);
  for (; j + 8 <= length; j += 8)
    lanes::store(out + j,
                 _mm512_add_epi64(lanes::load(out + j),
                                  lanes::mul(lanes::load(w + j), factor)));
#endif
  for (; j < length; ++j)
    out[j] += int64_t(w[j]) * change;
}

/// The dot product of one run of weights with the senders' changes.
inline int64_t dot(const int32_t *__restrict w, const int32_t *__restrict x,
                   int32_t length) {
  int64_t sum = 0;
  int32_t j = 0;
#if defined(__AVX512F__)
  if (length >= 8) {
    __m512i products = _mm512_setzero_si512();
    for (; j + 8 <= length; j += 8)
      products = _mm512_add_epi64(
          products, lanes::mul(lanes::load(w + j), lanes::load(x + j)));
    sum = _mm512_reduce_add_epi64(products);
  }
#endif
  for (; j < length; ++j)
    sum += int64_t(w[j]) * x[j];
  return sum;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

} // namespace ssm::rt::neuro

#endif // SSM_RUNTIME_LIB_VECTORLANES_H
