//===- Version.h - ssmc's version and commit --------------------*- C++ -*-===//

#ifndef SSM_DRIVER_VERSION_H
#define SSM_DRIVER_VERSION_H

namespace ssm::driver {

/// ssmc's version (project(ssmc VERSION ...) in CMakeLists.txt).
const char *version();
/// The git commit the tools were built from (`git describe --always
/// --dirty`), or "unknown" outside a git checkout.
const char *commit();
/// Makes `--version` print "NAME (ssmc VERSION, commit COMMIT)"; call
/// before parsing the command line.
void setVersionPrinter(const char *toolName);

} // namespace ssm::driver

#endif // SSM_DRIVER_VERSION_H
