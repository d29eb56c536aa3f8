//===- OutputFile.h - closing an output file and saying why it failed -*- C++
//-*-===//

#ifndef SSM_DRIVER_OUTPUTFILE_H
#define SSM_DRIVER_OUTPUTFILE_H

#include "llvm/Support/raw_ostream.h"

#include <string>

namespace ssm::driver {

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
