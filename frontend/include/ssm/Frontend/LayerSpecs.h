//===- LayerSpecs.h - the layer vocabulary of the model DSL -----*- C++ -*-===//
//
// One table of every layer kind the DSL knows: how many input streams it
// takes and which parameters it accepts (type, constraint, default). The
// semantic checks in MLIRGen and `ssmc --list-layers` both read it. The
// neuron layers (LIF, ...) come from the model library's list
// (ssm/Runtime/NeuronLayer.h), so a new one needs no change here.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_FRONTEND_LAYERSPECS_H
#define SSM_FRONTEND_LAYERSPECS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace ssm::dsl {

enum class ParamType {
  PositiveInt, // integer >= 1
  EvenInt,     // even integer >= 2
  PositiveFloat,
  NonNegativeFloat,
  Bool,        // true | false
  Choice,      // one of ParamSpec::choices
  RangedFloat, // a number in [ParamSpec::min, ParamSpec::max]
  Layer,       // the name of an earlier layer, or `none`
};

struct ParamSpec {
  llvm::StringRef name;
  ParamType type;
  /// Default value as written in the DSL; empty when the parameter is
  /// required.
  llvm::StringRef defaultValue;
  llvm::StringRef help;
  /// For ParamType::Choice: the allowed words, separated by '|'.
  llvm::StringRef choices = "";
  /// For ParamType::RangedFloat: the valid range, inclusive.
  double min = 0, max = 0;
};

struct LayerSpec {
  llvm::StringRef kind;
  unsigned numInputs;
  llvm::StringRef summary;
  /// In positional order: positional arguments after the inputs bind to
  /// these in turn.
  llvm::ArrayRef<ParamSpec> params;
};

/// Every layer kind, in documentation order.
llvm::ArrayRef<LayerSpec> getLayerSpecs();

/// The spec of `kind`, or null.
const LayerSpec *lookupLayerSpec(llvm::StringRef kind);

/// Parameters every layer accepts (they describe its output connection).
llvm::ArrayRef<ParamSpec> getConnectionParams();

} // namespace ssm::dsl

#endif // SSM_FRONTEND_LAYERSPECS_H
