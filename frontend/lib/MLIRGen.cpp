//===- MLIRGen.cpp - the model DSL's AST to the ssm dialect ---------------===//
//
// Semantic analysis and IR emission in one walk over the AST:
//  - names: scopes per repeat iteration; assigning to a name of an enclosing
//    scope inside a repeat body rebinds it, which is how a repeated block
//    carries its stream into the next iteration (docs/dsl.md);
//  - layers: arguments are checked against LayerSpecs; channel counts flow
//    from the inputs;
//  - weights: a layer's parameters come from its HDF5 group when the model
//    names a weights file and the group exists, otherwise from the seeded
//    initialization in Init.h (with a warning when a file was given).
// Errors never stop the walk early: a layer that fails is "poisoned" and
// uses of it are skipped silently, so one run reports independent errors.
//
//===----------------------------------------------------------------------===//

#include "ssm/Frontend/MLIRGen.h"
#include "ssm/Frontend/Limits.h"
#include "ssm/Dialect/SSM/SSMOps.h"
#include "ssm/Dialect/SSM/Weights.h"
#include "ssm/Frontend/Init.h"
#include "ssm/Frontend/LayerSpecs.h"
#include "ssm/Frontend/Parser.h"
#include "ssm/Frontend/WeightFile.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

#include <algorithm>
#include <optional>

using namespace mlir;
using namespace ssm;
using namespace ssm::dsl;
using llvm::SMLoc;
using llvm::StringRef;

namespace {

/// Upper bounds that keep a typo from asking for terabytes (with
/// Limits.h's; kMaxLayers there bounds the expansion of nested repeats:
/// two nested `repeat 10000` would otherwise build 10^8 layers).
constexpr int64_t kMaxStateSize = 1 << 16;
constexpr int64_t kMaxRepeat = 10000;
/// All parameters of a model together (256 MiB of f32; a Loihi 2 chip holds
/// about 120M synapses).
constexpr int64_t kMaxModelParameters = int64_t(1) << 26;

/// A name's stream. A null value marks a layer that failed to build: uses of
/// it are skipped without a second error.
struct Binding {
  Value value;
  SMLoc loc;
};

/// Validated arguments of one layer statement.
struct LayerArgs {
  SmallVector<Value, 2> inputs;
  llvm::StringMap<ValueAST> params; // explicit and default values

  int64_t getInt(StringRef name) const { return params.lookup(name).intValue; }
  double getFloat(StringRef name) const {
    return params.lookup(name).floatValue;
  }
  StringRef getWord(StringRef name) const {
    auto it = params.find(name);
    return it == params.end() ? StringRef() : StringRef(it->second.text);
  }
  bool getBool(StringRef name) const { return getWord(name) == "true"; }
  bool has(StringRef name) const { return params.count(name); }
};

/// Returns ", did you mean 'x'?" for the closest candidate, or "".
std::string suggest(StringRef word, ArrayRef<std::string> candidates) {
  // Close matches only: up to a third of the word may differ (at least one
  // edit), and never the whole word (every one-letter name is one edit from
  // every other).
  unsigned allowed = std::clamp<unsigned>(word.size() / 3, 1, 3);
  StringRef best;
  unsigned bestDistance = allowed + 1;
  for (const std::string &candidate : candidates) {
    unsigned distance = word.edit_distance(candidate, true, allowed);
    if (distance < bestDistance && distance < word.size()) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return best.empty() ? "" : ("; did you mean '" + best + "'?").str();
}

/// Prints a number the way a user would write it (0.5, 1e-05, 64).
std::string formatNumber(double value) {
  return llvm::formatv("{0}", llvm::format("%g", value)).str();
}

std::string describeType(const ParamSpec &spec) {
  switch (spec.type) {
  case ParamType::PositiveInt:
    return "an integer >= 1";
  case ParamType::EvenInt:
    return "an even integer >= 2";
  case ParamType::PositiveFloat:
    return "a number > 0";
  case ParamType::NonNegativeFloat:
    return "a number >= 0";
  case ParamType::Bool:
    return "true or false";
  case ParamType::Choice: {
    SmallVector<StringRef> words;
    spec.choices.split(words, '|');
    return "one of " + llvm::join(words, ", ");
  }
  case ParamType::RangedFloat:
    return "a number in [" + formatNumber(spec.min) + ", " +
           formatNumber(spec.max) + "]";
  case ParamType::Layer:
    return "the name of an earlier layer, or none";
  }
  return "a value";
}

class MLIRGenImpl {
public:
  MLIRGenImpl(MLIRContext &context, const llvm::SourceMgr &sourceMgr,
              const MLIRGenOptions &options)
      : context(context), builder(&context), sourceMgr(sourceMgr),
        options(options) {}

  OwningOpRef<ModuleOp> generate(const ModelAST &model);

private:
  //===--- diagnostics -----------------------------------------------------===//
  Location loc(SMLoc smLoc) {
    unsigned id = sourceMgr.FindBufferContainingLoc(smLoc);
    if (!id)
      return UnknownLoc::get(&context);
    auto [line, col] = sourceMgr.getLineAndColumn(smLoc, id);
    return FileLineColLoc::get(
        &context, sourceMgr.getMemoryBuffer(id)->getBufferIdentifier(), line,
        col);
  }
  InFlightDiagnostic error(SMLoc at) {
    ++numErrors;
    return emitError(loc(at));
  }
  /// An error with a note pointing at a related place (e.g. a first
  /// definition).
  void errorWithNote(SMLoc at, const llvm::Twine &message, SMLoc noteAt,
                     const llvm::Twine &note) {
    InFlightDiagnostic diag = error(at);
    diag << message.str();
    diag.attachNote(loc(noteAt)) << note.str();
  }
  /// Weight-binding problems: warnings, or errors with strictWeights.
  InFlightDiagnostic weightWarning(SMLoc at) {
    if (options.strictWeights)
      return error(at);
    return emitWarning(loc(at));
  }

  //===--- names -----------------------------------------------------------===//
  struct Scope {
    llvm::StringMap<Binding> names;
    std::string prefix; // "" at the top level, "block.0." in a repeat
  };
  Binding *lookup(StringRef name);
  std::vector<std::string> visibleNames() const;
  bool bind(StringRef name, Binding binding);
  std::string qualify(StringRef name) const {
    return scopes.back().prefix + name.str();
  }
  std::optional<Value> resolve(const ValueAST &name);

  //===--- statements ------------------------------------------------------===//
  void genBody(const StmtList &body);
  void genInput(const InputStmtAST &stmt);
  void genAlias(const AliasStmtAST &stmt);
  void genRepeat(const RepeatStmtAST &stmt);
  void genOutput(const OutputStmtAST &stmt);
  void genLayer(const LayerStmtAST &stmt);
  std::optional<LayerArgs> checkArgs(const LayerStmtAST &stmt,
                                     const LayerSpec &spec);
  bool checkParam(const ParamSpec &spec, const ValueAST &value,
                  StringRef kind);
  Value buildLayer(const LayerStmtAST &stmt, const LayerSpec &spec,
                   const LayerArgs &args, StringRef fullName);

  //===--- parameters ------------------------------------------------------===//
  /// Whether `layer`'s parameters come from the weights file.
  bool hasStoredWeights(StringRef layer, SMLoc at);
  /// The `calibration` data spec with relative `file:` paths made relative
  /// to the model file's folder.
  std::string resolveDataSpec(StringRef spec) const;
  /// Reads one stored parameter; reports and returns nullopt on failure.
  std::optional<std::vector<double>> readStored(StringRef layer,
                                                StringRef param,
                                                ArrayRef<int64_t> shape,
                                                SMLoc at);
  bool checkSize(ArrayRef<int64_t> shape, StringRef layer, StringRef param,
                 SMLoc at);
  /// Counts a layer's parameters against the model's budget, before any are
  /// allocated (a repeat of large layers can exceed it while each tensor
  /// fits).
  bool reserveParameters(int64_t count, StringRef layer, SMLoc at);
  ElementsAttr realParam(StringRef layer, StringRef param,
                         ArrayRef<int64_t> shape, ArrayRef<float> values) {
    return makeRealParam(&context, shape, values, layer.str() + "." + param.str());
  }
  ElementsAttr complexParam(StringRef layer, StringRef param,
                            ArrayRef<int64_t> shape,
                            ArrayRef<std::complex<float>> values) {
    return makeComplexParam(&context, shape, values,
                            layer.str() + "." + param.str());
  }

  MLIRContext &context;
  OpBuilder builder;
  const llvm::SourceMgr &sourceMgr;
  const MLIRGenOptions &options;

  std::vector<Scope> scopes;
  llvm::StringMap<SMLoc> layerNames;
  unsigned numErrors = 0;
  /// Layer statements generated so far, repeats expanded.
  int64_t layerStatements = 0;
  int64_t numInputs = 0;
  bool hasTokenInput = false; // a model of words: /vocab belongs to it
  int64_t totalParameters = 0;
  const OutputStmtAST *outputStmt = nullptr;
  uint64_t seed = 0;
  std::unique_ptr<WeightFile> weights;
  SMLoc weightsLoc;
  llvm::StringSet<> usedDatasets;
  bool pytorchHintGiven = false;
};

//===----------------------------------------------------------------------===//
// Names
//===----------------------------------------------------------------------===//

Binding *MLIRGenImpl::lookup(StringRef name) {
  for (Scope &scope : llvm::reverse(scopes)) {
    auto it = scope.names.find(name);
    if (it != scope.names.end())
      return &it->second;
  }
  return nullptr;
}

std::vector<std::string> MLIRGenImpl::visibleNames() const {
  std::vector<std::string> names;
  for (const Scope &scope : scopes)
    for (const auto &entry : scope.names)
      names.push_back(entry.getKey().str());
  llvm::sort(names);
  return names;
}

bool MLIRGenImpl::bind(StringRef name, Binding binding) {
  Scope &current = scopes.back();
  auto it = current.names.find(name);
  if (it != current.names.end()) {
    errorWithNote(binding.loc,
                  "'" + name + "' is already defined in this " +
                      (scopes.size() == 1 ? "model" : "repeat block") +
                      "; give the new stream another name",
                  it->second.loc, "'" + name + "' is defined here");
    return false;
  }
  // Inside a repeat body, assigning to a name of an enclosing scope carries
  // the new stream to the next iteration and past the block.
  for (size_t i = scopes.size() - 1; i-- > 0;)
    if (auto outer = scopes[i].names.find(name);
        outer != scopes[i].names.end()) {
      outer->second = binding;
      return true;
    }
  current.names[name] = binding;
  return true;
}

std::optional<Value> MLIRGenImpl::resolve(const ValueAST &name) {
  if (name.kind != ValueAST::Kind::Identifier) {
    error(name.loc) << "expected the name of a stream";
    return std::nullopt;
  }
  Binding *binding = lookup(name.text);
  if (!binding) {
    std::vector<std::string> names = visibleNames();
    error(name.loc) << "unknown stream '" << name.text << "'"
                    << suggest(name.text, names);
    return std::nullopt;
  }
  return binding->value; // null when poisoned
}

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

OwningOpRef<ModuleOp> MLIRGenImpl::generate(const ModelAST &model) {
  // Like the parser (and clang's -ferror-limit), stop printing after
  // Parser::kMaxErrors errors: a call with thousands of bad arguments would
  // otherwise print one error, with its source line, for each. Warnings
  // count too. Dropped diagnostics are consumed here; the rest go on to the
  // caller's handler.
  unsigned printed = 0;
  ScopedDiagnosticHandler limit(&context, [&](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Remark)
      return failure();
    if (printed < Parser::kMaxErrors) {
      ++printed;
      return failure(); // printed by the caller's handler
    }
    if (printed++ == Parser::kMaxErrors)
      llvm::errs() << "error: too many errors and warnings; not printing "
                      "the rest\n";
    return success();
  });
  // Weights, seed and calibration apply to the whole model, wherever they
  // are written.
  const CalibrationStmtAST *calibration = nullptr;
  for (const auto &stmt : model.body) {
    if (auto *s = llvm::dyn_cast<SeedStmtAST>(stmt.get())) {
      seed = s->seed;
    } else if (auto *s = llvm::dyn_cast<CalibrationStmtAST>(stmt.get())) {
      if (calibration) {
        errorWithNote(s->getLoc(), "a model has one 'calibration' data spec",
                      calibration->getLoc(), "the first is given here");
        continue;
      }
      if (s->spec.empty())
        error(s->getLoc()) << "the calibration data spec is empty";
      calibration = s;
    } else if (auto *s = llvm::dyn_cast<WeightsStmtAST>(stmt.get())) {
      if (weightsLoc.isValid()) {
        errorWithNote(s->getLoc(), "a model has one 'weights' file",
                      weightsLoc, "the first is named here");
        continue;
      }
      weightsLoc = s->getLoc();
      SmallString<256> path(s->path);
      if (!llvm::sys::path::is_absolute(path))
        path = (options.baseDir + "/" + s->path);
      auto file = WeightFile::open(path);
      if (!file)
        error(s->getLoc()) << llvm::toString(file.takeError());
      else
        weights = std::move(*file);
    }
  }

  OwningOpRef<ModuleOp> module = ModuleOp::create(loc(model.loc));
  builder.setInsertionPointToEnd(module->getBody());
  auto modelOp = builder.create<ModelOp>(
      loc(model.loc), builder.getStringAttr(model.name),
      calibration ? builder.getStringAttr(resolveDataSpec(calibration->spec))
                  : StringAttr());
  Block *body = builder.createBlock(&modelOp.getBody());
  builder.setInsertionPointToEnd(body);

  scopes.emplace_back();
  genBody(model.body);

  if (numInputs == 0)
    error(model.loc) << "model '" << model.name
                     << "' has no 'input' statement";
  SmallVector<Value> outputs;
  if (!outputStmt) {
    error(model.loc) << "model '" << model.name
                     << "' has no 'output' statement";
  } else {
    for (const ValueAST &name : outputStmt->names) {
      std::optional<Value> value = resolve(name);
      if (value && *value)
        outputs.push_back(*value);
    }
  }

  // After an error, datasets of the layers that failed look unused: the
  // warnings would only repeat it.
  if (weights && !numErrors) {
    for (const std::string &dataset : weights->listDatasets())
      if (!usedDatasets.contains(dataset) &&
          // A sparse matrix's CSR datasets are read as one parameter.
          !usedDatasets.contains(
              llvm::sys::path::parent_path(dataset, llvm::sys::path::Style::posix)
                  .str()) &&
          // The words of a language model's token ids (tools/train/lm.py).
          !(dataset == "/vocab" && hasTokenInput))
        weightWarning(weightsLoc)
            << "dataset '" << dataset << "' in '" << weights->getPath()
            << "' is not used by any layer";
  }
  if (numErrors)
    return nullptr;

  builder.setInsertionPointToEnd(body);
  builder.create<OutputOp>(loc(outputStmt->getLoc()), outputs);
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

void MLIRGenImpl::genBody(const StmtList &body) {
  for (const auto &stmt : body) {
    switch (stmt->getKind()) {
    case StmtAST::Kind::Input:
      genInput(llvm::cast<InputStmtAST>(*stmt));
      break;
    case StmtAST::Kind::Layer:
      genLayer(llvm::cast<LayerStmtAST>(*stmt));
      break;
    case StmtAST::Kind::Alias:
      genAlias(llvm::cast<AliasStmtAST>(*stmt));
      break;
    case StmtAST::Kind::Repeat:
      genRepeat(llvm::cast<RepeatStmtAST>(*stmt));
      break;
    case StmtAST::Kind::Output:
      genOutput(llvm::cast<OutputStmtAST>(*stmt));
      break;
    case StmtAST::Kind::Weights:
    case StmtAST::Kind::Seed:
    case StmtAST::Kind::Calibration:
      break; // handled before the walk
    }
  }
}

void MLIRGenImpl::genInput(const InputStmtAST &stmt) {
  if (scopes.size() > 1) {
    error(stmt.getLoc()) << "'input' is only allowed at the top level of a "
                            "model";
    return;
  }
  if (stmt.channels < 1 || stmt.channels > kMaxChannels) {
    error(stmt.getLoc()) << "input '" << stmt.name
                         << "' must have 1 to " << kMaxChannels
                         << " channels, got " << stmt.channels;
    bind(stmt.name, {Value(), stmt.getLoc()});
    return;
  }
  if (stmt.vocabulary < 0 || stmt.vocabulary > kMaxChannels) {
    error(stmt.getLoc()) << "token input '" << stmt.name
                         << "' must have a vocabulary of 1 to "
                         << kMaxChannels << " words, got " << stmt.vocabulary;
    bind(stmt.name, {Value(), stmt.getLoc()});
    return;
  }
  auto type = StreamType::get(stmt.channels, builder.getF32Type());
  auto input = builder.create<InputOp>(
      NameLoc::get(builder.getStringAttr(stmt.name), loc(stmt.getLoc())),
      type, builder.getI64IntegerAttr(numInputs++),
      builder.getStringAttr(stmt.name),
      stmt.vocabulary ? builder.getI64IntegerAttr(stmt.vocabulary)
                      : IntegerAttr());
  hasTokenInput |= stmt.vocabulary > 0;
  bind(stmt.name, {input.getOutput(), stmt.getLoc()});
}

void MLIRGenImpl::genAlias(const AliasStmtAST &stmt) {
  std::optional<Value> value = resolve(stmt.target);
  bind(stmt.name, {value ? *value : Value(), stmt.getLoc()});
}

void MLIRGenImpl::genRepeat(const RepeatStmtAST &stmt) {
  if (stmt.count < 1 || stmt.count > kMaxRepeat) {
    error(stmt.getLoc()) << "repeat count must be 1 to " << kMaxRepeat
                         << ", got " << stmt.count;
    return;
  }
  unsigned errorsBefore = numErrors;
  for (int64_t i = 0; i < stmt.count; ++i) {
    if (layerStatements > kMaxLayers) {
      error(stmt.getLoc()) << "the model expands to more than " << kMaxLayers
                           << " layers here; nested repeats multiply their "
                              "counts";
      return;
    }
    Scope scope;
    scope.prefix = scopes.back().prefix + stmt.prefix + "." +
                   std::to_string(i) + ".";
    scopes.push_back(std::move(scope));
    genBody(stmt.body);
    scopes.pop_back();
    // The body's errors repeat identically in every iteration: report once.
    if (numErrors != errorsBefore)
      return;
  }
}

void MLIRGenImpl::genOutput(const OutputStmtAST &stmt) {
  if (scopes.size() > 1) {
    error(stmt.getLoc()) << "'output' is only allowed at the top level of a "
                            "model";
    return;
  }
  if (outputStmt) {
    errorWithNote(stmt.getLoc(),
                  "a model has one 'output' statement; list every output in "
                  "it, separated by commas",
                  outputStmt->getLoc(), "the first is here");
    return;
  }
  outputStmt = &stmt;
}

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

void MLIRGenImpl::genLayer(const LayerStmtAST &stmt) {
  ++layerStatements;
  std::string fullName = qualify(stmt.name);
  const LayerSpec *spec = lookupLayerSpec(stmt.kindName);
  Value result;
  if (!spec) {
    std::vector<std::string> kinds;
    for (const LayerSpec &s : getLayerSpecs())
      kinds.push_back(s.kind.str());
    error(stmt.kindLoc) << "unknown layer kind '" << stmt.kindName
                        << "'; expected one of " << llvm::join(kinds, ", ")
                        << suggest(stmt.kindName, kinds);
  } else if (std::optional<LayerArgs> args = checkArgs(stmt, *spec)) {
    result = buildLayer(stmt, *spec, *args, fullName);
  }

  auto [it, inserted] = layerNames.try_emplace(fullName, stmt.getLoc());
  if (!inserted) {
    errorWithNote(stmt.getLoc(),
                  "duplicate layer name '" + fullName +
                      "' (weights bind by layer name)",
                  it->second, "'" + fullName + "' is first defined here");
    return;
  }
  bind(stmt.name, {result, stmt.getLoc()});
}

bool MLIRGenImpl::checkParam(const ParamSpec &spec, const ValueAST &value,
                             StringRef kind) {
  bool isInt = value.kind == ValueAST::Kind::Integer;
  bool isNumber = isInt || value.kind == ValueAST::Kind::Float;
  bool isWord = value.kind == ValueAST::Kind::Identifier;
  bool ok = false;
  switch (spec.type) {
  case ParamType::PositiveInt:
    ok = isInt && value.intValue >= 1;
    break;
  case ParamType::EvenInt:
    ok = isInt && value.intValue >= 2 && value.intValue % 2 == 0;
    break;
  case ParamType::PositiveFloat:
    ok = isNumber && value.floatValue > 0;
    break;
  case ParamType::NonNegativeFloat:
    ok = isNumber && value.floatValue >= 0;
    break;
  case ParamType::Bool:
    ok = isWord && (value.text == "true" || value.text == "false");
    break;
  case ParamType::Choice: {
    SmallVector<StringRef> words;
    spec.choices.split(words, '|');
    ok = isWord && llvm::is_contained(words, value.text);
    break;
  }
  case ParamType::RangedFloat:
    ok = isNumber && value.floatValue >= spec.min &&
         value.floatValue <= spec.max;
    break;
  case ParamType::Layer:
    ok = isWord; // resolved by the layer that reads it
    break;
  }
  if (ok)
    return true;
  std::string got;
  switch (value.kind) {
  case ValueAST::Kind::Identifier:
    got = "'" + value.text + "'";
    break;
  case ValueAST::Kind::String:
    got = "\"" + value.text + "\"";
    break;
  case ValueAST::Kind::Integer:
    got = std::to_string(value.intValue);
    break;
  case ValueAST::Kind::Float:
    got = formatNumber(value.floatValue);
    break;
  }
  error(value.loc) << "parameter '" << spec.name << "' of " << kind
                   << " must be " << describeType(spec)
                   << ", got " << got;
  return false;
}

std::optional<LayerArgs> MLIRGenImpl::checkArgs(const LayerStmtAST &stmt,
                                                const LayerSpec &spec) {
  LayerArgs args;
  bool ok = true;
  bool poisoned = false;
  llvm::StringMap<SMLoc> given;
  std::vector<std::string> known;
  for (const ParamSpec &p : spec.params)
    known.push_back(p.name.str());
  for (const ParamSpec &p : getConnectionParams())
    known.push_back(p.name.str());

  auto findSpec = [&](StringRef name) -> const ParamSpec * {
    for (const ParamSpec &p : spec.params)
      if (p.name == name)
        return &p;
    for (const ParamSpec &p : getConnectionParams())
      if (p.name == name)
        return &p;
    return nullptr;
  };
  auto setParam = [&](const ParamSpec &p, const ValueAST &value, SMLoc at) {
    auto [it, inserted] = given.try_emplace(p.name, at);
    if (!inserted) {
      error(at) << "parameter '" << p.name << "' of " << spec.kind
                << " is given twice";
      ok = false;
      return;
    }
    if (!checkParam(p, value, spec.kind)) {
      ok = false;
      return;
    }
    args.params[p.name] = value;
  };

  unsigned positional = 0;
  for (const ArgAST &arg : stmt.args) {
    if (!arg.key.empty()) {
      const ParamSpec *p = findSpec(arg.key);
      if (!p) {
        error(arg.keyLoc) << "unknown parameter '" << arg.key << "' for "
                          << spec.kind
                          << (known.empty()
                                  ? std::string("; it takes none")
                                  : "; expected one of " + llvm::join(known, ", "))
                          << suggest(arg.key, known);
        ok = false;
        continue;
      }
      setParam(*p, arg.value, arg.keyLoc);
      continue;
    }
    unsigned index = positional++;
    if (index < spec.numInputs) {
      std::optional<Value> input = resolve(arg.value);
      if (!input)
        ok = false;
      else if (!*input)
        poisoned = true;
      else
        args.inputs.push_back(*input);
      continue;
    }
    unsigned paramIndex = index - spec.numInputs;
    if (paramIndex >= spec.params.size()) {
      error(arg.value.loc) << "too many arguments for " << spec.kind
                           << ": it takes " << spec.numInputs << " input"
                           << (spec.numInputs == 1 ? "" : "s")
                           << (spec.params.empty() ? "" : " and parameters ")
                           << llvm::join(llvm::map_range(spec.params,
                                                         [](const ParamSpec &p) {
                                                           return p.name;
                                                         }),
                                         ", ");
      ok = false;
      continue;
    }
    setParam(spec.params[paramIndex], arg.value, arg.value.loc);
  }
  if (positional < spec.numInputs) {
    error(stmt.kindLoc) << spec.kind << " takes " << spec.numInputs
                        << " input stream" << (spec.numInputs == 1 ? "" : "s")
                        << ", got " << positional;
    ok = false;
  }
  for (const ParamSpec &p : spec.params) {
    if (given.count(p.name))
      continue;
    if (p.defaultValue.empty()) {
      error(stmt.kindLoc) << spec.kind << " needs parameter '" << p.name
                          << "' (" << p.help << ")";
      ok = false;
      continue;
    }
    // Defaults are written in DSL syntax in LayerSpecs; parse them the same
    // way a user's value is read.
    ValueAST value;
    StringRef text = p.defaultValue;
    if (!text.getAsInteger(10, value.intValue)) {
      value.kind = ValueAST::Kind::Integer;
      value.floatValue = static_cast<double>(value.intValue);
    } else if (!text.getAsDouble(value.floatValue)) {
      value.kind = ValueAST::Kind::Float;
    } else {
      value.kind = ValueAST::Kind::Identifier;
      value.text = text.str();
    }
    args.params[p.name] = value;
  }
  if (ok && spec.kind == "s4d" &&
      args.getFloat("dt_min") > args.getFloat("dt_max")) {
    error(stmt.kindLoc) << "s4d needs dt_min <= dt_max, got "
                        << formatNumber(args.getFloat("dt_min")) << " > "
                        << formatNumber(args.getFloat("dt_max"));
    ok = false;
  }
  if (!ok || poisoned)
    return std::nullopt;
  return args;
}

bool MLIRGenImpl::checkSize(ArrayRef<int64_t> shape, StringRef layer,
                            StringRef param, SMLoc at) {
  int64_t count = 1;
  for (int64_t d : shape) {
    if (d > kMaxChannels || count > kMaxTensorElements / std::max<int64_t>(d, 1)) {
      error(at) << "layer '" << layer << "' parameter '" << param
                << "' would need more than " << kMaxTensorElements
                << " elements";
      return false;
    }
    count *= d;
  }
  return true;
}

bool MLIRGenImpl::reserveParameters(int64_t count, StringRef layer,
                                    SMLoc at) {
  totalParameters += count;
  if (totalParameters <= kMaxModelParameters)
    return true;
  error(at) << "layer '" << layer << "' brings the model to " << totalParameters
            << " parameters, more than the limit of " << kMaxModelParameters;
  return false;
}

std::string MLIRGenImpl::resolveDataSpec(StringRef spec) const {
  // A `file:` spec names files as a model names its weights: relative to
  // the model file's folder, so the model can be run from anywhere.
  if (!spec.consume_front("file:"))
    return spec.str();
  SmallVector<StringRef> paths;
  spec.split(paths, ',');
  std::string resolved = "file:";
  for (size_t i = 0; i < paths.size(); ++i) {
    if (i)
      resolved += ",";
    if (paths[i].empty() || llvm::sys::path::is_absolute(paths[i]))
      resolved += paths[i].str();
    else
      resolved += options.baseDir + "/" + paths[i].str();
  }
  return resolved;
}

bool MLIRGenImpl::hasStoredWeights(StringRef layer, SMLoc at) {
  if (!weights)
    return false;
  std::string group = layerGroupPath(layer);
  if (weights->exists(group))
    return true;
  if (options.initMissing) {
    weightWarning(at) << "layer '" << layer << "' has no weights in '"
                      << weights->getPath() << "' (no group '" << group
                      << "'); using the seeded initialization";
    return false;
  }
  InFlightDiagnostic diag = error(at);
  diag << "layer '" << layer << "' has no weights in '" << weights->getPath()
       << "' (no group '" << group
       << "'); pass --init-missing to initialize it from the seed";
  // A PyTorch state_dict saved as is has flat names such as
  // "encoder.weight": say so once, with the layout ssmc reads.
  if (!pytorchHintGiven) {
    for (const std::string &dataset : weights->listDatasets())
      if (llvm::StringRef(dataset).drop_front().contains('.') &&
          !llvm::StringRef(dataset).drop_front().contains('/')) {
        diag.attachNote(loc(at))
            << "'" << weights->getPath() << "' has flat names such as '"
            << dataset << "', as in a PyTorch state_dict; ssmc reads one "
            << "group per layer, /LAYER/PARAM (here " << group
            << "/...; `ssmc --list-layers` and docs/dsl.md list each kind's "
               "parameters)";
        pytorchHintGiven = true;
        break;
      }
  }
  return false;
}

std::optional<std::vector<double>>
MLIRGenImpl::readStored(StringRef layer, StringRef param,
                        ArrayRef<int64_t> shape, SMLoc at) {
  std::string path = layerGroupPath(layer) + "/" + param.str();
  usedDatasets.insert(path);
  auto values = weights->read(path, shape);
  if (!values) {
    error(at) << llvm::toString(values.takeError());
    return std::nullopt;
  }
  return std::move(*values);
}

namespace {
std::vector<float> toFloat(const std::vector<double> &values) {
  return std::vector<float>(values.begin(), values.end());
}
/// [..., 2] real/imaginary pairs -> complex values.
std::vector<std::complex<float>> toComplex(const std::vector<double> &pairs) {
  std::vector<std::complex<float>> values;
  values.reserve(pairs.size() / 2);
  for (size_t i = 0; i + 1 < pairs.size(); i += 2)
    values.emplace_back(pairs[i], pairs[i + 1]);
  return values;
}
} // namespace

Value MLIRGenImpl::buildLayer(const LayerStmtAST &stmt, const LayerSpec &spec,
                              const LayerArgs &args, StringRef fullName) {
  SMLoc at = stmt.getLoc();
  Location opLoc = NameLoc::get(builder.getStringAttr(fullName), loc(at));
  StringAttr name = builder.getStringAttr(fullName);
  auto inputType = cast<StreamType>(args.inputs.front().getType());
  int64_t in = inputType.getChannels();

  auto outputType = [&](int64_t channels) {
    auto type = StreamType::get(channels, builder.getF32Type());
    if (args.has("sigma_delta"))
      type = StreamType::get(&context, channels, builder.getF32Type(),
                             Encoding::Float, 0,
                             builder.getF64FloatAttr(args.getFloat("sigma_delta")));
    return type;
  };
  StringRef kind = spec.kind;

  if (kind == "embedding") {
    auto input = args.inputs.front().getDefiningOp<InputOp>();
    if (!input || !input.getVocabulary()) {
      error(stmt.args.front().value.loc)
          << "embedding reads a token input ('input NAME : tokens(V)')";
      return Value();
    }
    const int64_t vocabulary = *input.getVocabulary();
    const int64_t width = args.getInt("out");
    if (width > kMaxChannels || !checkSize({vocabulary, width}, fullName,
                                           "weight", at) ||
        !reserveParameters(vocabulary * width, fullName, at))
      return Value();
    std::vector<float> weight;
    if (hasStoredWeights(fullName, at)) {
      auto w = readStored(fullName, "weight", {vocabulary, width}, at);
      if (!w)
        return Value();
      weight = toFloat(*w);
    } else {
      std::mt19937_64 rng = makeLayerRng(seed, fullName);
      weight = initDense(rng, width, vocabulary).weight; // [V, D]
    }
    return builder
        .create<EmbeddingOp>(opLoc, outputType(width), args.inputs.front(),
                             realParam(fullName, "weight",
                                       {vocabulary, width}, weight),
                             name)
        .getOutput();
  }

  if (kind == "dense") {
    int64_t out = args.getInt("out");
    bool hasBias = args.getBool("bias");
    if (out > kMaxChannels) {
      error(at) << "dense output must have at most " << kMaxChannels
                << " channels, got " << out;
      return Value();
    }
    if (const ValueAST &tied = args.params.find("tied")->second;
        tied.text != "none") {
      // A tied decoder: the embedding's table [V, D] is this layer's
      // weight [O, I] as it is.
      std::optional<Value> source = resolve(tied);
      if (!source || !*source)
        return Value();
      auto embedding = source->getDefiningOp<EmbeddingOp>();
      if (!embedding) {
        error(tied.loc) << "'tied' names '" << tied.text
                        << "', which is not an embedding layer";
        return Value();
      }
      auto table = cast<ShapedType>(embedding.getWeight().getType());
      if (table.getDimSize(0) != out || table.getDimSize(1) != in) {
        error(tied.loc) << "dense(" << in << " -> " << out
                        << ") cannot be tied to '" << tied.text
                        << "', whose table is [" << table.getDimSize(0)
                        << ", " << table.getDimSize(1)
                        << "]: a tied decoder maps D = " << table.getDimSize(1)
                        << " channels to V = " << table.getDimSize(0);
        return Value();
      }
      if (!reserveParameters(hasBias ? out : 0, fullName, at))
        return Value();
      std::vector<float> bias(hasBias ? out : 0, 0.0f);
      if (hasBias && hasStoredWeights(fullName, at)) {
        auto b = readStored(fullName, "bias", {out}, at);
        if (!b)
          return Value();
        bias = toFloat(*b);
      }
      ElementsAttr biasAttr =
          hasBias ? realParam(fullName, "bias", {out}, bias) : ElementsAttr();
      return builder
          .create<DenseOp>(opLoc, outputType(out), args.inputs.front(),
                           embedding.getWeight(), biasAttr, name)
          .getOutput();
    }
    if (!checkSize({out, in}, fullName, "weight", at) ||
        !reserveParameters(out * in + out, fullName, at))
      return Value();
    std::vector<float> weight, bias;
    if (hasStoredWeights(fullName, at)) {
      auto w = readStored(fullName, "weight", {out, in}, at);
      std::optional<std::vector<double>> b;
      if (hasBias)
        b = readStored(fullName, "bias", {out}, at);
      if (!w || (hasBias && !b))
        return Value();
      weight = toFloat(*w);
      if (hasBias)
        bias = toFloat(*b);
    } else {
      std::mt19937_64 rng = makeLayerRng(seed, fullName);
      DenseInit init = initDense(rng, in, out);
      weight = std::move(init.weight);
      bias = std::move(init.bias);
    }
    ElementsAttr biasAttr =
        hasBias ? realParam(fullName, "bias", {out}, bias) : ElementsAttr();
    return builder
        .create<DenseOp>(opLoc, outputType(out), args.inputs.front(),
                         realParam(fullName, "weight", {out, in}, weight),
                         biasAttr, name)
        .getOutput();
  }

  if (kind == "s4d") {
    int64_t n = args.getInt("state");
    if (n > kMaxStateSize) {
      error(at) << "s4d state size must be at most " << kMaxStateSize
                << ", got " << n;
      return Value();
    }
    int64_t modes = n / 2;
    if (!checkSize({in, modes, 2}, fullName, "c", at) ||
        !reserveParameters(in * (2 + 6 * modes), fullName, at))
      return Value();
    S4DInit p;
    if (hasStoredWeights(fullName, at)) {
      auto logDt = readStored(fullName, "log_dt", {in}, at);
      auto logAReal = readStored(fullName, "log_a_real", {in, modes}, at);
      auto aImag = readStored(fullName, "a_imag", {in, modes}, at);
      auto b = readStored(fullName, "b", {in, modes, 2}, at);
      auto c = readStored(fullName, "c", {in, modes, 2}, at);
      auto d = readStored(fullName, "d", {in}, at);
      if (!logDt || !logAReal || !aImag || !b || !c || !d)
        return Value();
      p.logDt = toFloat(*logDt);
      p.logAReal = toFloat(*logAReal);
      p.aImag = toFloat(*aImag);
      p.b = toComplex(*b);
      p.c = toComplex(*c);
      p.d = toFloat(*d);
    } else {
      std::mt19937_64 rng = makeLayerRng(seed, fullName);
      p = initS4D(rng, in, n,
                  args.getWord("init") == "inv" ? S4DInitKind::Inv
                                                : S4DInitKind::Lin,
                  args.getFloat("dt_min"), args.getFloat("dt_max"));
    }
    auto disc = args.getWord("discretization") == "bilinear"
                    ? Discretization::Bilinear
                    : Discretization::ZOH;
    return builder
        .create<S4DOp>(
            opLoc, outputType(in), args.inputs.front(),
            DiscretizationAttr::get(&context, disc),
            builder.getI64IntegerAttr(n),
            realParam(fullName, "log_dt", {in}, p.logDt),
            realParam(fullName, "log_a_real", {in, modes}, p.logAReal),
            realParam(fullName, "a_imag", {in, modes}, p.aImag),
            complexParam(fullName, "b", {in, modes}, p.b),
            complexParam(fullName, "c", {in, modes}, p.c),
            realParam(fullName, "d", {in}, p.d), ElementsAttr(),
            ElementsAttr(), name)
        .getOutput();
  }

  if (kind == "egru") {
    int64_t hidden = args.getInt("hidden");
    bool hasBias = args.getBool("bias");
    if (hidden > kMaxChannels ||
        !checkSize({3 * hidden, std::max(in, hidden)}, fullName, "w", at) ||
        !reserveParameters(3 * hidden * (in + hidden + 1) + hidden, fullName,
                           at))
      return Value();
    EGRUInit p;
    if (hasStoredWeights(fullName, at)) {
      auto w = readStored(fullName, "w", {3 * hidden, in}, at);
      auto r = readStored(fullName, "r", {3 * hidden, hidden}, at);
      auto theta = readStored(fullName, "theta", {hidden}, at);
      std::optional<std::vector<double>> bias, recurrentBias;
      if (hasBias)
        bias = readStored(fullName, "bias", {3 * hidden}, at);
      // PyTorch's bias_hh, optional: a GRU trained without it has none.
      const bool hasRecurrentBias =
          hasBias && weights->exists(layerGroupPath(fullName) +
                                     "/recurrent_bias");
      if (hasRecurrentBias)
        recurrentBias = readStored(fullName, "recurrent_bias", {3 * hidden}, at);
      if (!w || !r || !theta || (hasBias && !bias) ||
          (hasRecurrentBias && !recurrentBias))
        return Value();
      p.w = toFloat(*w);
      p.r = toFloat(*r);
      p.theta = toFloat(*theta);
      if (hasBias)
        p.bias = toFloat(*bias);
      if (hasRecurrentBias)
        p.recurrentBias = toFloat(*recurrentBias);
    } else {
      std::mt19937_64 rng = makeLayerRng(seed, fullName);
      p = initEGRU(rng, in, hidden, args.getFloat("theta"));
    }
    ElementsAttr biasAttr = hasBias ? realParam(fullName, "bias",
                                                {3 * hidden}, p.bias)
                                    : ElementsAttr();
    ElementsAttr recurrentBiasAttr =
        p.recurrentBias.empty()
            ? ElementsAttr()
            : realParam(fullName, "recurrent_bias", {3 * hidden},
                        p.recurrentBias);
    return builder
        .create<EGRUOp>(opLoc, outputType(hidden), args.inputs.front(),
                        realParam(fullName, "w", {3 * hidden, in}, p.w),
                        realParam(fullName, "r", {3 * hidden, hidden}, p.r),
                        biasAttr, recurrentBiasAttr,
                        realParam(fullName, "theta", {hidden}, p.theta), name)
        .getOutput();
  }

  if (kind == "relu")
    return builder.create<ReluOp>(opLoc, outputType(in), args.inputs[0], name)
        .getOutput();
  if (kind == "gelu")
    return builder.create<GeluOp>(opLoc, outputType(in), args.inputs[0], name)
        .getOutput();
  if (kind == "glu") {
    if (in % 2 != 0) {
      error(at) << "glu splits its input into two halves and needs an even "
                   "channel count, got "
                << in;
      return Value();
    }
    return builder
        .create<GLUOp>(opLoc, outputType(in / 2), args.inputs[0], name)
        .getOutput();
  }
  if (kind == "add") {
    int64_t rhs = cast<StreamType>(args.inputs[1].getType()).getChannels();
    if (in != rhs) {
      error(at) << "add needs streams of the same channel count, got " << in
                << " and " << rhs;
      return Value();
    }
    return builder
        .create<AddOp>(opLoc, outputType(in), args.inputs[0], args.inputs[1],
                       name)
        .getOutput();
  }
  if (kind == "readout") {
    auto mode =
        args.getWord("mode") == "last" ? ReadoutMode::Last : ReadoutMode::Mean;
    return builder
        .create<ReadoutOp>(opLoc, outputType(in), args.inputs[0],
                           ReadoutModeAttr::get(&context, mode), name)
        .getOutput();
  }
  if (const rt::NeuronLayerInfo *neuron = rt::findNeuronLayer(kind.str())) {
    // Per-channel parameters: stored ones (trained), or the DSL's scalar for
    // every channel.
    const bool stored = hasStoredWeights(fullName, at);
    if (!reserveParameters(in * int64_t(neuron->params.size()), fullName, at))
      return Value();
    auto op = builder.create<NeuronOp>(opLoc, outputType(in),
                                       builder.getStringAttr(kind),
                                       args.inputs[0], name,
                                       /*recurrent=*/ElementsAttr());
    for (const rt::NeuronLayerParam &param : neuron->params) {
      const StringRef key(param.name);
      std::vector<float> values(in, static_cast<float>(args.getFloat(key)));
      if (stored) {
        std::optional<std::vector<double>> read =
            readStored(fullName, key, {in}, at);
        if (!read) {
          op->erase();
          return Value();
        }
        values = toFloat(*read);
      }
      op->setAttr(key, realParam(fullName, key, {in}, values));
    }
    for (const rt::NeuronLayerFlag &flag : neuron->flags)
      if (args.getBool(StringRef(flag.name)))
        op->setAttr(StringRef(flag.name), builder.getUnitAttr());
    return op.getOutput();
  }
  llvm_unreachable("every LayerSpec kind is built above");
}

} // namespace

OwningOpRef<ModuleOp> ssm::dsl::mlirGen(MLIRContext &context,
                                        const ModelAST &model,
                                        const llvm::SourceMgr &sourceMgr,
                                        const MLIRGenOptions &options) {
  context.getOrLoadDialect<SSMDialect>();
  return MLIRGenImpl(context, sourceMgr, options).generate(model);
}
