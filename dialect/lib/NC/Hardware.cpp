//===- Hardware.cpp - hardware description files --------------------------===//

#include "ssm/Dialect/NC/Hardware.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/JSON.h"

#include <cmath>
#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;
using namespace llvm;

namespace {
/// hardware/loihi2.json, embedded at build time (LoihiJson.inc).
const char kLoihi2[] =
#include "LoihiJson.inc"
    ;

const StringLiteral kCostKeys[] = {"synop",   "neuron_active", "neuron_inactive",
                                   "message", "hop_x",         "hop_y",
                                   "barrier"};

/// Integer keys and their smallest allowed value.
const std::pair<StringLiteral, int64_t> kIntegerKeys[] = {
    {"chips", 1},     {"neurons_per_core", 1}, {"synapse_bytes_per_core", 1},
    {"state_bits", 2}, {"message_bits", 1},     {"weight_bits", 2},
    {"max_delay", 0}};
} // namespace

ArrayRef<StringLiteral> ssm::nc::costKeys() { return kCostKeys; }
StringRef ssm::nc::defaultHardwareJSON() { return kLoihi2; }

Expected<DictionaryAttr>
ssm::nc::parseHardwareDescription(MLIRContext *context, StringRef text,
                                  StringRef sourceName) {
  auto fail = [&](const Twine &message) -> Error {
    return createStringError(inconvertibleErrorCode(),
                             sourceName + ": " + message);
  };
  Expected<json::Value> parsed = json::parse(text);
  if (!parsed)
    return fail("not valid JSON: " + toString(parsed.takeError()));
  const json::Object *root = parsed->getAsObject();
  if (!root)
    return fail("a hardware description must be a JSON object");

  Builder b(context);
  NamedAttrList attrs;
  llvm::StringSet<> known = {"name", "description", "mesh", "weight_exponent",
                       "energy_pj", "time_ns", "static_power_mw"};
  for (auto &[key, min] : kIntegerKeys)
    known.insert(key);
  for (const auto &entry : *root)
    if (!known.contains(entry.first))
      return fail("unknown key '" + entry.first.str() + "'");

  std::optional<StringRef> name = root->getString("name");
  if (!name || name->empty())
    return fail("'name' must be a non-empty string");
  attrs.append("name", b.getStringAttr(*name));
  for (auto &[key, min] : kIntegerKeys) {
    std::optional<int64_t> value = root->getInteger(key);
    if (!value)
      return fail("'" + key + "' must be an integer");
    if (*value < min)
      return fail("'" + key + "' must be at least " + Twine(min) + ", got " +
                  Twine(*value));
    attrs.append(key, b.getI64IntegerAttr(*value));
  }
  if (*root->getInteger("message_bits") > 32 ||
      *root->getInteger("state_bits") > 32 ||
      *root->getInteger("weight_bits") > 16)
    return fail("widths beyond 32 bits (message, state) or 16 bits (weight) "
                "are not supported by the event runtime");
  auto pair = [&](StringRef key, bool positive) -> Error {
    const json::Array *array = root->getArray(key);
    std::optional<int64_t> a, c;
    if (array && array->size() == 2) {
      a = (*array)[0].getAsInteger();
      c = (*array)[1].getAsInteger();
    }
    if (!a || !c)
      return fail("'" + key + "' must be a pair of integers");
    if (positive && (*a < 1 || *c < 1))
      return fail("'" + key + "' must be positive, got [" + Twine(*a) + ", " +
                  Twine(*c) + "]");
    if (!positive && *a > *c)
      return fail("'" + key + "' must be [min, max], got [" + Twine(*a) +
                  ", " + Twine(*c) + "]");
    attrs.append(key, b.getI64ArrayAttr({*a, *c}));
    return Error::success();
  };
  if (Error e = pair("mesh", /*positive=*/true))
    return std::move(e);
  if (Error e = pair("weight_exponent", /*positive=*/false))
    return std::move(e);
  for (StringRef table : {"energy_pj", "time_ns"}) {
    const json::Object *costs = root->getObject(table);
    if (!costs)
      return fail("'" + table + "' must be an object with the keys synop, "
                                "neuron_active, neuron_inactive, message, "
                                "hop_x, hop_y, barrier");
    NamedAttrList entries;
    for (StringRef key : kCostKeys) {
      std::optional<double> value = costs->getNumber(key);
      if (!value || *value < 0 || !std::isfinite(*value))
        return fail("'" + table + "." + key +
                    "' must be a non-negative number");
      entries.append(key, b.getF64FloatAttr(*value));
    }
    for (const auto &entry : *costs)
      if (!llvm::is_contained(kCostKeys, StringRef(entry.first)))
        return fail("unknown key '" + table + "." + entry.first.str() + "'");
    attrs.append(table, b.getDictionaryAttr(entries));
  }
  std::optional<double> staticPower = root->getNumber("static_power_mw");
  if (!staticPower || *staticPower < 0)
    return fail("'static_power_mw' must be a non-negative number");
  attrs.append("static_power_mw", b.getF64FloatAttr(*staticPower));
  return b.getDictionaryAttr(attrs);
}

Expected<DictionaryAttr>
ssm::nc::loadHardwareDescription(MLIRContext *context, StringRef path) {
  if (path.empty())
    return parseHardwareDescription(context, defaultHardwareJSON(),
                                    "hardware/loihi2.json (built in)");
  ErrorOr<std::unique_ptr<MemoryBuffer>> file = MemoryBuffer::getFile(path);
  if (!file)
    return createStringError(file.getError(), "cannot read hardware "
                                              "description '" +
                                                  path + "': " +
                                                  file.getError().message());
  return parseHardwareDescription(context, (*file)->getBuffer(), path);
}

FailureOr<ssm::nc::HardwareLimits> ssm::nc::readHardwareLimits(
    DictionaryAttr hw, llvm::function_ref<InFlightDiagnostic()> emitError) {
  HardwareLimits limits;
  auto integer = [&](StringRef key, auto &out) -> LogicalResult {
    auto attr = hw.getAs<IntegerAttr>(key);
    if (!attr || attr.getInt() < 1)
      return emitError() << "hardware description needs a positive integer '"
                         << key << "'";
    out = static_cast<std::decay_t<decltype(out)>>(attr.getInt());
    return success();
  };
  auto pair = [&](StringRef key, auto &a, auto &b) -> LogicalResult {
    auto attr = hw.getAs<ArrayAttr>(key);
    if (!attr || attr.size() != 2 || !isa<IntegerAttr>(attr[0]) ||
        !isa<IntegerAttr>(attr[1]))
      return emitError() << "hardware description needs '" << key
                         << "' as a pair of integers";
    a = static_cast<std::decay_t<decltype(a)>>(
        cast<IntegerAttr>(attr[0]).getInt());
    b = static_cast<std::decay_t<decltype(b)>>(
        cast<IntegerAttr>(attr[1]).getInt());
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
  if (auto delay = hw.getAs<IntegerAttr>("max_delay"))
    limits.maxDelay = delay.getInt();
  return limits;
}
