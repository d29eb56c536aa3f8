# add_ssmc_dialect_tablegen(<td file> <C++ file prefix> <dialect name>
#                           [ENUMS])
#
# Generates ops, dialect and typedef declarations/definitions (and enums with
# ENUMS) from one ODS file as <prefix>{Ops,Dialect,Types,Enums}.{h,cpp}.inc,
# a <prefix>IncGen target, and the dialect's generated doc in build/docs.
function(add_ssmc_dialect_tablegen td prefix dialect)
  cmake_parse_arguments(ARG "ENUMS" "" "" ${ARGN})
  set(LLVM_TARGET_DEFINITIONS ${td})
  mlir_tablegen(${prefix}Ops.h.inc -gen-op-decls)
  mlir_tablegen(${prefix}Ops.cpp.inc -gen-op-defs)
  mlir_tablegen(${prefix}Dialect.h.inc -gen-dialect-decls -dialect=${dialect})
  mlir_tablegen(${prefix}Dialect.cpp.inc -gen-dialect-defs -dialect=${dialect})
  mlir_tablegen(${prefix}Types.h.inc -gen-typedef-decls -typedefs-dialect=${dialect})
  mlir_tablegen(${prefix}Types.cpp.inc -gen-typedef-defs -typedefs-dialect=${dialect})
  if(ARG_ENUMS)
    mlir_tablegen(${prefix}Enums.h.inc -gen-enum-decls)
    mlir_tablegen(${prefix}Enums.cpp.inc -gen-enum-defs)
  endif()
  add_public_tablegen_target(${prefix}IncGen)
  get_filename_component(doc ${td} NAME_WE)
  add_mlir_doc(${doc} ${prefix}Dialect ${prefix}/ -gen-dialect-doc -dialect=${dialect})
endfunction()
