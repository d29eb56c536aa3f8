// RUN: ssmc-opt %s -ssm-fuse-dense -split-input-file | FileCheck %s
// RUN: ssmc-opt %s -ssm-fuse-dense="only-if-smaller=false" -split-input-file | FileCheck %s --check-prefix=ALWAYS

// W = W2 W1 = [[1, 2]] [[1], [3]] = [[7]]; b = W2 b1 + b2 = 1*1 + 2*2 + 0.5.
// CHECK-LABEL: ssm.model @chain
// CHECK: %[[U:.*]] = ssm.input 0
// CHECK: ssm.dense %[[U]] {bias = dense<5.500000e+00> : tensor<1xf32>, name = "second", weight = dense<7.000000e+00> : tensor<1x1xf32>} : !ssm.stream<1xf32> -> !ssm.stream<1xf32>
// CHECK-NOT: ssm.dense
ssm.model @chain {
  %u = ssm.input 0 : !ssm.stream<1xf32>
  %a = ssm.dense %u {name = "first", weight = dense<[[1.0], [3.0]]> : tensor<2x1xf32>,
                     bias = dense<[1.0, 2.0]> : tensor<2xf32>}
      : !ssm.stream<1xf32> -> !ssm.stream<2xf32>
  %b = ssm.dense %a {name = "second", weight = dense<[[1.0, 2.0]]> : tensor<1x2xf32>,
                     bias = dense<0.5> : tensor<1xf32>}
      : !ssm.stream<2xf32> -> !ssm.stream<1xf32>
  ssm.output %b : !ssm.stream<1xf32>
}

// -----

// A bottleneck (4 -> 1 -> 4: 8 weights) would grow to 16 when fused.
// CHECK-LABEL: ssm.model @bottleneck
// CHECK-COUNT-2: ssm.dense
// ALWAYS-LABEL: ssm.model @bottleneck
// ALWAYS-COUNT-1: ssm.dense
// ALWAYS-NOT: ssm.dense
ssm.model @bottleneck {
  %u = ssm.input 0 : !ssm.stream<4xf32>
  %a = ssm.dense %u {weight = dense<1.0> : tensor<1x4xf32>}
      : !ssm.stream<4xf32> -> !ssm.stream<1xf32>
  %b = ssm.dense %a {weight = dense<1.0> : tensor<4x1xf32>}
      : !ssm.stream<1xf32> -> !ssm.stream<4xf32>
  ssm.output %b : !ssm.stream<4xf32>
}

// -----

// The intermediate stream is sigma-delta encoded or used twice: no fusion.
// CHECK-LABEL: ssm.model @not_fusable
// ALWAYS-LABEL: ssm.model @not_fusable
// CHECK-COUNT-4: ssm.dense
ssm.model @not_fusable {
  %u = ssm.input 0 : !ssm.stream<1xf32>
  %a = ssm.dense %u {weight = dense<1.0> : tensor<1x1xf32>}
      : !ssm.stream<1xf32> -> !ssm.stream<1xf32, threshold = 0.1>
  %b = ssm.dense %a {weight = dense<2.0> : tensor<1x1xf32>}
      : !ssm.stream<1xf32, threshold = 0.1> -> !ssm.stream<1xf32>
  %c = ssm.dense %u {weight = dense<3.0> : tensor<1x1xf32>}
      : !ssm.stream<1xf32> -> !ssm.stream<1xf32>
  %d = ssm.dense %c {weight = dense<4.0> : tensor<1x1xf32>}
      : !ssm.stream<1xf32> -> !ssm.stream<1xf32>
  %e = ssm.add %c, %d : !ssm.stream<1xf32>, !ssm.stream<1xf32> -> !ssm.stream<1xf32>
  ssm.output %b, %e : !ssm.stream<1xf32>, !ssm.stream<1xf32>
}

// -----

// Three in a row fuse into one; large products become dense_resource blobs.
// CHECK-LABEL: ssm.model @three
// CHECK: ssm.dense %{{.*}} {bias = dense_resource<{{.*}}> : tensor<20xf32>, {{.*}}weight = dense_resource<{{.*}}> : tensor<20x20xf32>}
// CHECK-NOT: ssm.dense
ssm.model @three {
  %u = ssm.input 0 : !ssm.stream<20xf32>
  %a = ssm.dense %u {weight = dense<0.1> : tensor<20x20xf32>}
      : !ssm.stream<20xf32> -> !ssm.stream<20xf32>
  %b = ssm.dense %a {weight = dense<0.2> : tensor<20x20xf32>}
      : !ssm.stream<20xf32> -> !ssm.stream<20xf32>
  %c = ssm.dense %b {weight = dense<0.3> : tensor<20x20xf32>}
      : !ssm.stream<20xf32> -> !ssm.stream<20xf32>
  ssm.output %c : !ssm.stream<20xf32>
}
