//===- EGRU.h - the EGRU cell's state update, written once ------*- C++ -*-===//
//
// The event-based GRU of Subramoney et al. 2023 ("Efficient recurrent
// architectures through activity sparsity and sparse back-propagation
// through time", ICLR, Sec. 3.1), with gates u (update), z (candidate) and
// the previous step's event e in {0, 1}:
//
//   c_k = u_k z_k + (1 - u_k) c_{k-1} - theta e_{k-1}     (reset by subtraction)
//   e_k = H(c_k - theta),  y_k = c_k e_k
//
// Every executor computes the state with egru::state: the reference
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

/// The new internal state c_k from the update gate, the candidate, the
/// previous state and the previous step's event (0 or 1).
template <typename T>
SSM_HOST_DEVICE inline T state(T update, T candidate, T c, T theta, T event) {
  return update * candidate + (T(1) - update) * c - theta * event;
}

/// The event e_k: 1 when the state exceeds the threshold, else 0.
template <typename T> SSM_HOST_DEVICE inline T event(T c, T theta) {
  return c > theta ? T(1) : T(0);
}

} // namespace ssm::rt::egru

#endif // SSM_RUNTIME_EGRU_H
