//===- Calibration.cpp - PTQ calibration ranges, the artifact -------------===//

#include "ssm/Transforms/Calibration.h"

#include "ssm/Runtime/InputFile.h"
#include "ssm/Runtime/Model.h"

#include <cmath>

using namespace ssm;
namespace json = llvm::json;

json::Value ssm::toJSON(const CalibrationRanges &ranges) {
  json::Array layers;
  for (const CalibrationRanges::Layer &layer : ranges.layers) {
    json::Object entry{{"name", layer.name},
                       {"kind", layer.kind},
                       {"channels", layer.channels},
                       {"max_abs", layer.maxAbs}};
    if (rt::isStatefulLayerKind(layer.kind))
      entry["state_max_abs"] = layer.stateMaxAbs;
    if (layer.sqnrDb)
      entry["sqnr_db"] = *layer.sqnrDb;
    layers.push_back(std::move(entry));
  }
  json::Object doc{{"format", CalibrationRanges::kFormat},
                   {"version", CalibrationRanges::kVersion},
                   {"model", ranges.model},
                   {"data", ranges.data},
                   {"samples", ranges.samples},
                   {"layers", std::move(layers)}};
  if (ranges.sqnrMessageBits)
    doc["sqnr"] = json::Object{{"message_bits", ranges.sqnrMessageBits},
                               {"samples", ranges.sqnrSamples}};
  return doc;
}

namespace {
llvm::Error fieldError(llvm::StringRef source, const llvm::Twine &field,
                       const llvm::Twine &problem) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "calibration ranges '" + source +
                                     "': " + field + " " + problem);
}

/// A finite, non-negative number (JSON integers count).
std::optional<double> readRange(const json::Object &object,
                                llvm::StringRef key) {
  std::optional<double> value = object.getNumber(key);
  if (!value || !std::isfinite(*value) || *value < 0)
    return std::nullopt;
  return value;
}
} // namespace

llvm::Expected<CalibrationRanges>
ssm::parseCalibrationRanges(llvm::StringRef text, llvm::StringRef source) {
  llvm::Expected<json::Value> parsed = json::parse(text);
  if (!parsed)
    return fieldError(source,
                      "is not JSON:", llvm::toString(parsed.takeError()));
  const json::Object *doc = parsed->getAsObject();
  if (!doc)
    return fieldError(source, "the document", "is not a JSON object");
  std::optional<llvm::StringRef> format = doc->getString("format");
  if (!format || *format != CalibrationRanges::kFormat)
    return fieldError(source, "\"format\"",
                      llvm::Twine("must be \"") + CalibrationRanges::kFormat +
                          "\" (written by ssmc --emit=calibration)");
  std::optional<int64_t> version = doc->getInteger("version");
  if (!version || *version != CalibrationRanges::kVersion)
    return fieldError(source, "\"version\"",
                      "must be " + llvm::Twine(CalibrationRanges::kVersion));

  CalibrationRanges ranges;
  std::optional<llvm::StringRef> model = doc->getString("model");
  std::optional<llvm::StringRef> data = doc->getString("data");
  std::optional<int64_t> samples = doc->getInteger("samples");
  if (!model)
    return fieldError(source, "\"model\"", "must be a string");
  if (!data)
    return fieldError(source, "\"data\"", "must be a string");
  if (!samples || *samples < 1)
    return fieldError(source, "\"samples\"", "must be a positive integer");
  ranges.model = model->str();
  ranges.data = data->str();
  ranges.samples = *samples;
  if (const json::Value *sqnr = doc->get("sqnr")) {
    const json::Object *object = sqnr->getAsObject();
    std::optional<int64_t> bits =
        object ? object->getInteger("message_bits") : std::nullopt;
    std::optional<int64_t> over =
        object ? object->getInteger("samples") : std::nullopt;
    if (!bits || *bits < 2 || *bits > 32 || !over || *over < 1)
      return fieldError(source, "\"sqnr\"",
                        "must be an object with \"message_bits\" (2..32) and "
                        "a positive \"samples\"");
    ranges.sqnrMessageBits = static_cast<unsigned>(*bits);
    ranges.sqnrSamples = *over;
  }

  const json::Array *layers = doc->getArray("layers");
  if (!layers)
    return fieldError(source, "\"layers\"", "must be an array");
  for (size_t i = 0; i < layers->size(); ++i) {
    const std::string field = "layers[" + std::to_string(i) + "]";
    const json::Object *object = (*layers)[i].getAsObject();
    if (!object)
      return fieldError(source, field, "is not an object");
    CalibrationRanges::Layer layer;
    std::optional<llvm::StringRef> name = object->getString("name");
    std::optional<llvm::StringRef> kind = object->getString("kind");
    if (!name || !kind)
      return fieldError(source, field,
                        "needs a \"name\" and a \"kind\" (strings)");
    layer.name = name->str();
    layer.kind = kind->str();
    std::optional<int64_t> channels = object->getInteger("channels");
    if (!channels || *channels < 1)
      return fieldError(source, field + ".channels",
                        "must be a positive integer");
    layer.channels = *channels;
    std::optional<double> maxAbs = readRange(*object, "max_abs");
    if (!maxAbs)
      return fieldError(source, field + ".max_abs",
                        "must be a finite number >= 0");
    layer.maxAbs = *maxAbs;
    if (object->get("state_max_abs")) {
      std::optional<double> state = readRange(*object, "state_max_abs");
      if (!state)
        return fieldError(source, field + ".state_max_abs",
                          "must be a finite number >= 0");
      layer.stateMaxAbs = *state;
    } else if (rt::isStatefulLayerKind(layer.kind)) {
      return fieldError(source, field,
                        "is a stateful layer ('" + layer.kind +
                            "') without \"state_max_abs\"");
    }
    if (const json::Value *sqnr = object->get("sqnr_db")) {
      std::optional<double> db = sqnr->getAsNumber();
      if (!db || std::isnan(*db))
        return fieldError(source, field + ".sqnr_db", "must be a number");
      layer.sqnrDb = *db;
    }
    ranges.layers.push_back(std::move(layer));
  }
  return ranges;
}

llvm::Expected<CalibrationRanges>
ssm::readCalibrationRanges(llvm::StringRef path) {
  // A regular file of sane size (not a FIFO or /dev/zero, which would hang
  // or exhaust memory), read once.
  std::vector<char> bytes;
  const std::string problem = readInputFile(path.str(), kMaxSourceBytes, bytes);
  if (!problem.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "calibration ranges '" + path + "' " +
                                       problem);
  return parseCalibrationRanges(llvm::StringRef(bytes.data(), bytes.size()),
                                path);
}
