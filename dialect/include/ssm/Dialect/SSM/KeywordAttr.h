//===- KeywordAttr.h - a string attribute printed as a keyword --*- C++ -*-===//
//
// `ssm.neuron lif ...` and `nc.neurons @g on @c lif(...)` name what the
// model library describes (a neuron layer kind, a neuron model) by a bare
// keyword stored as a StringAttr, so that new kinds need no dialect change.
// The ops' custom<...> assembly directives share these two functions.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_DIALECT_SSM_KEYWORDATTR_H
#define SSM_DIALECT_SSM_KEYWORDATTR_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

namespace ssm {

/// Parses a bare keyword (`s4d_mode`) into a StringAttr.
inline mlir::ParseResult parseKeywordAttr(mlir::OpAsmParser &parser,
                                          mlir::StringAttr &attr) {
  llvm::StringRef keyword;
  if (parser.parseKeyword(&keyword))
    return mlir::failure();
  attr = parser.getBuilder().getStringAttr(keyword);
  return mlir::success();
}

/// Prints a StringAttr as a bare keyword.
inline void printKeywordAttr(mlir::OpAsmPrinter &printer,
                             mlir::StringAttr attr) {
  printer << attr.getValue();
}

} // namespace ssm

#endif // SSM_DIALECT_SSM_KEYWORDATTR_H
