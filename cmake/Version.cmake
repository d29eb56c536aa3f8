# Run with cmake -P at build time (driver/CMakeLists.txt): writes OUT, the
# version and the source tree's git commit as C string literals, and
# rewrites it only when they changed, so a new commit recompiles one file.
# SRC: the source tree; VERSION: project(ssmc VERSION ...).
execute_process(
  COMMAND git -C "${SRC}" describe --always --dirty --abbrev=12
  OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE
  RESULT_VARIABLE status ERROR_QUIET)
if(NOT status EQUAL 0 OR commit STREQUAL "")
  set(commit "unknown")
endif()
set(text "#define SSMC_VERSION_STRING \"${VERSION}\"\n#define SSMC_COMMIT_STRING \"${commit}\"\n")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()
