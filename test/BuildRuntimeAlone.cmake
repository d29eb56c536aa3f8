# Configures and builds runtime/ as its own project (cmake -P script, run by
# the runtime-builds-without-mlir test), then checks that no compile command
# names an LLVM or MLIR include directory.
execute_process(
  COMMAND ${CMAKE_COMMAND} -S ${SOURCE} -B ${BINARY} -G ${GENERATOR}
          -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
  RESULT_VARIABLE configured)
if(NOT configured EQUAL 0)
  message(FATAL_ERROR "configuring runtime/ alone failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BINARY} -j 2
                RESULT_VARIABLE built)
if(NOT built EQUAL 0)
  message(FATAL_ERROR "building runtime/ alone failed")
endif()
file(READ ${BINARY}/compile_commands.json commands)
string(REGEX MATCH "[^ \"]*(llvm|mlir)[^ \"]*" found "${commands}")
if(found)
  message(FATAL_ERROR "a runtime compile command names ${found}")
endif()
message(STATUS "runtime/ built alone; no LLVM or MLIR include path")
