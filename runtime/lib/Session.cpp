//===- Session.cpp - the event runtime's execution engine -----------------===//
//
// Runs a validated Network step by step (semantics in Neurocore.h and
// docs/event-runtime.md; arithmetic in FixedPoint.h; counters in
// docs/cost-model.md).
//
// How it is made fast without changing a single bit of the results:
//  - Registers, parameters, payloads and messages are 32-bit values (the
//    hardware's widths are at most 32 bits; validate() checks), products
//    and dendritic sums 64-bit: every product is a widening 32 x 32 -> 64
//    multiply. Messages are stored in 32 bits; S4D registers and
//    parameters sign-extended in 64-bit lanes, which the AVX-512 mode loop
//    reads without a conversion per load (it is bound by vector
//    instructions, not by memory).
//  - Each group's update is one branch-free loop per neuron model that
//    reads the dendritic sums, updates the neurons and sends sigma-delta in
//    the same pass (an S4D layer has thousands of modes; a pass over them
//    costs more than the arithmetic).
//  - A message carries its change in a dense per-group vector (0 where a
//    neuron sent nothing). Synapse tables are stored as runs of
//    consecutive weights, by column and by row; each step a table is
//    delivered whichever way touches fewer runs: message by message (an
//    axpy per run of the sender's column: S4D expand, few senders) or row
//    by row (a dot product per run over the senders' changes: S4D reduce,
//    many senders). Integer sums are exact, so both give the same
//    dendritic sums, and synops are counted per message either way.
//
//===----------------------------------------------------------------------===//

#include "ssm/Runtime/FixedPoint.h"
#include "ssm/Runtime/Neurocore.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

using namespace ssm::rt;
using namespace ssm::rt::neuro;
using fixed::shiftRound;

namespace {
/// Weights [offset, offset + length) of one table line (a column or a row)
/// that connect it to the consecutive indices [first, first + length) of
/// the other side.
struct Run {
  int32_t first = 0, length = 0;
  int64_t offset = 0;
};

/// 64-bit lanes of a vector register (AVX-512); runs are padded to them.
constexpr int32_t kLanes = 8;

/// One orientation of a synapse table as runs: line l owns runs
/// [start[l], start[l + 1]).
struct RunForm {
  std::vector<int64_t> start;
  std::vector<Run> runs;
  std::vector<int32_t> weight;

  /// Builds the runs of a CSR matrix whose line l has entries
  /// [lineStart[l], lineStart[l + 1]) at `index` (ascending; in
  /// [0, extent)) with `weights`. A gap of fewer than kLanes indices joins
  /// the runs around it, and a run of at least half a vector grows to whole
  /// vectors where the line has room: the padding weights are zero, so
  /// they add nothing (synops count the table's non-zero weights, not
  /// runs).
  void build(const std::vector<int64_t> &lineStart,
             const std::vector<int32_t> &index,
             const std::vector<int32_t> &weights, int64_t extent) {
    const size_t lines = lineStart.size() - 1;
    start.assign(lines + 1, 0);
    runs.clear();
    weight.clear();
    auto close = [&](Run &run) {
      const int64_t whole = (run.length + kLanes - 1) / kLanes * kLanes;
      if (2 * run.length >= kLanes && run.first + whole <= extent) {
        weight.resize(weight.size() + (whole - run.length), 0);
        run.length = static_cast<int32_t>(whole);
      }
    };
    for (size_t l = 0; l < lines; ++l) {
      for (int64_t k = lineStart[l]; k < lineStart[l + 1]; ++k) {
        const int32_t i = index[k];
        if (k > lineStart[l]) {
          Run &run = runs.back();
          const int64_t end = run.first + run.length;
          if (i >= end && i - end < kLanes) {
            weight.resize(weight.size() + (i - end), 0);
            weight.push_back(weights[k]);
            run.length = i - run.first + 1;
            continue;
          }
          close(run);
        }
        runs.push_back(Run{i, 1, static_cast<int64_t>(weight.size())});
        weight.push_back(weights[k]);
      }
      if (lineStart[l + 1] > lineStart[l])
        close(runs.back());
      start[l + 1] = static_cast<int64_t>(runs.size());
    }
  }

  /// Work of one line, in units of a vector instruction: one per run
  /// (setup) plus one per eight weights.
  double cost(size_t l) const {
    double c = 0;
    for (int64_t r = start[l]; r < start[l + 1]; ++r)
      c += 1 + runs[r].length / double(kLanes);
    return c;
  }
};

/// A synapse table prepared for delivery.
struct TablePlan {
  RunForm byColumn, byRow;
  std::vector<int32_t> columnSynapses; // synops per message of a column
  int64_t synapsesPerColumn = -1;       // when the same for every column
  double rowCost = 0;                  // one row-wise delivery
  double columnCost = 0;               // message-wise, every column sending
};

TablePlan planTable(const SynapseTable &table) {
  TablePlan plan;
  plan.byColumn.build(table.columnStart, table.rowIndex, table.weight,
                      table.rows);
  // The transpose, row by row (columns ascending within a row).
  std::vector<int64_t> rowStart(table.rows + 1, 0);
  for (int32_t r : table.rowIndex)
    ++rowStart[r + 1];
  for (int64_t r = 0; r < table.rows; ++r)
    rowStart[r + 1] += rowStart[r];
  std::vector<int32_t> column(table.rowIndex.size()), weight(column.size());
  std::vector<int64_t> fill(rowStart.begin(), rowStart.end() - 1);
  for (int64_t c = 0; c < table.cols; ++c)
    for (int64_t k = table.columnStart[c]; k < table.columnStart[c + 1]; ++k) {
      const int64_t at = fill[table.rowIndex[k]]++;
      column[at] = static_cast<int32_t>(c);
      weight[at] = table.weight[k];
    }
  plan.byRow.build(rowStart, column, weight, table.cols);
  plan.columnSynapses.resize(table.cols);
  for (int64_t c = 0; c < table.cols; ++c) {
    plan.columnSynapses[c] =
        static_cast<int32_t>(table.columnStart[c + 1] - table.columnStart[c]);
    plan.columnCost += plan.byColumn.cost(c);
  }
  for (int64_t r = 0; r < table.rows; ++r)
    plan.rowCost += plan.byRow.cost(r);
  const auto &counts = plan.columnSynapses;
  if (!counts.empty() &&
      std::all_of(counts.begin(), counts.end(),
                  [&](int32_t n) { return n == counts.front(); }))
    plan.synapsesPerColumn = counts.front();
  return plan;
}

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
    lanes::store(out + j, _mm512_add_epi64(lanes::load(out + j),
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

/// What a group sent in one step: the change of each neuron's payload (0
/// where it sent nothing) and how many sent.
struct Outbox {
  std::vector<int32_t> delta;
  int64_t count = 0;
};

/// A destination core of a group's messages and the route's length.
struct Route {
  int64_t hopsX = 0, hopsY = 0;
};

/// Sigma-delta encoding of one neuron (docs/event-runtime.md, "Execution
/// semantics"): sends the change of its value since it last sent when
/// larger than the threshold, clamped to a payload; returns the change sent
/// (0: none).
/// Branch-free, so the neuron loops around it vectorize; `sent` and
/// `overflows` count the messages and the changes wider than a payload.
struct SigmaDelta {
  int64_t threshold, lo, hi;
  inline int32_t operator()(int64_t value, int32_t &last, int64_t &sent,
                            int64_t &overflows) const {
    const int64_t d = value - last;
    const int64_t sends = std::max(d, -d) > threshold;
    const int64_t clamped = std::min(std::max(d, lo), hi);
    overflows += sends & (clamped != d);
    sent += sends;
    const int32_t change = static_cast<int32_t>(clamped & -sends);
    last += change;
    return change;
  }
};

/// Saturation to [lo, hi] that counts each clamp (branch-free).
inline int64_t clampCounted(int64_t v, int64_t lo, int64_t hi,
                            int64_t &overflows) {
  const int64_t c = std::min(std::max(v, lo), hi);
  overflows += c != v;
  return c;
}
/// What one group's update produced.
struct Update {
  int64_t active = 0, sent = 0, overflows = 0;
};

/// The register widths an update saturates to.
struct Widths {
  int64_t stateLo, stateHi; // registers and currents
  int64_t payLo, payHi;     // payloads
};

/// The dendritic input of a neuron group whose current comes from one
/// table (or was summed beforehand, shift 0): that table's sigma rescaled by
/// its exponent, plus the bias (the neuron loops saturate it to the state
/// width).
struct Dendrite {
  const int64_t *sigma;
  int shift;
  const int64_t *bias;
  int64_t current(int64_t i) const {
    return shiftRound(sigma[i], shift) + bias[i];
  }
};

/// A group's S4D parameters sign-extended to 64 bits: the mode loop reads
/// them straight into vpmuldq lanes (no conversion instruction per load;
/// the loop is bound by vector instructions, not memory).
struct S4DLanes {
  std::vector<int64_t> aRe, aIm, bRe, bIm, cRe, cIm;

  S4DLanes() = default;
  explicit S4DLanes(const S4DModeRegisters &p)
      : aRe(p.aRe.begin(), p.aRe.end()), aIm(p.aIm.begin(), p.aIm.end()),
        bRe(p.bRe.begin(), p.bRe.end()), bIm(p.bIm.begin(), p.bIm.end()),
        cRe(p.cRe.begin(), p.cRe.end()), cIm(p.cIm.begin(), p.cIm.end()) {}
};

/// x <- A_bar x + B_bar u ; y = Re(C x) (Meyer et al. 2024, Sec. 3) for n
/// complex modes, then sigma-delta on y. Each product is rounded from its
/// parameter's format (fa, fb, fc fractional bits) back to the value format
/// (at most one LSB of error per register and step). Registers, parameters
/// and payloads hold 32-bit values (registers and parameters sign-extended
/// in 64-bit lanes), so every product is a widening 32 x 32 -> 64
/// multiply; eight modes at a time with AVX-512, the rest (and every mode
/// elsewhere) in the scalar loop, which compilers vectorize themselves
/// (restrict: the arrays never overlap).
Update stepS4DModes(int64_t n, Dendrite in, const S4DLanes &p,
                    int fa, int fb, int fc, Widths w, SigmaDelta send,
                    int64_t *__restrict xr, int64_t *__restrict xi,
                    int32_t *__restrict last, int32_t *__restrict delta) {
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
      const __m512i current = _mm512_add_epi64(
          dendrite(_mm512_loadu_si512(sigma + i)), _mm512_loadu_si512(bias + i));
      const __m512i u = clamp(current, stateLo, stateHi, overflowLanes);
      const __m512i r = load(xr + i), m = load(xi + i);
      const __m512i ar = load(aRe + i), ai = load(aIm + i);
      const __m512i re = _mm512_add_epi64(
          roundA(_mm512_sub_epi64(mul(ar, r), mul(ai, m))),
          roundB(mul(load(bRe + i), u)));
      const __m512i im = _mm512_add_epi64(
          roundA(_mm512_add_epi64(mul(ar, m), mul(ai, r))),
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
      const __m512i clamped = _mm512_min_epi64(_mm512_max_epi64(d, sendLo), sendHi);
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
    const int64_t re = shiftRound(aRe[i] * r - aIm[i] * m, fa) +
                       shiftRound(bRe[i] * u, fb);
    const int64_t im = shiftRound(aRe[i] * m + aIm[i] * r, fa) +
                       shiftRound(bIm[i] * u, fb);
    const int32_t nr =
        static_cast<int32_t>(clampCounted(re, w.stateLo, w.stateHi, overflows));
    const int32_t ni =
        static_cast<int32_t>(clampCounted(im, w.stateLo, w.stateHi, overflows));
    xr[i] = nr;
    xi[i] = ni;
    live += (nr | ni | u) != 0;
    const int64_t y = clampCounted(
        shiftRound(cRe[i] * nr - cIm[i] * ni, fc), w.payLo,
        w.payHi, overflows);
    delta[i] = send(y, last[i], sent, overflows);
  }
  return Update{live, sent, overflows};
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

/// Sigma-delta (ReLU) neurons: the payload is the current (rectified), sent
/// on change; a neuron is active when its current changed.
Update stepSigmaDelta(int64_t n, Dendrite in, bool relu, Widths w,
                      SigmaDelta send, int32_t *__restrict prevCurrent,
                      int32_t *__restrict last, int32_t *__restrict delta) {
  const int64_t *__restrict sigma = in.sigma;
  const int64_t *__restrict bias = in.bias;
  const int64_t floor = relu ? 0 : w.payLo;
  Update u;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t c = clampCounted(shiftRound(sigma[i], in.shift) + bias[i],
                                   w.stateLo, w.stateHi, u.overflows);
    u.active += c != prevCurrent[i];
    prevCurrent[i] = static_cast<int32_t>(c);
    const int64_t v = clampCounted(c, w.payLo, w.payHi, u.overflows);
    delta[i] = send(std::max(v, floor), last[i], u.sent, u.overflows);
  }
  return u;
}
} // namespace

struct Session::State {
  const Network &net;
  int threads;
  int64_t ring; // outbox slots: max delay + 2
  int64_t fed = 0;
  int64_t sequenceLength = -1; // known once finish() starts
  int64_t stepIndex = 0;

  std::vector<TablePlan> plans;
  std::vector<int64_t> zeros; // as long as the largest group's current
  // Per group.
  std::vector<std::vector<int32_t>> last;       // payload last sent
  std::vector<std::vector<int64_t>> xRe, xIm;   // S4D registers (64-bit lanes)
  std::vector<S4DLanes> s4d;                    // S4D parameters
  std::vector<std::vector<int32_t>> event;      // EGRU: the last event
  std::vector<std::vector<int64_t>> sum;        // accumulator, EGRU cell
  std::vector<std::vector<int32_t>> prevCurrent; // sigma-delta: activity
  std::vector<std::vector<int64_t>> current;    // dendritic sum, this step
  std::vector<std::vector<Outbox>> outbox;      // [group][slot]
  std::vector<std::vector<Route>> routes;
  // Per table: the sigma of the received changes, and (tables with several
  // sources) the sources' changes side by side for row-wise delivery.
  std::vector<std::vector<int64_t>> acc;
  std::vector<std::vector<int32_t>> gathered;
  // Per core: its groups in depth order, and this step's counters.
  std::vector<std::vector<int>> coreGroups;
  std::vector<Counters> coreCounters;
  std::vector<double> coreTime;
  std::vector<GroupActivity> activity;
  Counters lastCounters, totals;

  State(const Network &n, int t) : net(n), threads(std::max(1, t)) {
    int maxDelay = 0;
    for (const SynapseTable &table : net.tables)
      maxDelay = std::max(maxDelay, table.delay);
    ring = maxDelay + 2;
    const size_t G = net.groups.size();
    last.resize(G);
    xRe.resize(G);
    xIm.resize(G);
    for (const NeuronGroup &group : net.groups)
      s4d.emplace_back(group.s4d);
    event.resize(G);
    sum.resize(G);
    prevCurrent.resize(G);
    current.resize(G);
    outbox.resize(G);
    routes.resize(G);
    activity.resize(G);
    acc.resize(net.tables.size());
    gathered.resize(net.tables.size());
    for (size_t t = 0; t < net.tables.size(); ++t) {
      plans.push_back(planTable(net.tables[t]));
      if (net.tables[t].sources.size() > 1)
        gathered[t].assign(net.tables[t].cols, 0);
    }
    coreGroups.resize(net.cores.size());
    coreCounters.resize(net.cores.size());
    coreTime.resize(net.cores.size());
    std::vector<int> order(G);
    for (size_t g = 0; g < G; ++g) {
      order[g] = static_cast<int>(g);
      zeros.resize(std::max<size_t>(zeros.size(), net.groups[g].currentSize()));
    }
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      return net.depth[a] < net.depth[b];
    });
    for (int g : order)
      if (net.groups[g].core >= 0)
        coreGroups[net.groups[g].core].push_back(g);
    // Routes: one message per destination core that stores a table reading
    // this group; the host's inputs enter at their destination core.
    for (size_t g = 0; g < G; ++g) {
      std::vector<int> cores;
      for (const SynapseTable &table : net.tables)
        for (const TableSource &s : table.sources)
          if (s.group == static_cast<int>(g))
            cores.push_back(net.groups[table.target].core);
      std::sort(cores.begin(), cores.end());
      cores.erase(std::unique(cores.begin(), cores.end()), cores.end());
      const int from = net.groups[g].core;
      for (int c : cores) {
        Route r;
        if (from >= 0) {
          const Core &a = net.cores[from], &b = net.cores[c];
          r.hopsX = std::abs(a.x - b.x);
          r.hopsY = std::abs(a.y - b.y);
        }
        routes[g].push_back(r);
      }
    }
    reset();
  }

  void reset() {
    for (size_t g = 0; g < net.groups.size(); ++g) {
      const NeuronGroup &group = net.groups[g];
      last[g].assign(group.size, 0);
      prevCurrent[g].assign(group.currentSize(), 0);
      current[g].assign(group.currentSize(), 0);
      if (group.model == NeuronModel::S4DMode) {
        xRe[g].assign(group.size, 0);
        xIm[g].assign(group.size, 0);
      }
      if (group.model == NeuronModel::Accumulator ||
          group.model == NeuronModel::EGRUUnit)
        sum[g].assign(group.size, 0);
      if (group.model == NeuronModel::EGRUUnit)
        event[g].assign(group.size, 0);
      outbox[g].assign(ring, Outbox{std::vector<int32_t>(group.size, 0), 0});
    }
    for (size_t t = 0; t < net.tables.size(); ++t)
      acc[t].assign(net.tables[t].rows, 0);
    fed = 0;
    sequenceLength = -1;
    stepIndex = 0;
    totals = Counters();
    lastCounters = Counters();
  }

  /// The group's bias, or zeros (a load the neuron loops can vectorize).
  const int64_t *biasOf(int g) const {
    const NeuronGroup &group = net.groups[g];
    return group.bias.empty() ? zeros.data() : group.bias.data();
  }

  SigmaDelta sigmaDelta(const NeuronGroup &group) const {
    return SigmaDelta{group.threshold, fixed::minInt(group.payloadBits),
                      fixed::maxInt(group.payloadBits)};
  }

  /// Starts group g's outbox for step s (nothing sent yet).
  Outbox &openOutbox(int g, int64_t s) {
    Outbox &out = outbox[g][s % ring];
    if (out.count)
      std::fill(out.delta.begin(), out.delta.end(), 0);
    out.count = 0;
    return out;
  }

  /// The outbox of source `src` of a table that reads step `from`.
  const Outbox &sent(const TableSource &src, int64_t from) const {
    return outbox[src.group][from % ring];
  }

  /// Synops of delivering table t's messages from step `from`: each
  /// message costs its column's non-zero weights.
  int64_t countSynops(int t, int64_t from, int64_t messages) const {
    const TablePlan &plan = plans[t];
    if (plan.synapsesPerColumn >= 0)
      return messages * plan.synapsesPerColumn;
    const int32_t *colSynapses = plan.columnSynapses.data();
    int64_t synops = 0;
    for (const TableSource &src : net.tables[t].sources) {
      const int32_t *d = sent(src, from).delta.data();
      for (int64_t i = 0; i < src.size; ++i)
        synops += (d[i] != 0) * int64_t(colSynapses[i]);
      colSynapses += src.size;
    }
    return synops;
  }

  /// Message by message: an axpy per run of each sender's column.
  void deliverByMessage(int t, int64_t from) {
    const RunForm &f = plans[t].byColumn;
    int64_t *a = acc[t].data();
    int64_t column = 0;
    for (const TableSource &src : net.tables[t].sources) {
      const Outbox &in = sent(src, from);
      for (int64_t i = 0; in.count && i < src.size; ++i) {
        if (const int32_t change = in.delta[i])
          for (int64_t r = f.start[column + i]; r < f.start[column + i + 1];
               ++r)
            axpy(a + f.runs[r].first, f.weight.data() + f.runs[r].offset,
                 f.runs[r].length, change);
      }
      column += src.size;
    }
  }

  /// Row by row: a dot product per run over the senders' changes (one
  /// source's outbox in place, several gathered side by side).
  void deliverByRow(int t, int64_t from) {
    const SynapseTable &table = net.tables[t];
    const int32_t *x;
    if (table.sources.size() == 1) {
      x = sent(table.sources[0], from).delta.data();
    } else {
      int32_t *out = gathered[t].data();
      for (const TableSource &src : table.sources) {
        const std::vector<int32_t> &d = sent(src, from).delta;
        out = std::copy(d.begin(), d.end(), out);
      }
      x = gathered[t].data();
    }
    const RunForm &f = plans[t].byRow;
    int64_t *a = acc[t].data();
    for (int64_t row = 0; row < table.rows; ++row) {
      int64_t sum = 0;
      for (int64_t r = f.start[row]; r < f.start[row + 1]; ++r)
        sum += dot(f.weight.data() + f.runs[r].offset, x + f.runs[r].first,
                   f.runs[r].length);
      a[row] += sum;
    }
  }

  /// Delivers the messages due at step s into group g's tables and returns
  /// the synops: per table, message by message or row by row, whichever
  /// touches fewer runs (same integer sums, same count).
  int64_t deliver(int g, int64_t s) {
    int64_t synops = 0;
    for (int t : net.groups[g].tables) {
      const SynapseTable &table = net.tables[t];
      const int64_t from = s - 1 - table.delay;
      if (from < 0)
        continue;
      int64_t messages = 0;
      for (const TableSource &src : table.sources)
        messages += sent(src, from).count;
      if (messages == 0)
        continue;
      synops += countSynops(t, from, messages);
      const TablePlan &plan = plans[t];
      if (plan.columnCost * static_cast<double>(messages) / table.cols <=
          plan.rowCost)
        deliverByMessage(t, from);
      else
        deliverByRow(t, from);
    }
    return synops;
  }


  /// Group g's dendritic input: its one table's sigma read in place, or
  /// the tables' rescaled sigmas summed into current[g].
  Dendrite dendrites(int g) {
    const NeuronGroup &group = net.groups[g];
    const int64_t *bias = biasOf(g);
    if (group.tables.size() == 1) {
      const int t = group.tables[0];
      return Dendrite{acc[t].data(), -net.tables[t].exponent, bias};
    }
    int64_t *cur = current[g].data();
    const int64_t inputs = group.currentSize();
    std::fill(cur, cur + inputs, 0);
    for (int t : group.tables) {
      const int shift = -net.tables[t].exponent;
      const int64_t *a = acc[t].data();
      for (int64_t i = 0; i < inputs; ++i)
        cur[i] += shiftRound(a[i], shift);
    }
    return Dendrite{cur, 0, bias};
  }

  /// Token index group g processes at step s, or -1 when it is idle.
  int64_t tokenAt(int g, int64_t s) const {
    const int64_t k = s - net.depth[g];
    const int64_t limit = sequenceLength >= 0 ? sequenceLength : fed;
    return k >= 0 && k < limit ? k : -1;
  }

  /// The widths group's updates saturate to.
  Widths widths(const NeuronGroup &group) const {
    const unsigned state = net.hardware.stateBits;
    return Widths{fixed::minInt(state), fixed::maxInt(state),
                  fixed::minInt(group.payloadBits),
                  fixed::maxInt(group.payloadBits)};
  }

  /// Sums over the sequence in a double-width register; after the last
  /// token sends the mean (or, with `last`, the last input).
  Update updateAccumulator(int g, Dendrite in, int64_t token, Outbox &out) {
    const NeuronGroup &group = net.groups[g];
    const unsigned stateBits = net.hardware.stateBits;
    const Widths w = widths(group);
    const bool sends = sequenceLength >= 0 && token == sequenceLength - 1;
    const SigmaDelta send = sigmaDelta(group);
    int64_t *total = sum[g].data();
    int32_t *prev = last[g].data();
    Update u;
    for (int64_t i = 0; i < group.size; ++i) {
      const int64_t c =
          clampCounted(in.current(i), w.stateLo, w.stateHi, u.overflows);
      u.active += c != 0;
      bool over = false;
      total[i] = group.last
                     ? c
                     : fixed::saturate(total[i] + c, 2 * stateBits, &over);
      u.overflows += over;
      if (sends) {
        const int64_t v = clampCounted(
            group.last ? total[i] : fixed::divRound(total[i], sequenceLength),
            w.payLo, w.payHi, u.overflows);
        out.delta[i] = send(v, prev[i], u.sent, u.overflows);
      }
    }
    return u;
  }

  /// Subramoney et al. 2023, Sec. 3.1, as the reference interpreter:
  /// c = u z + (1 - u) c - theta e_prev; e = [c > theta]; y = c e. The gate
  /// nonlinearities read the dequantized current (the chip's lookup
  /// tables); c is rounded back to the value format.
  Update updateEGRU(int g, Dendrite in, Outbox &out) {
    const NeuronGroup &group = net.groups[g];
    const int64_t n = group.size;
    const Widths w = widths(group);
    const SigmaDelta send = sigmaDelta(group);
    const double lsb = std::ldexp(1.0, -group.frac);
    std::vector<int64_t> gates(4 * n);
    Update u;
    for (int64_t i = 0; i < 4 * n; ++i)
      gates[i] = clampCounted(in.current(i), w.stateLo, w.stateHi, u.overflows);
    int64_t *c = sum[g].data();
    int32_t *e = event[g].data(), *prev = last[g].data();
    for (int64_t i = 0; i < n; ++i) {
      const double update = 1.0 / (1.0 + std::exp(-gates[i] * lsb));
      const double reset = 1.0 / (1.0 + std::exp(-gates[n + i] * lsb));
      const double z =
          std::tanh((gates[2 * n + i] + reset * gates[3 * n + i]) * lsb);
      const double next = update * z + (1.0 - update) * (c[i] * lsb) -
                          (e[i] ? group.theta[i] * lsb : 0.0);
      c[i] = clampCounted(static_cast<int64_t>(std::llround(next / lsb)),
                          w.stateLo, w.stateHi, u.overflows);
      e[i] = c[i] > group.theta[i];
      const int64_t y =
          e[i] ? clampCounted(c[i], w.payLo, w.payHi, u.overflows) : 0;
      out.delta[i] = send(y, prev[i], u.sent, u.overflows);
    }
    u.active = n; // every cell evaluates its gates each step
    return u;
  }

  void updateGroup(int g, int64_t s, Counters &c) {
    const NeuronGroup &group = net.groups[g];
    Outbox &out = openOutbox(g, s);
    GroupActivity &act = activity[g];
    act = GroupActivity();
    act.synops = deliver(g, s);
    c.synops += act.synops;
    const int64_t k = tokenAt(g, s);
    if (k < 0) {
      c.neuronUpdatesInactive += group.size;
      return;
    }
    const Dendrite in = dendrites(g);
    Update u;
    switch (group.model) {
    case NeuronModel::S4DMode:
      u = stepS4DModes(group.size, in, s4d[g], group.paramFrac[0],
                       group.paramFrac[1], group.paramFrac[2], widths(group),
                       sigmaDelta(group), xRe[g].data(), xIm[g].data(),
                       last[g].data(), out.delta.data());
      break;
    case NeuronModel::SigmaDelta:
    case NeuronModel::SigmaDeltaRelu:
      u = stepSigmaDelta(group.size, in,
                         group.model == NeuronModel::SigmaDeltaRelu,
                         widths(group), sigmaDelta(group),
                         prevCurrent[g].data(), last[g].data(),
                         out.delta.data());
      break;
    case NeuronModel::Accumulator:
      u = updateAccumulator(g, in, k, out);
      break;
    case NeuronModel::EGRUUnit:
      u = updateEGRU(g, in, out);
      break;
    case NeuronModel::Input:
      break;
    }
    out.count = u.sent;
    act.spikes = u.sent;
    act.active = u.active;
    act.overflows = u.overflows;
    c.neuronUpdatesActive += u.active;
    c.neuronUpdatesInactive += group.size - u.active;
    c.overflows += u.overflows;
    c.spikes += u.sent;
    for (const Route &r : routes[g]) {
      c.messages += u.sent;
      c.hopsX += u.sent * r.hopsX;
      c.hopsY += u.sent * r.hopsY;
    }
  }

  void sendInputs(const float *token, int64_t s) {
    int64_t offset = 0;
    for (int g : net.inputs) {
      const NeuronGroup &group = net.groups[g];
      Outbox &out = openOutbox(g, s);
      activity[g] = GroupActivity();
      if (!token) {
        offset += group.size;
        continue;
      }
      const SigmaDelta send = sigmaDelta(group);
      int32_t *prev = last[g].data();
      int64_t sent = 0, overflows = 0;
      for (int64_t i = 0; i < group.size; ++i) {
        bool over = false;
        const int64_t v = fixed::quantize(token[offset + i],
                                          {group.payloadBits, group.frac}, &over);
        overflows += over;
        out.delta[i] = send(v, prev[i], sent, overflows);
      }
      out.count = sent;
      activity[g].spikes = sent;
      activity[g].overflows = overflows;
      lastCounters.overflows += overflows;
      lastCounters.spikes += sent;
      lastCounters.inputSpikes += sent;
      // Host messages enter the mesh at their destination cores.
      lastCounters.messages += sent * static_cast<int64_t>(routes[g].size());
      offset += group.size;
    }
  }
};

Session::Session(const Network &network, int threads) {
  if (network.depth.size() != network.groups.size())
    throw std::invalid_argument("Session: the network was not validated");
  state = std::make_unique<State>(network, threads);
}
Session::~Session() = default;
Session::Session(Session &&) noexcept = default;

void Session::reset() { state->reset(); }

void Session::step(const float *token) {
  State &st = *state;
  const Network &net = st.net;
  const Hardware &hw = net.hardware;
  const int64_t s = st.stepIndex;
  st.lastCounters = Counters();
  st.sendInputs(token, s);
  const int64_t nCores = static_cast<int64_t>(net.cores.size());
  auto runCore = [&](int64_t c) {
    Counters &cc = st.coreCounters[c];
    cc = Counters();
    for (int g : st.coreGroups[c])
      st.updateGroup(g, s, cc);
    const OpCosts &t = hw.timeNS;
    st.coreTime[c] = cc.synops * t.synop + cc.neuronUpdatesActive * t.neuronActive +
                     cc.neuronUpdatesInactive * t.neuronInactive +
                     cc.messages * t.message;
  };
  if (st.threads > 1 && nCores > 1) {
    // Each core reads only messages of earlier steps and writes only its
    // own state, so the schedule cannot change any result.
#pragma omp parallel for num_threads(st.threads) schedule(static)
    for (int64_t c = 0; c < nCores; ++c)
      runCore(c);
  } else {
    for (int64_t c = 0; c < nCores; ++c)
      runCore(c);
  }
  // Reduce in core order; the step takes as long as the slowest core, the
  // longest route this step and the barrier.
  Counters &step = st.lastCounters;
  double slowest = 0;
  for (int64_t c = 0; c < nCores; ++c) {
    step.add(st.coreCounters[c]);
    slowest = std::max(slowest, st.coreTime[c]);
  }
  double route = 0;
  for (size_t g = 0; g < net.groups.size(); ++g)
    if (st.activity[g].spikes)
      for (const Route &r : st.routes[g])
        route = std::max(route, r.hopsX * hw.timeNS.hopX + r.hopsY * hw.timeNS.hopY);
  const OpCosts &e = hw.energyPJ;
  step.steps = 1;
  step.timeNS = slowest + route + hw.timeNS.barrier;
  step.energyPJ = step.synops * e.synop + step.neuronUpdatesActive * e.neuronActive +
                  step.neuronUpdatesInactive * e.neuronInactive +
                  step.messages * e.message + step.hopsX * e.hopX +
                  step.hopsY * e.hopY + e.barrier;
  st.totals.add(step);
  ++st.stepIndex;
}

const Counters &Session::feed(const float *token) {
  if (state->sequenceLength >= 0)
    throw std::logic_error("Session::feed after finish(); call reset()");
  ++state->fed;
  step(token);
  return state->lastCounters;
}

std::vector<double>
Session::finish(const std::function<void(int64_t step)> &afterStep) {
  State &st = *state;
  if (st.sequenceLength < 0) {
    st.sequenceLength = st.fed;
    while (st.stepIndex < st.sequenceLength + st.net.maxDepth) {
      step(nullptr);
      if (afterStep)
        afterStep(st.stepIndex - 1);
    }
  }
  return outputs();
}

std::vector<double> Session::outputs() const {
  std::vector<double> y;
  for (int g : state->net.outputs) {
    const NeuronGroup &group = state->net.groups[g];
    for (int32_t v : state->last[g])
      y.push_back(std::ldexp(static_cast<double>(v), -group.frac));
  }
  return y;
}

int64_t Session::outputLatency() const {
  int64_t d = 0;
  for (int g : state->net.outputs)
    d = std::max(d, state->net.depth[g]);
  return d;
}

int64_t Session::tokens() const { return state->fed; }
const Counters &Session::totals() const { return state->totals; }
const std::vector<GroupActivity> &Session::lastStep() const {
  return state->activity;
}
const Network &Session::network() const { return state->net; }
