# ctest install-find-package (test/CMakeLists.txt): installs the build into
# a fresh prefix, builds examples/stream-cpp against it with
# find_package(ssmc), compiles a network with the installed ssmc, streams a
# data file through it with the example, and requires the example's outputs
# to be byte-identical to the installed ssmc-run's.
# BUILD: the build tree; SRC: the source tree; WORK: a scratch folder;
# PYTHON: a Python with NumPy (writes the test data).
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
        lib/cmake/ssmc/ssmcConfig.cmake lib/cmake/ssmc/ssmcTargets.cmake)
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
message(STATUS "installed, found with find_package(ssmc), same outputs as ssmc-run")
