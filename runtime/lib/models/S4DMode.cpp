//===- S4DMode.cpp - the S4D mode neuron ----------------------------------===//
//
// One complex S4D mode per neuron (Meyer et al. 2024, Sec. 3): two state
// registers (re, im), x <- A_bar x + B_bar u, sends Re(C x) sigma-delta (the
// factor 2 of the conjugate pair folded into C). Parameters a_bar_re ...
// c_im in three formats (fA, fB, fC fractional bits); each product is
// rounded back to the value format: x' = round(A x / 2^fA) +
// round(B u / 2^fB), y = round(Re(C x') / 2^fC).
//
//===----------------------------------------------------------------------===//

#include "../NeuronKernel.h"
#include "../VectorLanes.h"


using namespace ssm::rt::neuro;
using ssm::rt::fixed::shiftRound;

namespace {
// GCC 12 reports the undefined-vector idiom inside its own AVX-512
// intrinsics as a maybe-uninitialized use.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

/// A group's S4D parameters sign-extended to 64 bits: the mode loop reads
/// them straight into vpmuldq lanes (no conversion instruction per load;
/// the loop is bound by vector instructions, not memory).
struct S4DLanes {
  LaneVector<int64_t> aRe, aIm, bRe, bIm, cRe, cIm;

  explicit S4DLanes(const NeuronGroup &g)
      : aRe(widen(g.params[0])), aIm(widen(g.params[1])),
        bRe(widen(g.params[2])), bIm(widen(g.params[3])),
        cRe(widen(g.params[4])), cIm(widen(g.params[5])) {}
  static LaneVector<int64_t> widen(const std::vector<int32_t> &v) {
    return LaneVector<int64_t>(v.begin(), v.end());
  }
};

Update stepS4DModes(int64_t n, Dendrite in, const S4DLanes &p, int fa, int fb,
                    int fc, Widths w, SigmaDelta send, int64_t *__restrict xr,
                    int64_t *__restrict xi, int32_t *__restrict last,
                    int32_t *__restrict delta) {
  const int64_t *__restrict sigma = in.sigma;
  const int64_t *__restrict bias = in.bias;
  const int64_t *__restrict aRe = p.aRe.data(), *__restrict aIm = p.aIm.data(),
                            *__restrict bRe = p.bRe.data(),
                            *__restrict bIm = p.bIm.data(),
                            *__restrict cRe = p.cRe.data(),
                            *__restrict cIm = p.cIm.data();
  int64_t live = 0, sent = 0, overflows = 0;
  int64_t i = 0;
#if defined(__AVX512F__)
  // Every rescaling of a real network rounds (shift > 0); a table exponent
  // >= 0 or a parameter format without fractional bits takes the scalar
  // loop.
  if (in.shift > 0 && fa > 0 && fb > 0 && fc > 0) {
    using namespace lanes;
    const ShiftRound dendrite(in.shift), roundA(fa), roundB(fb), roundC(fc);
    __m512i overflowLanes = _mm512_setzero_si512(),
            liveLanes = _mm512_setzero_si512(),
            sentLanes = _mm512_setzero_si512();
    const __m512i stateLo = _mm512_set1_epi64(w.stateLo),
                  stateHi = _mm512_set1_epi64(w.stateHi),
                  payLo = _mm512_set1_epi64(w.payLo),
                  payHi = _mm512_set1_epi64(w.payHi),
                  sendLo = _mm512_set1_epi64(send.lo),
                  sendHi = _mm512_set1_epi64(send.hi),
                  threshold = _mm512_set1_epi64(send.threshold);
    for (; i + 8 <= n; i += 8) {
      const __m512i current =
          _mm512_add_epi64(dendrite(_mm512_loadu_si512(sigma + i)),
                           _mm512_loadu_si512(bias + i));
      const __m512i u = clamp(current, stateLo, stateHi, overflowLanes);
      const __m512i r = load(xr + i), m = load(xi + i);
      const __m512i ar = load(aRe + i), ai = load(aIm + i);
      const __m512i re =
          _mm512_add_epi64(roundA(_mm512_sub_epi64(mul(ar, r), mul(ai, m))),
                           roundB(mul(load(bRe + i), u)));
      const __m512i im =
          _mm512_add_epi64(roundA(_mm512_add_epi64(mul(ar, m), mul(ai, r))),
                           roundB(mul(load(bIm + i), u)));
      const __m512i nr = clamp(re, stateLo, stateHi, overflowLanes);
      const __m512i ni = clamp(im, stateLo, stateHi, overflowLanes);
      store(xr + i, nr);
      store(xi + i, ni);
      const __m512i any = _mm512_or_si512(_mm512_or_si512(nr, ni), u);
      liveLanes = countLanes(liveLanes, _mm512_test_epi64_mask(any, any));
      const __m512i y = clamp(roundC(_mm512_sub_epi64(mul(load(cRe + i), nr),
                                                      mul(load(cIm + i), ni))),
                              payLo, payHi, overflowLanes);
      // SigmaDelta::operator() on eight lanes.
      const __m512i previous = load(last + i);
      const __m512i d = _mm512_sub_epi64(y, previous);
      const __mmask8 sends =
          _mm512_cmpgt_epi64_mask(_mm512_abs_epi64(d), threshold);
      const __m512i clamped =
          _mm512_min_epi64(_mm512_max_epi64(d, sendLo), sendHi);
      overflowLanes = countLanes(
          overflowLanes, _mm512_mask_cmpneq_epi64_mask(sends, clamped, d));
      sentLanes = countLanes(sentLanes, sends);
      const __m512i change = _mm512_maskz_mov_epi64(sends, clamped);
      store(last + i, _mm512_add_epi64(previous, change));
      store(delta + i, change);
    }
    overflows += _mm512_reduce_add_epi64(overflowLanes);
    live += _mm512_reduce_add_epi64(liveLanes);
    sent += _mm512_reduce_add_epi64(sentLanes);
  }
#endif
  for (; i < n; ++i) {
    const int32_t u = static_cast<int32_t>(
        clampCounted(shiftRound(sigma[i], in.shift) + bias[i], w.stateLo,
                     w.stateHi, overflows));
    const int64_t r = xr[i], m = xi[i];
    const int64_t re =
        shiftRound(aRe[i] * r - aIm[i] * m, fa) + shiftRound(bRe[i] * u, fb);
    const int64_t im =
        shiftRound(aRe[i] * m + aIm[i] * r, fa) + shiftRound(bIm[i] * u, fb);
    const int32_t nr =
        static_cast<int32_t>(clampCounted(re, w.stateLo, w.stateHi, overflows));
    const int32_t ni =
        static_cast<int32_t>(clampCounted(im, w.stateLo, w.stateHi, overflows));
    xr[i] = nr;
    xi[i] = ni;
    live += (nr | ni | u) != 0;
    const int64_t y = clampCounted(shiftRound(cRe[i] * nr - cIm[i] * ni, fc),
                                   w.payLo, w.payHi, overflows);
    delta[i] = send(y, last[i], sent, overflows);
  }
  return Update{live, sent, overflows};
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

class S4DKernel final : public GroupKernel {
public:
  S4DKernel(const NeuronGroup &g) : group(g), lanes(g) { reset(); }
  void reset() override {
    xr.assign(group.size, 0);
    xi.assign(group.size, 0);
  }
  Update step(const StepContext &ctx) override {
    return stepS4DModes(group.size, ctx.in, lanes, group.paramFrac[0],
                        group.paramFrac[1], group.paramFrac[2], ctx.widths,
                        ctx.send, xr.data(), xi.data(), ctx.last, ctx.delta);
  }

private:
  const NeuronGroup &group;
  S4DLanes lanes;
  LaneVector<int64_t> xr, xi; // registers, 64-bit lanes
};

/// x <- A_bar x + B_bar u, y = Re(C x) in `Real`, the complex products
/// written out (re and im each two products and a sum, in this order).
template <typename Real> class S4DFloat final : public BasicFloatKernel<Real> {
public:
  explicit S4DFloat(const NeuronGroup &g)
      : n(g.size), xr(n, 0), xi(n, 0) {
    const int frac[3] = {g.paramFrac[0], g.paramFrac[1], g.paramFrac[2]};
    for (int k = 0; k < 6; ++k)
      for (int32_t q : g.params[k])
        p[k].push_back(real<Real>(q, frac[k / 2]));
  }
  Update step(const Real *current, int64_t, int64_t, Real *out) override {
    Update u;
    for (int64_t i = 0; i < n; ++i) {
      const Real r = xr[i], m = xi[i], x = current[i];
      xr[i] = (p[0][i] * r - p[1][i] * m) + p[2][i] * x;
      xi[i] = (p[0][i] * m + p[1][i] * r) + p[3][i] * x;
      out[i] = p[4][i] * xr[i] - p[5][i] * xi[i];
      u.active += xr[i] != 0 || xi[i] != 0 || x != 0;
    }
    return u;
  }

private:
  int64_t n;
  std::vector<Real> p[6]; // a_bar re, im, b_bar re, im, c re, im
  std::vector<Real> xr, xi;
};
} // namespace

namespace ssm::rt::neuro::models {
extern const NeuronModelInfo kS4DMode = [] {
  NeuronModelInfo m;
  m.name = "s4d_mode";
  m.params = {"a_bar_re", "a_bar_im", "b_bar_re", "b_bar_im", "c_re", "c_im"};
  m.paramFormats = {"a_bar", "b_bar", "c"};
  m.makeKernel = makeKernel<S4DKernel>;
  setFloatKernels<S4DFloat>(m);
  return m;
}();
} // namespace ssm::rt::neuro::models
