# ctest install-find-package (test/CMakeLists.txt): installs the build into
# a fresh prefix, builds examples/stream-cpp against it with
# find_package(ssmc), compiles a network with the installed ssmc, streams a
# data file through it with the example, and requires the example's outputs
# to be byte-identical to the installed ssmc-run's; then runs the README's
# Python streaming example (examples/stream-python) against the installed
# package, whose predictions must be ssmc-run's.
# BUILD: the build tree; SRC: the source tree; WORK: a scratch folder;
# PYTHON: a Python with NumPy (writes the test data); PYTHON_PACKAGE_DIR:
# where the ssmc package installs, under the prefix.
function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE status
                  OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "failed (${status}): ${ARGV}\n${out}\n${err}")
  endif()
endfunction()

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(prefix ${WORK}/prefix)
run(${CMAKE_COMMAND} --install ${BUILD} --prefix ${prefix})
foreach(f bin/ssmc bin/ssmc-run include/ssm/Runtime/Neurocore.h
        lib/cmake/ssmc/ssmcConfig.cmake lib/cmake/ssmc/ssmcTargets.cmake
        ${PYTHON_PACKAGE_DIR}/__init__.py)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "cmake --install did not install ${f}")
  endif()
endforeach()

run(${CMAKE_COMMAND} -G Ninja -S ${SRC}/examples/stream-cpp -B ${WORK}/example
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build ${WORK}/example)

run(${PYTHON} ${SRC}/test/Tools/Inputs/make_data.py ${WORK})
run(${prefix}/bin/ssmc ${SRC}/test/Tools/Inputs/tiny.ssm --target=loihi2
    --calibration=file:${WORK}/x.npy -o ${WORK}/net.h5)
run(${prefix}/bin/ssmc-run ${WORK}/net.h5 --target=loihi2
    --data=file:${WORK}/x.npy --outputs=${WORK}/ssmc-run.npy --quiet)
run(${WORK}/example/stream ${WORK}/net.h5 ${WORK}/x.npy ${WORK}/example.npy)
file(SHA256 ${WORK}/ssmc-run.npy expected)
file(SHA256 ${WORK}/example.npy got)
if(NOT expected STREQUAL got)
  message(FATAL_ERROR "the example's outputs differ from ssmc-run's")
endif()

# The Python example, from the installed package only (run from WORK, so
# that nothing of the source or build tree is imported).
get_filename_component(site ${prefix}/${PYTHON_PACKAGE_DIR} DIRECTORY)
# tiny.ssm, calibrating on the data file (the example compiles with the
# model's own calibration spec, as models/smnist.ssm states mnist:train).
file(READ ${SRC}/test/Tools/Inputs/tiny.ssm model)
string(REPLACE "seed 5" "seed 5\n  calibration \"file:${WORK}/x.npy\"" model
       "${model}")
file(WRITE ${WORK}/tiny-calibrated.ssm "${model}")
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env PYTHONPATH=${site}
          ${PYTHON} ${SRC}/examples/stream-python/stream.py
          ${WORK}/tiny-calibrated.ssm file:${WORK}/x.npy,${WORK}/y.npy
  WORKING_DIRECTORY ${WORK} RESULT_VARIABLE status
  OUTPUT_VARIABLE printed ERROR_VARIABLE err)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "the Python example failed (${status}):\n${printed}\n${err}")
endif()
run(${prefix}/bin/ssmc-run ${WORK}/tiny-calibrated.ssm --target=loihi2
    --calibration-samples=32 --data=file:${WORK}/x.npy,${WORK}/y.npy
    --limit=5 --quiet --report=${WORK}/report.json)
file(READ ${WORK}/report.json report)
string(JSON count LENGTH "${report}" predictions)
math(EXPR last "${count} - 1")
set(expected)
foreach(i RANGE ${last})
  string(JSON p GET "${report}" predictions ${i})
  list(APPEND expected "predicted ${p}")
endforeach()
string(REGEX MATCHALL "predicted [0-9]+" got "${printed}")
if(NOT got STREQUAL expected)
  message(FATAL_ERROR "the Python example's predictions (${got}) differ "
                      "from ssmc-run's (${expected}):\n${printed}")
endif()
message(STATUS "installed, found with find_package(ssmc) and import ssmc, same outputs as ssmc-run")
