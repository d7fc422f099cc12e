// RUN: coreai-opt %s --split-input-file --verify-diagnostics --coreai-gpu-entry-point-abi | FileCheck %s

// The workgroup size comes from the launch (known_block_size); binding i is
// argument i in descriptor set 0.
// CHECK-LABEL: gpu.func @k
// CHECK-SAME: %{{.*}}: memref<4xf32> {spirv.interface_var_abi = #spirv.interface_var_abi<(0, 0)>}
// CHECK-SAME: %{{.*}}: memref<4xf32> {spirv.interface_var_abi = #spirv.interface_var_abi<(0, 1)>}
// CHECK-SAME: spirv.entry_point_abi = #spirv.entry_point_abi<workgroup_size = [4, 1, 1]>
module attributes {gpu.container_module} {
  gpu.module @m {
    gpu.func @k(%a: memref<4xf32>, %b: memref<4xf32>) kernel attributes {known_block_size = array<i32: 4, 1, 1>} {
      gpu.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @m {
    // expected-error @+1 {{kernel has no known workgroup size}}
    gpu.func @k(%a: memref<4xf32>) kernel {
      gpu.return
    }
  }
}
