//===- Delivery.h - messages in flight and their delivery -------*- C++ -*-===//
//
// The part of a session that moves messages: every group's outboxes for
// the last max-delay + 2 steps (a ring), each synapse table's received sum,
// and the delivery of a step's messages into a group's tables, message by
// message or row by row, whichever touches fewer runs (SynapsePlan.h).
// Integer sums are exact, so both ways give the same sums; synops are
// counted per message either way (docs/cost-model.md).
//
//===----------------------------------------------------------------------===//

#ifndef SSM_RUNTIME_LIB_DELIVERY_H
#define SSM_RUNTIME_LIB_DELIVERY_H

#include "SynapsePlan.h"
#include "ssm/Runtime/Neurocore.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

namespace ssm::rt::neuro {

/// A message of an fp32 network is a binary32 in the 32 bits an integer
/// payload takes (Outbox::delta, Session's last-sent values): the bits of
/// +0.0 are 0, "nothing sent", and a sent change is never zero.
inline float asFloat(int32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}
inline int32_t bitsOf(float f) {
  int32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}

/// Sigma-delta in binary32 (SigmaDelta's rule for an fp32 network): sends
/// the change of `value` since the neuron last sent when its magnitude
/// exceeds `threshold` (real units); returns the change's bits (0: none)
/// and keeps `lastBits` the sum of the changes sent, as a receiver sums
/// them.
struct SigmaDelta32 {
  float threshold;
  int32_t operator()(float value, int32_t &lastBits) const {
    const float previous = asFloat(lastBits);
    const float change = value - previous;
    if (!(std::fabs(change) > threshold))
      return 0;
    lastBits = bitsOf(previous + change);
    return bitsOf(change);
  }
};

/// What a group sent in one step: its messages (0 where a neuron sent
/// nothing; changes or payloads, by the model's encoding) and how many.
struct Outbox {
  LaneVector<int32_t> delta;
  int64_t count = 0;
};

class Delivery {
public:
  /// Plans every table of `net` (which must outlive this).
  explicit Delivery(const Network &net);

  /// Nothing in flight, every table's sum zero.
  void reset();

  /// Starts group g's outbox for step s (nothing sent yet).
  Outbox &open(int g, int64_t s) {
    Outbox &out = outbox[g][s % ring];
    if (out.count)
      std::fill(out.delta.begin(), out.delta.end(), 0);
    out.count = 0;
    return out;
  }

  /// Delivers the messages due at step s into group g's tables and returns
  /// the synops; adds the bytes they read from DRAM to `dramBytes`.
  int64_t deliver(int g, int64_t s, double &dramBytes);

  /// What group g sent at step s (valid until the slot is reopened,
  /// max delay + 2 steps later).
  const Outbox &outboxOf(int g, int64_t s) const {
    return outbox[g][s % ring];
  }

  /// Table t's received sum: the sigma of the changes it received (fed by
  /// spikes: this step's spikes), one entry per row, unshifted.
  const int64_t *sum(int t) const { return acc[t].data(); }
  /// The same in an fp32 network, in binary32 and real units.
  const float *sum32(int t) const { return acc32[t].data(); }

private:
  /// The outbox of source `src` of a table that reads step `from`.
  const Outbox &sent(const TableSource &src, int64_t from) const {
    return outbox[src.group][from % ring];
  }
  int64_t countSynops(int t, int64_t from, int64_t messages) const;
  void deliverByMessage(int t, int64_t from);
  void deliverByRow(int t, int64_t from);
  void deliverFP32(int t, int64_t from);

  const Network &net;
  int64_t ring; // outbox slots: max delay + 2
  std::vector<TablePlan> plans;
  std::vector<std::vector<Outbox>> outbox; // [group][slot]
  // Per table: the received sum, whether its sources send spikes, and
  // (tables with several sources) the sources' messages side by side for
  // row-wise delivery.
  std::vector<LaneVector<int64_t>> acc;
  std::vector<char> spiking;
  std::vector<double> dramPerSynop; // bytes per synop; 0 on the core
  std::vector<LaneVector<int32_t>> gathered;
  // An fp32 network: per table, its received sum and its real weights
  // in binary32, in SynapseTable's CSR order.
  bool fp32;
  std::vector<LaneVector<float>> acc32;
  std::vector<std::vector<float>> weight32;
};

} // namespace ssm::rt::neuro

#endif // SSM_RUNTIME_LIB_DELIVERY_H
