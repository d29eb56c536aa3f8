// RUN: ssmc-opt %s -canonicalize -split-input-file | FileCheck %s

// relu(relu(x)) is relu(x).
// CHECK-LABEL: ssm.model @double_relu
// CHECK: %[[R:.*]] = ssm.relu
// CHECK-NOT: ssm.relu
// CHECK: ssm.output %[[R]]
ssm.model @double_relu {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  %a = ssm.relu %u : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  %b = ssm.relu %a : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %b : !ssm.stream<2xf32>
}

// -----

// A relu that changes the encoding is a quantization step: keep it.
// CHECK-LABEL: ssm.model @relu_changes_encoding
// CHECK-COUNT-2: ssm.relu
ssm.model @relu_changes_encoding {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  %a = ssm.relu %u : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  %b = ssm.relu %a : !ssm.stream<2xf32> -> !ssm.stream<2xf32, threshold = 0.5>
  ssm.output %b : !ssm.stream<2xf32, threshold = 0.5>
}

// -----

// An identity dense layer without bias disappears, in inline and blob form.
// CHECK-LABEL: ssm.model @identity_dense
// CHECK-NOT: ssm.dense
// CHECK: ssm.output %[[U:.*]], %[[U]] :
ssm.model @identity_dense {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  %a = ssm.dense %u {weight = dense<[[1.0, 0.0], [0.0, 1.0]]> : tensor<2x2xf32>,
                     bias = dense<0.0> : tensor<2xf32>}
      : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  %b = ssm.dense %u {weight = dense_resource<eye> : tensor<2x2xf32>}
      : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %a, %b : !ssm.stream<2xf32>, !ssm.stream<2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      eye: "0x040000000000803F00000000000000000000803F"
    }
  }
#-}

// -----

// Not the identity: a bias, an off-diagonal weight.
// CHECK-LABEL: ssm.model @not_identity
// CHECK-COUNT-2: ssm.dense
ssm.model @not_identity {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  %a = ssm.dense %u {weight = dense<[[1.0, 0.0], [0.0, 1.0]]> : tensor<2x2xf32>,
                     bias = dense<0.1> : tensor<2xf32>}
      : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  %b = ssm.dense %u {weight = dense<[[1.0, 0.5], [0.0, 1.0]]> : tensor<2x2xf32>}
      : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %a, %b : !ssm.stream<2xf32>, !ssm.stream<2xf32>
}

// -----

// Dead layers are removed; identical layers merge under CSE.
// RUN: ssmc-opt %s -split-input-file -cse -canonicalize | FileCheck %s --check-prefix=CSE
// CSE-LABEL: ssm.model @dead_and_duplicate
// CSE: %[[R:.*]] = ssm.relu
// CSE-NOT: ssm.relu
// CSE-NOT: ssm.gelu
// CSE: ssm.add %[[R]], %[[R]]
ssm.model @dead_and_duplicate {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  %a = ssm.relu %u : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  %b = ssm.relu %u : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  %dead = ssm.gelu %u : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  %s = ssm.add %a, %b : !ssm.stream<2xf32>, !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %s : !ssm.stream<2xf32>
}
