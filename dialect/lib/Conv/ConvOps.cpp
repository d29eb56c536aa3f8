//===- ConvOps.cpp - the conv dialect -------------------------------------===//

#include "ssm/Dialect/Conv/ConvOps.h"
#include "ssm/Dialect/SSM/SSMTypes.h"
#include "ssm/Dialect/SSM/Verification.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace ssm;
using namespace ssm::conv;

#include "ssm/Dialect/Conv/ConvDialect.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "ssm/Dialect/Conv/ConvTypes.cpp.inc"

void ConvDialect::initialize() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "ssm/Dialect/Conv/ConvTypes.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "ssm/Dialect/Conv/ConvOps.cpp.inc"
      >();
}

LogicalResult S4DKernelOp::verify() {
  int64_t channels = getKernel().getType().getChannels();
  auto aBarType = cast<ShapedType>(getABar().getType());
  if (aBarType.getRank() != 2 || aBarType.getDimSize(0) != channels)
    return emitOpError() << "parameter 'a_bar' must have shape [H, N/2] with "
                            "H = "
                         << channels;
  int64_t modes = aBarType.getDimSize(1);
  SmallVector<int64_t, 2> shape = {channels, modes};
  if (failed(verifyParam(*this, "a_bar", getABar(), shape, "[H, N/2]",
                         ParamKind::Complex)) ||
      failed(verifyParam(*this, "b_bar", getBBar(), shape, "[H, N/2]",
                         ParamKind::Complex)) ||
      failed(verifyParam(*this, "c", getC(), shape, "[H, N/2]",
                         ParamKind::Complex)))
    return failure();
  return success();
}

LogicalResult CausalConvOp::verify() {
  auto input = dyn_cast<StreamType>(getInput().getType());
  auto output = dyn_cast<StreamType>(getOutput().getType());
  if (!input || !output)
    return emitOpError() << "input and output must be !ssm.stream values";
  int64_t channels = getKernel().getType().getChannels();
  if (input.getChannels() != channels || output.getChannels() != channels)
    return emitOpError() << "input, kernel and output must have the same "
                            "channel count, got "
                         << input.getChannels() << ", " << channels << " -> "
                         << output.getChannels();
  return verifyParam(*this, "d", getD(), {channels}, "[H]");
}

#define GET_OP_CLASSES
#include "ssm/Dialect/Conv/ConvOps.cpp.inc"
