//===- OutputFile.h - closing an output file and saying why it failed -*- C++
//-*-===//

#ifndef SSM_DRIVER_OUTPUTFILE_H
#define SSM_DRIVER_OUTPUTFILE_H

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace ssm::driver {

/// Why `path` cannot be written, or "": it is opened for appending (so
/// nothing in it is lost yet) and closed, so that a bad path fails before a
/// long run rather than after it.
inline std::string cannotWrite(const std::string &path) {
  std::error_code ec;
  llvm::raw_fd_ostream probe(path, ec, llvm::sys::fs::OF_Append);
  return ec ? ec.message() : "";
}

/// Closes `file` and returns why writing it failed (a full disk shows only
/// here), or "". The error is cleared: raw_fd_ostream aborts in its
/// destructor on an error nobody cleared.
inline std::string closeFile(llvm::raw_fd_ostream &file) {
  file.close();
  if (!file.has_error())
    return "";
  std::string message = file.error().message();
  file.clear_error();
  return message;
}

} // namespace ssm::driver

#endif // SSM_DRIVER_OUTPUTFILE_H
