// RUN: ssmc-opt %s -split-input-file -verify-diagnostics

// Every verifier rule of the ssm dialect, one case each.

// Types: !ssm.stream

ssm.model @m {
  // expected-error @+1 {{stream must have exactly one channel dimension}}
  %u = ssm.input 0 : !ssm.stream<2x3xf32>
  ssm.output %u : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  // expected-error @+1 {{stream must have at least one channel, got 0}}
  %u = ssm.input 0 : !ssm.stream<0xf32>
  ssm.output %u : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  // expected-error @+1 {{stream element type must be a float type, !ssm.fixed or i1, got 'i8'}}
  %u = ssm.input 0 : !ssm.stream<2xi8>
  ssm.output %u : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  // expected-error @+1 {{float-encoded stream needs a float element type}}
  %u = ssm.input 0 : !ssm.stream<2x!ssm.fixed<8, 4>>
  ssm.output %u : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  // expected-error @+1 {{graded-spike stream needs an !ssm.fixed element type}}
  %u = ssm.input 0 : !ssm.stream<2xf32, graded<8>>
  ssm.output %u : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  // expected-error @+1 {{graded-spike payload must be 1 to 32 bits, got 40}}
  %u = ssm.input 0 : !ssm.stream<2x!ssm.fixed<8, 4>, graded<40>>
  ssm.output %u : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  // expected-error @+1 {{binary-spike stream needs element type i1}}
  %u = ssm.input 0 : !ssm.stream<2xf32, binary>
  ssm.output %u : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  // expected-error @+1 {{binary-spike stream cannot have a sigma-delta threshold}}
  %u = ssm.input 0 : !ssm.stream<2xi1, binary, threshold = 1.0>
  ssm.output %u : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  // expected-error @+1 {{sigma-delta threshold must be finite and >= 0, got -1}}
  %u = ssm.input 0 : !ssm.stream<2xf32, threshold = -1.0>
  ssm.output %u : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  // expected-error @+1 {{unknown stream property 'sparse'}}
  %u = ssm.input 0 : !ssm.stream<2xf32, sparse>
  ssm.output %u : !ssm.stream<2xf32>
}

// -----

// Types: !ssm.fixed

ssm.model @m {
  // expected-error @+1 {{fixed-point width must be in [1, 64], got 0}}
  %u = ssm.input 0 : !ssm.stream<2x!ssm.fixed<0, 0>, graded<8>>
  ssm.output %u : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  // expected-error @+1 {{fixed-point fractional bits must be in [-64, 64], got 70}}
  %u = ssm.input 0 : !ssm.stream<2x!ssm.fixed<16, 70>, graded<8>>
  ssm.output %u : !ssm.stream<2xf32>
}

// -----

// ssm.model

// expected-error @+1 {{'ssm.model' op must have at least one 'ssm.input'}}
ssm.model @m {
  %x = ssm.relu %x : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %x : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %a = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{input indices must be 0..1 without gaps or repeats; found index 2 where 1 was expected}}
  %b = ssm.input 2 : !ssm.stream<2xf32>
  ssm.output %a : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %a = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'ssm.input' op attribute 'index' failed to satisfy constraint: 64-bit signless integer attribute whose value is non-negative}}
  %b = ssm.input -1 : !ssm.stream<2xf32>
  ssm.output %a : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{is part of a cycle; the layer graph must be acyclic}}
  %x = ssm.add %u, %y : !ssm.stream<2xf32>, !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  %y = ssm.relu %x : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// -----

// expected-error @+1 {{body must end with 'ssm.output'}}
ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
}

// -----

// ssm.output

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'ssm.output' op must return at least one stream}}
  ssm.output
}

// -----

// expected-error @+1 {{'ssm.output' op expects parent op 'ssm.model'}}
ssm.output

// -----

// ssm.dense

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'ssm.dense' op parameter 'weight' must have shape [O, I] = [3, 2], got [2, 3]}}
  %y = ssm.dense %u {weight = dense<1.0> : tensor<2x3xf32>} : !ssm.stream<2xf32> -> !ssm.stream<3xf32>
  ssm.output %y : !ssm.stream<3xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'ssm.dense' op parameter 'weight' must have a float element type, got 'i8'}}
  %y = ssm.dense %u {weight = dense<1> : tensor<2x2xi8>} : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'ssm.dense' op parameter 'weight' must be a statically shaped tensor}}
  %y = ssm.dense %u {weight = dense<1.0> : vector<2x2xf32>} : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'ssm.dense' op parameter 'bias' must have shape [O] = [2], got [3]}}
  %y = ssm.dense %u {weight = dense<1.0> : tensor<2x2xf32>, bias = dense<0.0> : tensor<3xf32>} : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// -----

// ssm.s4d

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'ssm.s4d' op output must have as many channels as the input (2), got 3}}
  %y = ssm.s4d %u zoh {state_size = 2 : i64, log_dt = dense<-3.0> : tensor<2xf32>, log_a_real = dense<-0.69> : tensor<2x1xf32>, a_imag = dense<3.14> : tensor<2x1xf32>, b = dense<(1.0, 0.0)> : tensor<2x1xcomplex<f32>>, c = dense<(0.5, -0.2)> : tensor<2x1xcomplex<f32>>, d = dense<1.0> : tensor<2xf32>} : !ssm.stream<2xf32> -> !ssm.stream<3xf32>
  ssm.output %y : !ssm.stream<3xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'ssm.s4d' op state_size N must be even (N/2 complex modes in conjugate pairs), got 3}}
  %y = ssm.s4d %u zoh {state_size = 3 : i64, log_dt = dense<-3.0> : tensor<2xf32>, log_a_real = dense<-0.69> : tensor<2x1xf32>, a_imag = dense<3.14> : tensor<2x1xf32>, b = dense<(1.0, 0.0)> : tensor<2x1xcomplex<f32>>, c = dense<(0.5, -0.2)> : tensor<2x1xcomplex<f32>>, d = dense<1.0> : tensor<2xf32>} : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'ssm.s4d' op attribute 'state_size' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %y = ssm.s4d %u zoh {state_size = 0 : i64, log_dt = dense<-3.0> : tensor<2xf32>, log_a_real = dense<-0.69> : tensor<2x1xf32>, a_imag = dense<3.14> : tensor<2x1xf32>, b = dense<(1.0, 0.0)> : tensor<2x1xcomplex<f32>>, c = dense<(0.5, -0.2)> : tensor<2x1xcomplex<f32>>, d = dense<1.0> : tensor<2xf32>} : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'ssm.s4d' op parameter 'log_dt' must have shape [H] = [2], got [1]}}
  %y = ssm.s4d %u zoh {state_size = 2 : i64, log_dt = dense<-3.0> : tensor<1xf32>, log_a_real = dense<-0.69> : tensor<2x1xf32>, a_imag = dense<3.14> : tensor<2x1xf32>, b = dense<(1.0, 0.0)> : tensor<2x1xcomplex<f32>>, c = dense<(0.5, -0.2)> : tensor<2x1xcomplex<f32>>, d = dense<1.0> : tensor<2xf32>} : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'ssm.s4d' op parameter 'log_a_real' must have shape [H, N/2] = [2, 1], got [2, 2]}}
  %y = ssm.s4d %u zoh {state_size = 2 : i64, log_dt = dense<-3.0> : tensor<2xf32>, log_a_real = dense<-0.5> : tensor<2x2xf32>, a_imag = dense<3.14> : tensor<2x1xf32>, b = dense<(1.0, 0.0)> : tensor<2x1xcomplex<f32>>, c = dense<(0.5, -0.2)> : tensor<2x1xcomplex<f32>>, d = dense<1.0> : tensor<2xf32>} : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'ssm.s4d' op parameter 'a_imag' must have shape [H, N/2] = [2, 1], got [1, 2]}}
  %y = ssm.s4d %u zoh {state_size = 2 : i64, log_dt = dense<-3.0> : tensor<2xf32>, log_a_real = dense<-0.69> : tensor<2x1xf32>, a_imag = dense<1.0> : tensor<1x2xf32>, b = dense<(1.0, 0.0)> : tensor<2x1xcomplex<f32>>, c = dense<(0.5, -0.2)> : tensor<2x1xcomplex<f32>>, d = dense<1.0> : tensor<2xf32>} : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'ssm.s4d' op parameter 'b' must have a complex float element type, got 'f32'}}
  %y = ssm.s4d %u zoh {state_size = 2 : i64, log_dt = dense<-3.0> : tensor<2xf32>, log_a_real = dense<-0.69> : tensor<2x1xf32>, a_imag = dense<3.14> : tensor<2x1xf32>, b = dense<1.0> : tensor<2x1xf32>, c = dense<(0.5, -0.2)> : tensor<2x1xcomplex<f32>>, d = dense<1.0> : tensor<2xf32>} : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'ssm.s4d' op parameter 'c' must have shape [H, N/2] = [2, 1], got [2]}}
  %y = ssm.s4d %u zoh {state_size = 2 : i64, log_dt = dense<-3.0> : tensor<2xf32>, log_a_real = dense<-0.69> : tensor<2x1xf32>, a_imag = dense<3.14> : tensor<2x1xf32>, b = dense<(1.0, 0.0)> : tensor<2x1xcomplex<f32>>, c = dense<(1.0, 0.0)> : tensor<2xcomplex<f32>>, d = dense<1.0> : tensor<2xf32>} : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'ssm.s4d' op parameter 'd' must have shape [H] = [2], got [2, 1]}}
  %y = ssm.s4d %u zoh {state_size = 2 : i64, log_dt = dense<-3.0> : tensor<2xf32>, log_a_real = dense<-0.69> : tensor<2x1xf32>, a_imag = dense<3.14> : tensor<2x1xf32>, b = dense<(1.0, 0.0)> : tensor<2x1xcomplex<f32>>, c = dense<(0.5, -0.2)> : tensor<2x1xcomplex<f32>>, d = dense<1.0> : tensor<2x1xf32>} : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'ssm.s4d' op 'a_bar' and 'b_bar' must be given together}}
  %y = ssm.s4d %u zoh {state_size = 2 : i64, log_dt = dense<-3.0> : tensor<2xf32>, log_a_real = dense<-0.69> : tensor<2x1xf32>, a_imag = dense<3.14> : tensor<2x1xf32>, b = dense<(1.0, 0.0)> : tensor<2x1xcomplex<f32>>, c = dense<(0.5, -0.2)> : tensor<2x1xcomplex<f32>>, d = dense<1.0> : tensor<2xf32>, a_bar = dense<(0.9, 0.0)> : tensor<2x1xcomplex<f32>>} : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'ssm.s4d' op parameter 'b_bar' must have shape [H, N/2] = [2, 1], got [2, 2]}}
  %y = ssm.s4d %u zoh {state_size = 2 : i64, log_dt = dense<-3.0> : tensor<2xf32>, log_a_real = dense<-0.69> : tensor<2x1xf32>, a_imag = dense<3.14> : tensor<2x1xf32>, b = dense<(1.0, 0.0)> : tensor<2x1xcomplex<f32>>, c = dense<(0.5, -0.2)> : tensor<2x1xcomplex<f32>>, d = dense<1.0> : tensor<2xf32>, a_bar = dense<(0.9, 0.0)> : tensor<2x1xcomplex<f32>>, b_bar = dense<(0.9, 0.0)> : tensor<2x2xcomplex<f32>>} : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'ssm.s4d' op requires attribute 'log_dt'}}
  %y = ssm.s4d %u zoh {state_size = 2 : i64, log_a_real = dense<-0.69> : tensor<2x1xf32>, a_imag = dense<3.14> : tensor<2x1xf32>, b = dense<(1.0, 0.0)> : tensor<2x1xcomplex<f32>>, c = dense<(0.5, -0.2)> : tensor<2x1xcomplex<f32>>, d = dense<1.0> : tensor<2xf32>} : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// -----

// ssm.egru

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'ssm.egru' op parameter 'w' must have shape [3H, I] = [6, 2], got [6, 1]}}
  %y = ssm.egru %u {w = dense<0.1> : tensor<6x1xf32>, r = dense<0.0> : tensor<6x2xf32>, theta = dense<0.2> : tensor<2xf32>} : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'ssm.egru' op parameter 'r' must have shape [3H, H] = [6, 2], got [2, 2]}}
  %y = ssm.egru %u {w = dense<0.1> : tensor<6x2xf32>, r = dense<0.0> : tensor<2x2xf32>, theta = dense<0.2> : tensor<2xf32>} : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'ssm.egru' op parameter 'theta' must have shape [H] = [2], got [3]}}
  %y = ssm.egru %u {w = dense<0.1> : tensor<6x2xf32>, r = dense<0.0> : tensor<6x2xf32>, theta = dense<0.2> : tensor<3xf32>} : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'ssm.egru' op parameter 'bias' must have shape [3H] = [6], got [2]}}
  %y = ssm.egru %u {w = dense<0.1> : tensor<6x2xf32>, r = dense<0.0> : tensor<6x2xf32>, bias = dense<0.0> : tensor<2xf32>, theta = dense<0.2> : tensor<2xf32>} : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'ssm.egru' op threshold 'theta' must be > 0 for every unit; unit 1 has 0}}
  %y = ssm.egru %u {w = dense<0.1> : tensor<6x2xf32>, r = dense<0.0> : tensor<6x2xf32>, theta = dense<[0.2, 0.0]> : tensor<2xf32>} : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// -----

// Pointwise layers

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'ssm.relu' op output must have as many channels as the input (2), got 4}}
  %y = ssm.relu %u : !ssm.stream<2xf32> -> !ssm.stream<4xf32>
  ssm.output %y : !ssm.stream<4xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'ssm.gelu' op output must have as many channels as the input (2), got 1}}
  %y = ssm.gelu %u : !ssm.stream<2xf32> -> !ssm.stream<1xf32>
  ssm.output %y : !ssm.stream<1xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'ssm.glu' op input must have twice the output's channels (2 x 2 = 4), got 2}}
  %y = ssm.glu %u : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'ssm.add' op operands and result must have the same channel count, got 2, 2 -> 3}}
  %y = ssm.add %u, %u : !ssm.stream<2xf32>, !ssm.stream<2xf32> -> !ssm.stream<3xf32>
  ssm.output %y : !ssm.stream<3xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'ssm.readout' op output must have as many channels as the input (2), got 1}}
  %y = ssm.readout %u mean : !ssm.stream<2xf32> -> !ssm.stream<1xf32>
  ssm.output %y : !ssm.stream<1xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'mode' [mean, last]}}
  %y = ssm.readout %u median : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  // expected-error @+1 {{'ssm.input' op result #0 must be token stream, but got 'f32'}}
  %u = ssm.input 0 : f32
  %y = ssm.relu %u : f32 -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// ssm.neuron (neuron layers: the kind's parameters and options)

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{unknown neuron layer kind 'izhikevich'; ssmc has lif}}
  %y = ssm.neuron izhikevich %u {} : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{neuron layer 'lif' needs parameter 'threshold'}}
  %y = ssm.neuron lif %u {current_decay = dense<1.0> : tensor<2xf32>, voltage_decay = dense<0.1> : tensor<2xf32>} : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{parameter 'voltage_decay' must be within [0, 1]; channel 1 has 2}}
  %y = ssm.neuron lif %u {current_decay = dense<1.0> : tensor<2xf32>, voltage_decay = dense<[0.5, 2.0]> : tensor<2xf32>, threshold = dense<1.0> : tensor<2xf32>} : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{parameter 'threshold' must have shape [H] = [2], got [3]}}
  %y = ssm.neuron lif %u {current_decay = dense<1.0> : tensor<2xf32>, voltage_decay = dense<0.1> : tensor<2xf32>, threshold = dense<1.0> : tensor<3xf32>} : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{has unknown attribute 'refractory'; neuron layer 'lif' accepts current_decay, voltage_decay, threshold, graded, recurrent}}
  %y = ssm.neuron lif %u {current_decay = dense<1.0> : tensor<2xf32>, voltage_decay = dense<0.1> : tensor<2xf32>, threshold = dense<1.0> : tensor<2xf32>, refractory = 2 : i64} : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{option 'graded' must be a unit attribute}}
  %y = ssm.neuron lif %u {current_decay = dense<1.0> : tensor<2xf32>, voltage_decay = dense<0.1> : tensor<2xf32>, threshold = dense<1.0> : tensor<2xf32>, graded = true} : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{output must have as many channels as the input (2), got 3}}
  %y = ssm.neuron lif %u {current_decay = dense<1.0> : tensor<2xf32>, voltage_decay = dense<0.1> : tensor<2xf32>, threshold = dense<1.0> : tensor<2xf32>} : !ssm.stream<2xf32> -> !ssm.stream<3xf32>
  ssm.output %y : !ssm.stream<3xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{parameter 'recurrent' must have shape [H, H] = [2, 2], got [2, 3]}}
  %y = ssm.neuron li %u {voltage_decay = dense<0.1> : tensor<2xf32>, recurrent = dense<0.5> : tensor<2x3xf32>} : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{parameter 'recurrent' must be finite}}
  %y = ssm.neuron li %u {voltage_decay = dense<0.1> : tensor<2xf32>, recurrent = dense<[[0.5, 0x7FC00000], [0.0, 1.0]]> : tensor<2x2xf32>} : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}
