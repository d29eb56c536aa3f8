//===- AST.h - abstract syntax of the ssmc model DSL ------------*- C++ -*-===//
//
// The AST of one model file: statements (inputs, layers, aliases, repeat
// blocks, outputs, weights and seed bindings) with the source location of
// every node. The grammar and meaning are documented in docs/dsl.md.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_FRONTEND_AST_H
#define SSM_FRONTEND_AST_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Casting.h"
#include "llvm/Support/SMLoc.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace llvm {
class SourceMgr;
class raw_ostream;
} // namespace llvm

namespace ssm::dsl {

/// A literal or name used as a layer argument.
struct ValueAST {
  enum class Kind { Identifier, Integer, Float, String };
  Kind kind = Kind::Identifier;
  std::string text; // identifier or string contents
  int64_t intValue = 0;
  double floatValue = 0; // also set for integers
  llvm::SMLoc loc;
};

/// `key = value` or a positional `value` (empty key).
struct ArgAST {
  std::string key;
  llvm::SMLoc keyLoc;
  ValueAST value;
};

class StmtAST {
public:
  enum class Kind {
    Input,
    Weights,
    Seed,
    Calibration,
    Output,
    Repeat,
    Layer,
    Alias
  };
  StmtAST(Kind kind, llvm::SMLoc loc) : kind(kind), loc(loc) {}
  virtual ~StmtAST() = default;
  Kind getKind() const { return kind; }
  llvm::SMLoc getLoc() const { return loc; }

private:
  Kind kind;
  llvm::SMLoc loc;
};

using StmtList = std::vector<std::unique_ptr<StmtAST>>;

/// `input NAME : CHANNELS`, or `input NAME : tokens(V)` (one channel, a
/// token id in [0, V) per step)
struct InputStmtAST : StmtAST {
  InputStmtAST(llvm::SMLoc loc, std::string name, int64_t channels,
               int64_t vocabulary = 0)
      : StmtAST(Kind::Input, loc), name(std::move(name)), channels(channels),
        vocabulary(vocabulary) {}
  static bool classof(const StmtAST *s) { return s->getKind() == Kind::Input; }
  std::string name;
  int64_t channels;
  int64_t vocabulary; // 0: not a token input
};

/// `weights "PATH"` (relative to the model file's folder)
struct WeightsStmtAST : StmtAST {
  WeightsStmtAST(llvm::SMLoc loc, std::string path)
      : StmtAST(Kind::Weights, loc), path(std::move(path)) {}
  static bool classof(const StmtAST *s) {
    return s->getKind() == Kind::Weights;
  }
  std::string path;
};

/// `seed N` (initialization of layers without stored weights)
struct SeedStmtAST : StmtAST {
  SeedStmtAST(llvm::SMLoc loc, uint64_t seed)
      : StmtAST(Kind::Seed, loc), seed(seed) {}
  static bool classof(const StmtAST *s) { return s->getKind() == Kind::Seed; }
  uint64_t seed;
};

/// `calibration "SPEC"`: the data spec (docs/ssmc-run.md) of the sequences
/// that PTQ calibrates this model on, e.g. "pmnist:train".
struct CalibrationStmtAST : StmtAST {
  CalibrationStmtAST(llvm::SMLoc loc, std::string spec)
      : StmtAST(Kind::Calibration, loc), spec(std::move(spec)) {}
  static bool classof(const StmtAST *s) {
    return s->getKind() == Kind::Calibration;
  }
  std::string spec;
};

/// `output NAME (, NAME)*`
struct OutputStmtAST : StmtAST {
  OutputStmtAST(llvm::SMLoc loc) : StmtAST(Kind::Output, loc) {}
  static bool classof(const StmtAST *s) {
    return s->getKind() == Kind::Output;
  }
  std::vector<ValueAST> names;
};

/// `repeat COUNT as PREFIX { ... }`
struct RepeatStmtAST : StmtAST {
  RepeatStmtAST(llvm::SMLoc loc, int64_t count, std::string prefix)
      : StmtAST(Kind::Repeat, loc), count(count), prefix(std::move(prefix)) {}
  static bool classof(const StmtAST *s) {
    return s->getKind() == Kind::Repeat;
  }
  int64_t count;
  std::string prefix;
  StmtList body;
};

/// `NAME = KIND(ARGS)`: defines a layer called NAME.
struct LayerStmtAST : StmtAST {
  LayerStmtAST(llvm::SMLoc loc, std::string name, std::string kindName,
               llvm::SMLoc kindLoc)
      : StmtAST(Kind::Layer, loc), name(std::move(name)),
        kindName(std::move(kindName)), kindLoc(kindLoc) {}
  static bool classof(const StmtAST *s) { return s->getKind() == Kind::Layer; }
  std::string name;
  std::string kindName;
  llvm::SMLoc kindLoc;
  std::vector<ArgAST> args;
};

/// `NAME = OTHER`: a second name for a stream; defines no layer.
struct AliasStmtAST : StmtAST {
  AliasStmtAST(llvm::SMLoc loc, std::string name, ValueAST target)
      : StmtAST(Kind::Alias, loc), name(std::move(name)),
        target(std::move(target)) {}
  static bool classof(const StmtAST *s) { return s->getKind() == Kind::Alias; }
  std::string name;
  ValueAST target;
};

/// `model NAME { ... }`: one model per file.
struct ModelAST {
  std::string name;
  llvm::SMLoc loc;
  StmtList body;
};

/// Prints the AST as an indented tree with file:line:col locations
/// (`ssmc --emit=ast`).
void dump(const ModelAST &model, const llvm::SourceMgr &sourceMgr,
          llvm::raw_ostream &os);

} // namespace ssm::dsl

#endif // SSM_FRONTEND_AST_H
