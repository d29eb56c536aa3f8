//===- SSMEnums.td - enumerations of the ssm dialect -------*- tablegen -*-===//
//
// Enumerations shared by ssm types and ops: S4D discretization rules, readout
// modes and the encodings a spike-message connection can use.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_DIALECT_SSM_SSMENUMS_TD
#define SSM_DIALECT_SSM_SSMENUMS_TD

include "mlir/IR/EnumAttr.td"

def SSM_Discretization : I32EnumAttr<"Discretization",
    "rule that maps continuous-time (A, B, dt) to discrete (A_bar, B_bar)", [
      I32EnumAttrCase<"ZOH", 0, "zoh">,
      I32EnumAttrCase<"Bilinear", 1, "bilinear">
    ]> {
  let cppNamespace = "::ssm";
}

def SSM_ReadoutMode : I32EnumAttr<"ReadoutMode",
    "how a readout summarizes the tokens seen so far", [
      I32EnumAttrCase<"Mean", 0, "mean">,
      I32EnumAttrCase<"Last", 1, "last">
    ]> {
  let cppNamespace = "::ssm";
}

def SSM_Encoding : I32EnumAttr<"Encoding",
    "how a connection's values travel as messages", [
      I32EnumAttrCase<"Float", 0, "float">,
      I32EnumAttrCase<"Graded", 1, "graded">,
      I32EnumAttrCase<"Binary", 2, "binary">
    ]> {
  let cppNamespace = "::ssm";
  let genSpecializedAttr = 0;
}

#endif // SSM_DIALECT_SSM_SSMENUMS_TD
