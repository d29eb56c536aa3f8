//===- NetworkFile.h - compiled networks as HDF5 files ----------*- C++ -*-===//
//
// The compiled loihi2 network (`ssmc --target=loihi2 -o net.h5`) as an HDF5
// file that the runtime loads without MLIR, and that h5py reads: HDF5 is
// what the field already uses for compiled networks (lava-dl netx, NIR).
// docs/network-file.md documents every group, attribute and dataset.
// Synapse tables are stored dense or as CSR over columns, whichever is
// smaller, so a file holds about as many bytes as the network's synapses.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_RUNTIME_NETWORKFILE_H
#define SSM_RUNTIME_NETWORKFILE_H

#include "ssm/Runtime/H5Snapshot.h"
#include "ssm/Runtime/Neurocore.h"

#include <string>

namespace ssm::rt::neuro {

/// The root attribute "format" of a network file, and its version.
inline constexpr const char *kNetworkFileFormat = "ssmc-network";
inline constexpr int64_t kNetworkFileVersion = 2;

/// Writes `network` (validated) to `path`, replacing it. Throws
/// std::runtime_error naming the file when it cannot be written.
void writeNetworkFile(const Network &network, const std::string &path);

/// Reads and validates a network file. The file is read in a child process
/// (ssm/Runtime/H5Snapshot.h) within `limits`. Throws std::invalid_argument
/// naming the file and the attribute or dataset that is missing, of the
/// wrong type or shape, or out of range, or what Network::validate() finds.
Network readNetworkFile(const std::string &path,
                        const h5::ReadLimits &limits = {});

/// Whether `path` starts with the HDF5 signature (so a tool can tell a
/// network file from MLIR text without trusting its extension).
bool isHDF5File(const std::string &path);

/// The chip a network file was compiled for (its hardware's `target`),
/// from its attributes alone; loihi2 when the file names none (written
/// before spinnaker2 existed) or cannot be read (readNetworkFile then says
/// why).
std::string networkFileChip(const std::string &path);

} // namespace ssm::rt::neuro

#endif // SSM_RUNTIME_NETWORKFILE_H
