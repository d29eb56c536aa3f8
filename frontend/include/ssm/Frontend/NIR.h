//===- NIR.h - NIR graphs (HDF5) to the ssm dialect --------------*- C++ -*-===//
//
// NIR, the Neuromorphic Intermediate Representation (Pedersen et al. 2024,
// "Neuromorphic intermediate representation: a unified instruction set for
// interoperable brain-inspired computing", Nature Communications 15:8122;
// github.com/neuromorphs/NIR), is how spiking networks move between
// snnTorch, Norse, Sinabs, lava-dl, SpiNNaker 2 and other platforms. A NIR
// file is HDF5: `/version`, and `/node`, a graph whose `nodes` group holds
// one group per node (its `type` dataset and its parameters) and whose
// `edges` dataset [E, 2] names source and target.
//
// importNIR reads such a file and builds an ssm.model: primitives become
// dense layers and neuron layers (lif, li) with NIR's continuous-time
// equations discretized by forward Euler with step dt (docs/nir.md gives
// every equation). Errors name the node, its type and the dataset.
// exportNIR writes a model back (ssmc --emit=nir). A .nir file is always
// a model, never a compiled network, though both are HDF5.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_FRONTEND_NIR_H
#define SSM_FRONTEND_NIR_H

#include "ssm/Runtime/Model.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>

namespace ssm::dsl {

/// Whether `path` names a NIR graph (.nir).
bool isNIRPath(llvm::StringRef path);

struct NIRImportOptions {
  /// The discretization step in seconds. When unset, the graph's own
  /// metadata `dt` (which ssmc's exporter writes) is used; a graph with
  /// time constants and neither is an error.
  std::optional<double> dt;
};

/// Reads the NIR graph in `path` into a module holding one ssm.model named
/// after the file. The model records the step as `ssm.nir_dt` (seconds)
/// and NIR's version as `ssm.nir_version`. Returns null after printing
/// the errors (`path: error: node 'lif1' (LIF): ...`) to `errors`.
mlir::OwningOpRef<mlir::ModuleOp>
importNIR(llvm::StringRef path, mlir::MLIRContext &context,
          const NIRImportOptions &options,
          llvm::raw_ostream &errors = llvm::errs());

/// The NIR format version ssmc writes: the layout of neuromorphs/NIR's
/// nir/serialization.py (NIR 1.0).
inline constexpr const char *kNIRVersion = "1.0.0";

/// The default step (seconds) of an exported graph: any step gives the
/// same discrete dynamics on re-import, since each time constant is written
/// as dt / decay; the step is written to the graph's metadata (`dt`).
inline constexpr double kDefaultExportDt = 1e-3;

/// Writes `model` as a NIR graph to `path` with step `dt` (seconds): inputs
/// as Input, dense layers as Affine, `lif` as LIF, IF, Threshold or CubaLIF
/// and `li` as LI or I (docs/nir.md inverts the import's equations), a
/// neuron layer's recurrent synapses as a Linear node looping back into
/// it, S4D as integrators with a recurrent Linear of 2x2 blocks, an `add`
/// as the edges it sums, the output as Output. Layer names become node
/// names with '.' replaced by '_' (NIR addresses subgraph nodes with
/// dots). Returns an error listing every layer NIR cannot express (EGRU,
/// ReLU, GELU, GLU, embeddings, readouts, graded spikes), or why the file
/// could not be written.
llvm::Error exportNIR(const rt::Model &model, const std::string &path,
                      double dt = kDefaultExportDt);

} // namespace ssm::dsl

#endif // SSM_FRONTEND_NIR_H
