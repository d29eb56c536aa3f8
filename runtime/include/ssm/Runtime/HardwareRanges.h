//===- HardwareRanges.h - what a hardware description may say ---*- C++ -*-===//
//
// The allowed range of every field of a hardware description, one table for
// every reader: the JSON reader and the nc attribute reader
// (ssm/Dialect/NC/Hardware.h) and the runtime's own check of a network's
// hardware (Network::validate(), which covers compiled network files). The
// upper bounds keep every product the compiler and runtime form (cores x
// neurons, mesh hops, shift amounts) far from int64 overflow while allowing
// systems well beyond today's largest (Hala Point: 1,152 chips of 128 cores
// of 8,192 neurons).
//
//===----------------------------------------------------------------------===//

#ifndef SSM_RUNTIME_HARDWARERANGES_H
#define SSM_RUNTIME_HARDWARERANGES_H

#include <cassert>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

namespace ssm::rt::hw {

/// An integer field (its JSON key) and its inclusive range. An optional
/// field is 0 where a description or file does not give it.
struct IntegerRange {
  const char *key;
  int64_t min, max;
  bool optional = false;

  constexpr bool contains(int64_t value) const {
    return value >= min && value <= max;
  }
};

inline constexpr IntegerRange kIntegerRanges[] = {
    {"chips", 1, 1 << 16},
    {"neurons_per_core", 1, 1 << 24},
    {"synapse_bytes_per_core", 1, int64_t(1) << 32},
    {"state_bits", 2, 32},
    {"message_bits", 1, 32},
    {"weight_bits", 2, 16},
    {"max_delay", 0, 1 << 16},
    {"dram_bytes", 0, int64_t(1) << 40, /*optional=*/true}};

/// The range of integer field `key` (one of kIntegerRanges).
inline const IntegerRange &integerRange(std::string_view key) {
  for (const IntegerRange &range : kIntegerRanges)
    if (key == range.key)
      return range;
  assert(false && "not an integer field of a hardware description");
  return kIntegerRanges[0];
}

/// A mesh side is 1..kMaxMeshSide; weight exponents lie in
/// [-kMaxExponent, kMaxExponent].
inline constexpr int64_t kMaxMeshSide = 1 << 12, kMaxExponent = 32;

inline constexpr bool meshInRange(int64_t x, int64_t y) {
  return x >= 1 && y >= 1 && x <= kMaxMeshSide && y <= kMaxMeshSide;
}
/// Both exponents within the bounds (whether min <= max is asked apart).
inline constexpr bool exponentsInRange(int64_t min, int64_t max) {
  return min >= -kMaxExponent && max <= kMaxExponent;
}

/// The most cores a description may have (chips x mesh), above the largest
/// Loihi 2 system built (Hala Point, 1,152 chips): placement scans every
/// free position for each core it places, so the mesh bounds its work.
inline constexpr int64_t kMaxCores = int64_t(1) << 18;

/// The largest cost (pJ, ns) or static power (mW) accepted.
inline constexpr double kMaxCost = 1e12;

/// Costs and power are numbers in [0, kMaxCost] (not NaN).
inline bool isValidCost(double value) {
  return value >= 0 && value <= kMaxCost;
}

/// Why chips x meshX x meshY (each already within its range) is too many
/// cores, or "".
inline std::string coresProblem(int64_t chips, int64_t meshX, int64_t meshY) {
  const int64_t cores = chips * meshX * meshY; // at most 2^40: no overflow
  if (cores <= kMaxCores)
    return "";
  return "describes " + std::to_string(cores) + " cores (" +
         std::to_string(chips) + " chips of " + std::to_string(meshX) + " x " +
         std::to_string(meshY) + "), more than the " +
         std::to_string(kMaxCores) + " supported";
}

/// The chips a hardware description may describe (its `target` key): the
/// ssmc target that compiles for it and runs its networks (loihi2 when a
/// description or network file does not say).
inline constexpr const char *kChipTargets[] = {"loihi2", "spinnaker2"};
inline constexpr const char *kDefaultChipTarget = "loihi2";

/// Whether `target` is one of kChipTargets.
inline bool isChipTarget(std::string_view target) {
  for (const char *known : kChipTargets)
    if (target == known)
      return true;
  return false;
}

/// kChipTargets as "loihi2, spinnaker2", for errors.
inline std::string chipTargetNames() {
  std::string names;
  for (const char *known : kChipTargets)
    names += (names.empty() ? "" : ", ") + std::string(known);
  return names;
}

/// The arithmetic a network computes in (a description's `arithmetic`
/// key, a network file's /hardware@arithmetic; fixed when not given):
/// - Fixed: integer weights of weight_bits with a shared exponent per
///   table, states and payloads fixed point of state_bits / message_bits
///   (Loihi 2's neurocores; SpiNNaker 2's int8 path, weights on the MAC
///   array);
/// - FP32: IEEE-754 binary32 weights, states, currents and payloads
///   (SpiNNaker 2's Arm cores as the seed ran its EGRU, Nazeer et al.
///   2024); the weights are those quantized to weight_bits, held as fp32.
enum class Arithmetic { Fixed, FP32 };
inline constexpr const char *kArithmetics[] = {"fixed", "fp32"};
/// The key's name of `a` ("fixed", "fp32").
inline const char *arithmeticName(Arithmetic a) {
  return kArithmetics[static_cast<int>(a)];
}
/// The arithmetic named `name`, or false.
inline bool parseArithmetic(std::string_view name, Arithmetic &out) {
  for (size_t k = 0; k < std::size(kArithmetics); ++k)
    if (name == kArithmetics[k]) {
      out = static_cast<Arithmetic>(k);
      return true;
    }
  return false;
}
/// Bits a weight takes in memory: weight_bits, or a binary32 in an fp32
/// network (the one place the table sizes of compiler and runtime ask).
inline unsigned storedWeightBits(Arithmetic a, unsigned weightBits) {
  return a == Arithmetic::FP32 ? 32u : weightBits;
}
/// The most clock_mhz a description may give (its cycle counts become
/// times as cycles x 1000 / clock_mhz ns).
inline constexpr double kMaxClockMHz = 1e6;

/// Why [chipMeshX, chipMeshY] is not an arrangement of `chips` chips (both
/// sides positive, their product the chip count), or "".
inline std::string chipMeshProblem(int64_t chips, int64_t chipMeshX,
                                   int64_t chipMeshY) {
  if (chipMeshX >= 1 && chipMeshY >= 1 && chipMeshX <= chips &&
      chipMeshY <= chips && chipMeshX * chipMeshY == chips)
    return "";
  return "chip_mesh [" + std::to_string(chipMeshX) + ", " +
         std::to_string(chipMeshY) + "] does not arrange its " +
         std::to_string(chips) + " chips (the sides' product must be chips)";
}

} // namespace ssm::rt::hw

#endif // SSM_RUNTIME_HARDWARERANGES_H
