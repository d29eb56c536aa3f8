//===- Limits.h - bounds every model front end checks -----------*- C++ -*-===//
//
// Upper bounds that keep a typo or a corrupt file from asking for
// terabytes, shared by the DSL (MLIRGen.cpp) and the NIR importer
// (NIRImport.cpp), so a model is refused at the same size whichever way it
// comes in.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_FRONTEND_LIMITS_H
#define SSM_FRONTEND_LIMITS_H

#include <cstdint>

namespace ssm::dsl {

/// The most channels a stream may have.
inline constexpr int64_t kMaxChannels = int64_t(1) << 20;
/// The most layers a model may have (after repeats expand, or NIR nodes).
inline constexpr int64_t kMaxLayers = int64_t(1) << 16;
/// The most elements one parameter tensor may have.
inline constexpr int64_t kMaxTensorElements = int64_t(1) << 26;

} // namespace ssm::dsl

#endif // SSM_FRONTEND_LIMITS_H
