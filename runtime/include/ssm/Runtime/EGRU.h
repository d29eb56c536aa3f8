//===- EGRU.h - the EGRU cell's state update, written once ------*- C++ -*-===//
//
// The event-based GRU of Subramoney et al. 2023 ("Efficient recurrent
// architectures through activity sparsity and sparse back-propagation
// through time", ICLR, Sec. 3.1) exactly as their EvNN library computes it
// (lib/egru_forward_cpu.cc; gates as a cuDNN GRU), which is what Nazeer et
// al. 2024 ran on SpiNNaker 2. With update gate u, reset gate r, candidate z
// and y' the previous step's output:
//
//   u = sigmoid(W_u x + b_u + R_u y' + b'_u)
//   r = sigmoid(W_r x + b_r + R_r y' + b'_r)
//   z = tanh(W_z x + b_z + r * (R_z y' + b'_z))
//   c = u c' + (1 - u) z            (c' the state after its last reset)
//   o = H(c - theta),  y = o c,     then c <- c - o theta (reset by
//                                   subtraction, before the next step)
//
// Every executor computes the state with these functions: the reference
// interpreter (double), both conv executors (float; the CUDA one on the
// device), and the event runtime's egru_unit kernel on dequantized values
// and its float evaluation (runtime/lib/models/EGRUUnit.cpp). The gates'
// sums stay with each executor (their order is each one's own).
//
//===----------------------------------------------------------------------===//

#ifndef SSM_RUNTIME_EGRU_H
#define SSM_RUNTIME_EGRU_H

#if defined(__CUDACC__)
#define SSM_HOST_DEVICE __host__ __device__
#else
#define SSM_HOST_DEVICE
#endif

namespace ssm::rt::egru {

/// The state before the event, c = u c' + (1 - u) z, from the update gate,
/// the candidate and the previous state (after its reset).
template <typename T>
SSM_HOST_DEVICE inline T state(T update, T candidate, T c) {
  return update * c + (T(1) - update) * candidate;
}

/// The event o: 1 when the state exceeds the threshold, else 0.
template <typename T> SSM_HOST_DEVICE inline T event(T c, T theta) {
  return c > theta ? T(1) : T(0);
}

/// The state carried to the next step: c - o theta.
template <typename T> SSM_HOST_DEVICE inline T reset(T c, T theta, T event) {
  return c - event * theta;
}

} // namespace ssm::rt::egru

#endif // SSM_RUNTIME_EGRU_H
