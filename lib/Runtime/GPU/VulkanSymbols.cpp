//===- VulkanSymbols.cpp - libvulkan, loaded at run time ------------------===//
#include "lib/Runtime/GPU/VulkanSymbols.h"

#include "coreai/AssetError.h"

#include <algorithm>

namespace coreai::runtime::vulkan {

const char *resultName(VkResult r) {
  switch (r) {
  case VK_SUCCESS:
    return "VK_SUCCESS";
  case VK_NOT_READY:
    return "VK_NOT_READY";
  case VK_TIMEOUT:
    return "VK_TIMEOUT";
  case VK_INCOMPLETE:
    return "VK_INCOMPLETE";
  case VK_ERROR_OUT_OF_HOST_MEMORY:
    return "VK_ERROR_OUT_OF_HOST_MEMORY";
  case VK_ERROR_OUT_OF_DEVICE_MEMORY:
    return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
  case VK_ERROR_INITIALIZATION_FAILED:
    return "VK_ERROR_INITIALIZATION_FAILED";
  case VK_ERROR_DEVICE_LOST:
    return "VK_ERROR_DEVICE_LOST";
  case VK_ERROR_MEMORY_MAP_FAILED:
    return "VK_ERROR_MEMORY_MAP_FAILED";
  case VK_ERROR_LAYER_NOT_PRESENT:
    return "VK_ERROR_LAYER_NOT_PRESENT";
  case VK_ERROR_EXTENSION_NOT_PRESENT:
    return "VK_ERROR_EXTENSION_NOT_PRESENT";
  case VK_ERROR_FEATURE_NOT_PRESENT:
    return "VK_ERROR_FEATURE_NOT_PRESENT";
  case VK_ERROR_INCOMPATIBLE_DRIVER:
    return "VK_ERROR_INCOMPATIBLE_DRIVER";
  case VK_ERROR_TOO_MANY_OBJECTS:
    return "VK_ERROR_TOO_MANY_OBJECTS";
  case VK_ERROR_OUT_OF_POOL_MEMORY:
    return "VK_ERROR_OUT_OF_POOL_MEMORY";
  case VK_ERROR_INVALID_SHADER_NV:
    return "VK_ERROR_INVALID_SHADER_NV";
  default:
    return "error";
  }
}

std::string failure(const char *call, VkResult r) {
  return std::string(call) + " failed: " + resultName(r) + " (VkResult " +
         std::to_string(static_cast<int>(r)) + ")";
}

[[noreturn]] void throwInternal(const char *call, VkResult r) {
  throw AssetError(AssetError::Code::Internal, "GPU: " + failure(call, r));
}

void check(const char *call, VkResult r) {
  if (r != VK_SUCCESS)
    throwInternal(call, r);
}

std::string versionString(uint32_t v) {
  return std::to_string(VK_API_VERSION_MAJOR(v)) + "." +
         std::to_string(VK_API_VERSION_MINOR(v));
}

uint32_t majorMinor(uint32_t v) {
  return VK_MAKE_API_VERSION(0, VK_API_VERSION_MAJOR(v),
                             VK_API_VERSION_MINOR(v), 0);
}

std::shared_ptr<DeviceState> openInstance(std::string &why) {
  auto state = std::make_shared<DeviceState>();
  // RTLD_LOCAL: the loader's symbols must not satisfy anyone else's
  // references (another copy of libvulkan in the process, for one).
  state->library = ::dlopen("libvulkan.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!state->library) {
    const char *err = ::dlerror();
    std::string first = err ? err : "unknown dlopen error";
    // Only development installs have the unversioned name; report the
    // versioned one's error, which is what a user needs to fix.
    state->library = ::dlopen("libvulkan.so", RTLD_NOW | RTLD_LOCAL);
    if (!state->library) {
      why = "cannot load libvulkan.so.1: " + first;
      return nullptr;
    }
  }
  state->vkGetInstanceProcAddr = reinterpret_cast<PFN_vkGetInstanceProcAddr>(
      ::dlsym(state->library, "vkGetInstanceProcAddr"));
  if (!state->vkGetInstanceProcAddr) {
    why = "libvulkan.so.1 has no vkGetInstanceProcAddr";
    return nullptr;
  }
#define COREAI_VK_LOAD_GLOBAL(name)                                            \
  state->name = reinterpret_cast<PFN_##name>(                                  \
      state->vkGetInstanceProcAddr(VK_NULL_HANDLE, #name));
  COREAI_VK_GLOBAL_FUNCTIONS(COREAI_VK_LOAD_GLOBAL)
#undef COREAI_VK_LOAD_GLOBAL
  if (!state->vkCreateInstance) {
    why = "libvulkan.so.1 has no vkCreateInstance";
    return nullptr;
  }

  // A 1.0 loader lacks vkEnumerateInstanceVersion; we need 1.1 for
  // vkGetPhysicalDeviceFeatures2 and the 16-bit storage feature.
  uint32_t loaderVersion = VK_API_VERSION_1_0;
  if (state->vkEnumerateInstanceVersion)
    state->vkEnumerateInstanceVersion(&loaderVersion);
  if (majorMinor(loaderVersion) < VK_API_VERSION_1_1) {
    why = "the Vulkan loader supports only Vulkan " +
          versionString(loaderVersion) + "; 1.1 or later is required";
    return nullptr;
  }
  // Capped at 1.3: the newest version whose structures this file was
  // written against.
  state->instanceVersion =
      std::min<uint32_t>(majorMinor(loaderVersion), VK_API_VERSION_1_3);

  VkApplicationInfo app{};
  app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO;
  app.pApplicationName = "coreai";
  app.pEngineName = "coreai";
  app.apiVersion = state->instanceVersion;
  VkInstanceCreateInfo info{};
  info.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
  info.pApplicationInfo = &app;
  VkResult r = state->vkCreateInstance(&info, nullptr, &state->instance);
  if (r != VK_SUCCESS) {
    state->instance = VK_NULL_HANDLE;
    why = failure("vkCreateInstance", r);
    // What the loader returns when it found no driver at all.
    if (r == VK_ERROR_INCOMPATIBLE_DRIVER)
      why = "no Vulkan driver found (" + why + ")";
    return nullptr;
  }
#define COREAI_VK_LOAD_INSTANCE(name)                                          \
  state->name = reinterpret_cast<PFN_##name>(                                  \
      state->vkGetInstanceProcAddr(state->instance, #name));                   \
  if (!state->name) {                                                          \
    why = "libvulkan.so.1 has no " #name;                                      \
    return nullptr;                                                            \
  }
  COREAI_VK_INSTANCE_FUNCTIONS(COREAI_VK_LOAD_INSTANCE)
#undef COREAI_VK_LOAD_INSTANCE
  return state;
}

} // namespace coreai::runtime::vulkan
