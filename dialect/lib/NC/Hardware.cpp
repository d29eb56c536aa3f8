//===- Hardware.cpp - hardware description files --------------------------===//

#include "ssm/Dialect/NC/Hardware.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/JSON.h"

#include "ssm/Runtime/HardwareRanges.h"
#include "ssm/Runtime/InputFile.h"
#include "ssm/Runtime/Neurocore.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>

using namespace mlir;
using namespace llvm;

namespace {
/// hardware/loihi2.json and spinnaker2.json, embedded at build time
/// (dialect/lib/NC/CMakeLists.txt).
const char kLoihi2[] =
#include "loihi2.json.inc"
    ;
const char kSpiNNaker2[] =
#include "spinnaker2.json.inc"
    ;


// The ranges are the runtime's (HardwareRanges.h), shared by every reader
// of a hardware description.
using ssm::rt::hw::coresProblem;
using ssm::rt::hw::exponentsInRange;
using ssm::rt::hw::integerRange;
using ssm::rt::hw::IntegerRange;
using ssm::rt::hw::isValidCost;
using ssm::rt::hw::kIntegerRanges;
using ssm::rt::hw::kMaxExponent;
using ssm::rt::hw::kMaxMeshSide;
using ssm::rt::hw::meshInRange;
/// `value` as an integer, or empty when it is not one (a fraction, a string,
/// 1e400). llvm::json's getAsInteger converts a double of exactly 2^63 to
/// int64_t, which is undefined (found by ssmc-fuzz-hardware under UBSan),
/// so doubles outside (-2^63, 2^63) are refused before it is asked.
std::optional<int64_t> integerOf(const json::Value *value) {
  if (!value)
    return std::nullopt;
  // Integers as written (2^63 - 1 included) come back as they are.
  if (std::optional<uint64_t> whole = value->getAsUINT64())
    return *whole <= uint64_t(INT64_MAX) ? std::optional<int64_t>(*whole)
                                         : std::nullopt;
  if (std::optional<double> number = value->getAsNumber();
      number && !(*number > -0x1p63 && *number < 0x1p63))
    return std::nullopt;
  return value->getAsInteger();
}

/// The deepest nesting of JSON arrays and objects read (llvm::json's parser
/// recurses, so a file nested 50,000 deep would overflow the stack).
constexpr int kMaxJSONDepth = 32;

/// The nesting depth of `text`'s arrays and objects, counted outside
/// strings; stops counting past `limit`.
int jsonDepth(StringRef text, int limit) {
  int depth = 0, deepest = 0;
  bool inString = false;
  for (size_t i = 0; i < text.size() && deepest <= limit; ++i) {
    const char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}
} // namespace

StringRef ssm::nc::builtinHardwareJSON(StringRef target) {
  if (target == "spinnaker2")
    return kSpiNNaker2;
  assert(target == "loihi2" && "a chip of rt::hw::kChipTargets");
  return kLoihi2;
}

namespace {
/// The parsed description `root` as the `hardware` attribute (the body of
/// parseHardwareDescription, which checked the text).
Expected<DictionaryAttr> parseDescription(MLIRContext *context,
                                          const json::Object *root,
                                          StringRef sourceName) {
  auto fail = [&](const Twine &message) -> Error {
    return createStringError(inconvertibleErrorCode(),
                             sourceName + ": " + message);
  };
  Builder b(context);
  NamedAttrList attrs;
  llvm::StringSet<> known = {
      "name",      "description", "target",          "mesh",
      "chip_mesh", "weight_exponent", "energy_pj",    "time_ns",
      "clock_mhz", "cycles",      "static_power_mw", "arithmetic",
      "fp32"};
  for (const IntegerRange &k : kIntegerRanges)
    known.insert(k.key);
  for (const auto &entry : *root)
    if (!known.contains(entry.first))
      return fail("unknown key '" + entry.first.str() + "'");

  // The arithmetic: fixed point unless said.
  ssm::rt::hw::Arithmetic arithmetic = ssm::rt::hw::Arithmetic::Fixed;
  if (const json::Value *a = root->get("arithmetic")) {
    std::optional<StringRef> text = a->getAsString();
    if (!text || !ssm::rt::hw::parseArithmetic(*text, arithmetic))
      return fail("'arithmetic' must be \"fixed\" or \"fp32\"");
  }
  attrs.append("arithmetic",
               b.getStringAttr(ssm::rt::hw::arithmeticName(arithmetic)));

  std::optional<StringRef> name = root->getString("name");
  if (!name || name->empty())
    return fail("'name' must be a non-empty string");
  attrs.append("name", b.getStringAttr(*name));
  // The chip the description is of (which target runs its networks).
  if (const json::Value *target = root->get("target")) {
    std::optional<StringRef> text = target->getAsString();
    if (!text || !ssm::rt::hw::isChipTarget(*text))
      return fail("'target' must be one of " +
                  ssm::rt::hw::chipTargetNames());
    attrs.append("target", b.getStringAttr(*text));
  } else {
    attrs.append("target", b.getStringAttr(ssm::rt::hw::kDefaultChipTarget));
  }
  for (const IntegerRange &k : kIntegerRanges) {
    // integerOf is empty for 1e400, 2^63 and fractions, so nothing is
    // truncated on the way in.
    if (k.optional && !root->get(k.key))
      continue;
    std::optional<int64_t> value = integerOf(root->get(k.key));
    if (!value)
      return fail(Twine("'") + k.key + "' must be an integer");
    if (!k.contains(*value))
      return fail(Twine("'") + k.key + "' must be between " + Twine(k.min) +
                  " and " + Twine(k.max) + ", got " + Twine(*value));
    attrs.append(k.key, b.getI64IntegerAttr(*value));
  }
  auto pair = [&](StringRef key, bool positive) -> Error {
    const json::Array *array = root->getArray(key);
    std::optional<int64_t> a, c;
    if (array && array->size() == 2) {
      a = integerOf(&(*array)[0]);
      c = integerOf(&(*array)[1]);
    }
    if (!a || !c)
      return fail("'" + key + "' must be a pair of integers");
    if (positive && !meshInRange(*a, *c))
      return fail("'" + key + "' must be two sides between 1 and " +
                  Twine(kMaxMeshSide) + ", got [" + Twine(*a) + ", " +
                  Twine(*c) + "]");
    if (!positive && !exponentsInRange(*a, *c))
      return fail("'" + key + "' must lie within [" + Twine(-kMaxExponent) +
                  ", " + Twine(kMaxExponent) + "], got [" + Twine(*a) + ", " +
                  Twine(*c) + "]");
    if (!positive && *a > *c)
      return fail("'" + key + "' must be [min, max], got [" + Twine(*a) +
                  ", " + Twine(*c) + "]");
    attrs.append(key, b.getI64ArrayAttr({*a, *c}));
    return Error::success();
  };
  if (Error e = pair("mesh", /*positive=*/true))
    return std::move(e);
  // Across keys: from the attributes just checked and built.
  ArrayAttr mesh = cast<ArrayAttr>(attrs.get("mesh"));
  if (std::string problem =
          coresProblem(cast<IntegerAttr>(attrs.get("chips")).getInt(),
                       cast<IntegerAttr>(mesh[0]).getInt(),
                       cast<IntegerAttr>(mesh[1]).getInt());
      !problem.empty())
    return fail(problem);
  // The chips on their own mesh; by default a row.
  const int64_t chips = cast<IntegerAttr>(attrs.get("chips")).getInt();
  if (root->get("chip_mesh")) {
    if (Error e = pair("chip_mesh", /*positive=*/true))
      return std::move(e);
    ArrayAttr chipMesh = cast<ArrayAttr>(attrs.get("chip_mesh"));
    if (std::string problem = ssm::rt::hw::chipMeshProblem(
            chips, cast<IntegerAttr>(chipMesh[0]).getInt(),
            cast<IntegerAttr>(chipMesh[1]).getInt());
        !problem.empty())
      return fail(problem);
  } else {
    attrs.append("chip_mesh", b.getI64ArrayAttr({chips, 1}));
  }
  if (Error e = pair("weight_exponent", /*positive=*/false))
    return std::move(e);
  // Times are given in ns (`time_ns`) or in clock cycles (`cycles` at
  // `clock_mhz`: a processor's cost counts, SpiNNaker 2's), never both; the
  // attribute holds ns either way.
  const bool inCycles = root->get("cycles") || root->get("clock_mhz");
  double nsPerCycle = 0;
  if (inCycles) {
    if (root->get("time_ns"))
      return fail("give operation times as 'time_ns' or as 'cycles' at "
                  "'clock_mhz', not both");
    std::optional<double> mhz = root->getNumber("clock_mhz");
    if (!mhz || !(*mhz > 0 && *mhz <= ssm::rt::hw::kMaxClockMHz))
      return fail("'clock_mhz' must be a number above 0 and at most " +
                  Twine(static_cast<int64_t>(ssm::rt::hw::kMaxClockMHz)) +
                  " (with 'cycles')");
    nsPerCycle = 1000.0 / *mhz;
  }
  for (StringRef table : {"energy_pj", inCycles ? "cycles" : "time_ns"}) {
    const json::Object *costs = root->getObject(table);
    if (!costs) {
      std::string keys;
      for (const ssm::rt::neuro::CostField &f : ssm::rt::neuro::kCostFields)
        keys += (keys.empty() ? "" : ", ") + std::string(f.key);
      return fail("'" + table + "' must be an object with the keys " + keys);
    }
    const double scale = table == "cycles" ? nsPerCycle : 1.0;
    NamedAttrList entries;
    for (const ssm::rt::neuro::CostField &f : ssm::rt::neuro::kCostFields) {
      if (f.optional && !costs->get(f.key))
        continue;
      std::optional<double> value = costs->getNumber(f.key);
      if (!value || !isValidCost(*value) || !isValidCost(*value * scale))
        return fail("'" + table + "." + f.key +
                    "' must be a number between 0 and 1e12" +
                    (table == "cycles" ? " (as ns)" : ""));
      entries.append(f.key, b.getF64FloatAttr(*value * scale));
    }
    for (const auto &entry : *costs)
      if (llvm::none_of(ssm::rt::neuro::kCostFields,
                        [&](const ssm::rt::neuro::CostField &f) {
                          return entry.first == f.key;
                        }))
        return fail("unknown key '" + table + "." + entry.first.str() + "'");
    attrs.append(table == "cycles" ? StringRef("time_ns") : table,
                 b.getDictionaryAttr(entries));
  }
  std::optional<double> staticPower = root->getNumber("static_power_mw");
  if (!staticPower || !isValidCost(*staticPower))
    return fail("'static_power_mw' must be a number between 0 and 1e12");
  attrs.append("static_power_mw", b.getF64FloatAttr(*staticPower));
  // A fixed-point chip's fp32 variant, once the description itself is
  // valid: its `fp32` section gives the keys that differ (objects merged
  // key by key), and the result is read as a description of its own.
  if (const json::Value *section = root->get("fp32")) {
    const json::Object *changes = section->getAsObject();
    if (!changes)
      return fail("'fp32' must be an object: the keys that differ when the "
                  "chip computes in fp32");
    if (arithmetic != ssm::rt::hw::Arithmetic::Fixed)
      return fail("'fp32' is the fp32 variant of a fixed-point description; "
                  "this one is already fp32");
    json::Object merged = *root;
    merged.erase("fp32");
    for (const auto &entry : *changes) {
      if (entry.first == "target" || entry.first == "arithmetic" ||
          entry.first == "fp32")
        return fail("'fp32." + entry.first.str() +
                    "' cannot differ from the chip's");
      const json::Object *keys = entry.second.getAsObject();
      json::Object *into = merged.getObject(entry.first);
      if (keys && into)
        for (const auto &key : *keys)
          (*into)[key.first] = key.second;
      else
        merged[entry.first] = entry.second;
    }
    merged["arithmetic"] = "fp32";
    Expected<DictionaryAttr> variant =
        parseDescription(context, &merged, sourceName.str() + " (fp32)");
    if (!variant)
      return variant.takeError();
    attrs.append("fp32", *variant);
  }
  return b.getDictionaryAttr(attrs);
}
} // namespace

Expected<DictionaryAttr>
ssm::nc::parseHardwareDescription(MLIRContext *context, StringRef text,
                                  StringRef sourceName) {
  auto fail = [&](const Twine &message) -> Error {
    return createStringError(inconvertibleErrorCode(),
                             sourceName + ": " + message);
  };
  if (jsonDepth(text, kMaxJSONDepth) > kMaxJSONDepth)
    return fail("nested deeper than " + Twine(kMaxJSONDepth) +
                " levels; a hardware description is a flat object");
  Expected<json::Value> parsed = json::parse(text);
  if (!parsed)
    return fail("not valid JSON: " + toString(parsed.takeError()));
  const json::Object *root = parsed->getAsObject();
  if (!root)
    return fail("a hardware description must be a JSON object");
  return parseDescription(context, root, sourceName);
}

Expected<DictionaryAttr> ssm::nc::withArithmetic(DictionaryAttr hardware,
                                                 StringRef arithmetic) {
  auto given = hardware.getAs<StringAttr>("arithmetic");
  const StringRef own =
      given ? given.getValue()
            : StringRef(ssm::rt::hw::arithmeticName(
                  ssm::rt::hw::Arithmetic::Fixed));
  auto name = hardware.getAs<StringAttr>("name");
  const std::string chip = name ? name.str() : "?";
  if (arithmetic.empty() || own == arithmetic) {
    NamedAttrList attrs(hardware);
    attrs.erase("fp32");
    return DictionaryAttr::get(hardware.getContext(), attrs);
  }
  if (arithmetic == "fp32")
    if (auto variant = hardware.getAs<DictionaryAttr>("fp32"))
      return variant;
  return createStringError(
      inconvertibleErrorCode(),
      "--arithmetic=" + arithmetic + ": hardware description '" + chip +
          "' computes in " + own + " and has no " + arithmetic +
          " variant" +
          (arithmetic == "fp32"
               ? " (an 'fp32' section; the built-in spinnaker2 has one)"
               : ""));
}

Expected<DictionaryAttr>
ssm::nc::loadHardwareDescription(MLIRContext *context, StringRef path,
                                 StringRef builtin) {
  if (path.empty())
    return parseHardwareDescription(context, builtinHardwareJSON(builtin),
                                    "hardware/" + builtin.str() +
                                        ".json (built in)");
  uint64_t size = 0;
  const std::string problem =
      ssm::inputFileProblem(path.str(), ssm::kMaxSourceBytes, size);
  if (!problem.empty())
    return createStringError(inconvertibleErrorCode(),
                             "hardware description '" + path + "' " + problem);
  ErrorOr<std::unique_ptr<MemoryBuffer>> file = MemoryBuffer::getFile(path);
  if (!file)
    return createStringError(file.getError(), "cannot read hardware "
                                              "description '" +
                                                  path + "': " +
                                                  file.getError().message());
  return parseHardwareDescription(context, (*file)->getBuffer(), path);
}

FailureOr<ssm::nc::ResolvedHardware>
ssm::nc::resolveHardware(Operation *anchor, DictionaryAttr given,
                         StringRef path) {
  ResolvedHardware hw;
  hw.description = given;
  if (!hw.description) {
    Expected<DictionaryAttr> loaded =
        loadHardwareDescription(anchor->getContext(), path);
    if (!loaded) {
      anchor->emitError() << toString(loaded.takeError());
      return failure();
    }
    hw.description = *loaded;
  }
  FailureOr<HardwareLimits> limits = readHardwareLimits(
      hw.description, [&] { return anchor->emitError(); });
  if (failed(limits))
    return failure();
  hw.limits = *limits;
  return hw;
}

FailureOr<ssm::nc::HardwareLimits> ssm::nc::readHardwareLimits(
    DictionaryAttr hw, llvm::function_ref<InFlightDiagnostic()> emitError) {
  HardwareLimits limits;
  // The same ranges as parseHardwareDescription's: an nc file carries its
  // hardware attribute as text a user can edit.
  auto integer = [&](StringRef key, auto &out) -> LogicalResult {
    const IntegerRange &range = integerRange(key);
    auto attr = hw.getAs<IntegerAttr>(key);
    if (!attr || attr.getType().getIntOrFloatBitWidth() > 64 ||
        !range.contains(attr.getInt()))
      return emitError() << "hardware description needs an integer '" << key
                         << "' between " << range.min << " and "
                         << range.max;
    out = static_cast<std::decay_t<decltype(out)>>(attr.getInt());
    return success();
  };
  auto pair = [&](StringRef key, auto &a, auto &b) -> LogicalResult {
    auto attr = hw.getAs<ArrayAttr>(key);
    if (!attr || attr.size() != 2 || !isa<IntegerAttr>(attr[0]) ||
        !isa<IntegerAttr>(attr[1]))
      return emitError() << "hardware description needs '" << key
                         << "' as a pair of integers";
    const int64_t x = cast<IntegerAttr>(attr[0]).getInt(),
                  y = cast<IntegerAttr>(attr[1]).getInt();
    const bool mesh = key == "mesh" || key == "chip_mesh";
    if (mesh ? !meshInRange(x, y) : (!exponentsInRange(x, y) || x > y))
      return emitError() << "hardware description's '" << key << "' ["
                         << x << ", " << y << "] is out of range ("
                         << (mesh ? "sides 1.." + std::to_string(kMaxMeshSide)
                                  : "[min, max] within [-" +
                                        std::to_string(kMaxExponent) + ", " +
                                        std::to_string(kMaxExponent) + "]")
                         << ")";
    a = static_cast<std::decay_t<decltype(a)>>(x);
    b = static_cast<std::decay_t<decltype(b)>>(y);
    return success();
  };
  auto name = hw.getAs<StringAttr>("name");
  if (!name)
    return emitError() << "hardware description needs a 'name'";
  limits.name = name.str();
  if (failed(integer("chips", limits.chips)) ||
      failed(pair("mesh", limits.meshX, limits.meshY)) ||
      failed(integer("neurons_per_core", limits.neuronsPerCore)) ||
      failed(integer("synapse_bytes_per_core", limits.synapseBytesPerCore)) ||
      failed(integer("state_bits", limits.stateBits)) ||
      failed(integer("message_bits", limits.messageBits)) ||
      failed(integer("weight_bits", limits.weightBits)) ||
      failed(pair("weight_exponent", limits.exponentMin, limits.exponentMax)))
    return failure();
  if (std::string problem =
          coresProblem(limits.chips, limits.meshX, limits.meshY);
      !problem.empty())
    return emitError() << "hardware description " << problem;
  // chip_mesh: a row of chips in nc files written before it existed.
  limits.chipMeshX = limits.chips;
  limits.chipMeshY = 1;
  if (hw.get("chip_mesh")) {
    if (failed(pair("chip_mesh", limits.chipMeshX, limits.chipMeshY)))
      return failure();
    if (std::string problem = ssm::rt::hw::chipMeshProblem(
            limits.chips, limits.chipMeshX, limits.chipMeshY);
        !problem.empty())
      return emitError() << "hardware description's " << problem;
  }
  if (auto a = hw.getAs<StringAttr>("arithmetic")) {
    if (!ssm::rt::hw::parseArithmetic(a.getValue(), limits.arithmetic))
      return emitError() << "hardware description's 'arithmetic' must be "
                            "\"fixed\" or \"fp32\", got '"
                         << a.getValue() << "'";
  } else if (hw.get("arithmetic")) {
    return emitError() << "hardware description's 'arithmetic' must be a "
                          "string";
  }
  if (hw.get("dram_bytes") &&
      failed(integer("dram_bytes", limits.dramBytes)))
    return failure();
  if (auto delay = hw.getAs<IntegerAttr>("max_delay")) {
    const IntegerRange &range = integerRange("max_delay");
    if (!range.contains(delay.getInt()))
      return emitError() << "hardware description's 'max_delay' must be "
                            "between 0 and "
                         << range.max;
    limits.maxDelay = delay.getInt();
  }
  return limits;
}

Expected<DictionaryAttr> ssm::nc::withChips(DictionaryAttr hardware,
                                            int64_t chips) {
  const IntegerRange &range = integerRange("chips");
  auto mesh = hardware.getAs<ArrayAttr>("mesh");
  if (!range.contains(chips))
    return createStringError(inconvertibleErrorCode(),
                             "--chips must be between " + Twine(range.min) +
                                 " and " + Twine(range.max) + ", got " +
                                 Twine(chips));
  if (mesh && mesh.size() == 2)
    if (std::string problem =
            coresProblem(chips, cast<IntegerAttr>(mesh[0]).getInt(),
                         cast<IntegerAttr>(mesh[1]).getInt());
        !problem.empty())
      return createStringError(inconvertibleErrorCode(),
                               "--chips=" + Twine(chips) + ": the system " +
                                   problem);
  Builder b(hardware.getContext());
  NamedAttrList attrs(hardware);
  attrs.set("chips", b.getI64IntegerAttr(chips));
  attrs.set("chip_mesh", b.getI64ArrayAttr({chips, 1}));
  return b.getDictionaryAttr(attrs);
}
