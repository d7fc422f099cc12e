# The tablegen steps every dialect and pass folder repeats, written once.

# Declares the passes of the current folder's Passes.td: Passes.h.inc, the
# <name>PassIncGen target and the pass documentation <name>Passes.md.
function(coreai_declare_passes name)
  set(LLVM_TARGET_DEFINITIONS Passes.td)
  mlir_tablegen(Passes.h.inc -gen-pass-decls -name ${name})
  add_public_tablegen_target(${name}PassIncGen)
  add_mlir_doc(Passes ${name}Passes ./ -gen-pass-doc)
endfunction()

# Declares the dialect `dialect` whose ops are in <prefix>Ops.td: the op and
# dialect .h.inc/.cpp.inc files, the <prefix>OpsIncGen target and the op
# documentation. Extra tablegen steps (enums, attributes) follow the call in
# the folder, with LLVM_TARGET_DEFINITIONS set again.
function(coreai_declare_dialect prefix dialect)
  set(LLVM_TARGET_DEFINITIONS ${prefix}Ops.td)
  mlir_tablegen(${prefix}Ops.h.inc -gen-op-decls)
  mlir_tablegen(${prefix}Ops.cpp.inc -gen-op-defs)
  mlir_tablegen(${prefix}Dialect.h.inc -gen-dialect-decls -dialect=${dialect})
  mlir_tablegen(${prefix}Dialect.cpp.inc -gen-dialect-defs -dialect=${dialect})
  add_public_tablegen_target(${prefix}OpsIncGen)
  add_mlir_doc(${prefix}Ops ${prefix}Ops Dialects/ -gen-op-doc)
endfunction()

# Declares the enum attributes of the dialect `dialect` (EnumAttr in
# <prefix>Ops.td): <prefix>Enums.{h,cpp}.inc, <prefix>Attributes.{h,cpp}.inc
# and the <prefix>EnumsIncGen target, which the op declarations depend on.
function(coreai_declare_enum_attributes prefix dialect)
  set(LLVM_TARGET_DEFINITIONS ${prefix}Ops.td)
  mlir_tablegen(${prefix}Enums.h.inc -gen-enum-decls)
  mlir_tablegen(${prefix}Enums.cpp.inc -gen-enum-defs)
  mlir_tablegen(${prefix}Attributes.h.inc -gen-attrdef-decls
                -attrdefs-dialect=${dialect})
  mlir_tablegen(${prefix}Attributes.cpp.inc -gen-attrdef-defs
                -attrdefs-dialect=${dialect})
  add_public_tablegen_target(${prefix}EnumsIncGen)
  add_dependencies(${prefix}OpsIncGen ${prefix}EnumsIncGen)
endfunction()
