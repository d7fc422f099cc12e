//===- VulkanSymbols.h - libvulkan, loaded at run time --------------------===//
//
// Internal to the Vulkan runtime (lib/Runtime/GPU/Vulkan*.cpp). libvulkan is
// opened with dlopen and every entry point is fetched through
// vkGetInstanceProcAddr / vkGetDeviceProcAddr (VK_NO_PROTOTYPES), so nothing
// makes the runtime depend on libvulkan at link or load time. DeviceState
// holds the entry points and the objects everything else is made from.
//
// Vulkan handles cross the public header (VulkanDevice.h) as uint64_t /
// void *, so that header does not need <vulkan/vulkan.h>; toHandle() and
// fromHandle() convert. On 64-bit hosts non-dispatchable handles are
// pointers, elsewhere they are uint64_t.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_RUNTIME_GPU_VULKANSYMBOLS_H
#define COREAI_RUNTIME_GPU_VULKANSYMBOLS_H

#define VK_NO_PROTOTYPES
#include <vulkan/vulkan.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>

#include <dlfcn.h>

// Entry points, grouped by how they are loaded: global ones with a null
// instance, instance ones with the instance, device ones with the device
// (which skips the loader's dispatch trampoline).
#define COREAI_VK_GLOBAL_FUNCTIONS(X)                                          \
  X(vkCreateInstance)                                                          \
  X(vkEnumerateInstanceVersion)

#define COREAI_VK_INSTANCE_FUNCTIONS(X)                                        \
  X(vkDestroyInstance)                                                         \
  X(vkEnumeratePhysicalDevices)                                                \
  X(vkGetPhysicalDeviceProperties)                                             \
  X(vkGetPhysicalDeviceQueueFamilyProperties)                                  \
  X(vkGetPhysicalDeviceMemoryProperties)                                       \
  X(vkGetPhysicalDeviceFeatures)                                               \
  X(vkGetPhysicalDeviceFeatures2)                                              \
  X(vkEnumerateDeviceExtensionProperties)                                      \
  X(vkCreateDevice)                                                            \
  X(vkGetDeviceProcAddr)

#define COREAI_VK_DEVICE_FUNCTIONS(X)                                          \
  X(vkDestroyDevice)                                                           \
  X(vkGetDeviceQueue)                                                          \
  X(vkDeviceWaitIdle)                                                          \
  X(vkCreateBuffer)                                                            \
  X(vkDestroyBuffer)                                                           \
  X(vkGetBufferMemoryRequirements)                                             \
  X(vkAllocateMemory)                                                          \
  X(vkFreeMemory)                                                              \
  X(vkBindBufferMemory)                                                        \
  X(vkMapMemory)                                                               \
  X(vkUnmapMemory)                                                             \
  X(vkCreateShaderModule)                                                      \
  X(vkDestroyShaderModule)                                                     \
  X(vkCreateDescriptorSetLayout)                                               \
  X(vkDestroyDescriptorSetLayout)                                              \
  X(vkCreatePipelineLayout)                                                    \
  X(vkDestroyPipelineLayout)                                                   \
  X(vkCreateComputePipelines)                                                  \
  X(vkDestroyPipeline)                                                         \
  X(vkCreatePipelineCache)                                                     \
  X(vkDestroyPipelineCache)                                                    \
  X(vkGetPipelineCacheData)                                                    \
  X(vkMergePipelineCaches)                                                     \
  X(vkCreateDescriptorPool)                                                    \
  X(vkDestroyDescriptorPool)                                                   \
  X(vkAllocateDescriptorSets)                                                  \
  X(vkUpdateDescriptorSets)                                                    \
  X(vkCreateCommandPool)                                                       \
  X(vkDestroyCommandPool)                                                      \
  X(vkAllocateCommandBuffers)                                                  \
  X(vkBeginCommandBuffer)                                                      \
  X(vkEndCommandBuffer)                                                        \
  X(vkCmdBindPipeline)                                                         \
  X(vkCmdBindDescriptorSets)                                                   \
  X(vkCmdDispatch)                                                             \
  X(vkCmdPipelineBarrier)                                                      \
  X(vkCmdResetQueryPool)                                                       \
  X(vkCmdWriteTimestamp)                                                       \
  X(vkCreateQueryPool)                                                         \
  X(vkDestroyQueryPool)                                                        \
  X(vkGetQueryPoolResults)                                                     \
  X(vkCreateFence)                                                             \
  X(vkDestroyFence)                                                            \
  X(vkResetFences)                                                             \
  X(vkWaitForFences)                                                           \
  X(vkQueueSubmit)

namespace coreai::runtime::vulkan {

/// Everything that must outlive buffers, pipelines and recordings: the
/// library, instance, device, queue and pipeline cache. Shared by the Device
/// and every object made from it, so destroying the Device first is safe.
struct DeviceState {
  void *library = nullptr;
  PFN_vkGetInstanceProcAddr vkGetInstanceProcAddr = nullptr;
#define COREAI_VK_DECLARE(name) PFN_##name name = nullptr;
  COREAI_VK_GLOBAL_FUNCTIONS(COREAI_VK_DECLARE)
  COREAI_VK_INSTANCE_FUNCTIONS(COREAI_VK_DECLARE)
  COREAI_VK_DEVICE_FUNCTIONS(COREAI_VK_DECLARE)
#undef COREAI_VK_DECLARE

  VkInstance instance = VK_NULL_HANDLE;
  uint32_t instanceVersion = 0;
  VkPhysicalDevice physicalDevice = VK_NULL_HANDLE;
  VkPhysicalDeviceProperties properties{};
  VkPhysicalDeviceMemoryProperties memory{};
  VkDevice device = VK_NULL_HANDLE;
  uint32_t queueFamily = 0;
  VkQueue queue = VK_NULL_HANDLE;
  uint32_t timestampValidBits = 0;
  VkPipelineCache pipelineCache = VK_NULL_HANDLE;
  /// vkQueueSubmit needs the queue externally synchronized; Recording::run
  /// holds this from submission until its fence signals.
  std::mutex queueMutex;

  DeviceState() = default;
  DeviceState(const DeviceState &) = delete;
  DeviceState &operator=(const DeviceState &) = delete;

  ~DeviceState() {
    if (device) {
      // Objects made from the device hold this state, so none is left; the
      // wait covers work a failed run() may have left on the queue.
      vkDeviceWaitIdle(device);
      if (pipelineCache)
        vkDestroyPipelineCache(device, pipelineCache, nullptr);
      vkDestroyDevice(device, nullptr);
    }
    if (instance)
      vkDestroyInstance(instance, nullptr);
    if (library)
      ::dlclose(library);
  }
};

template <typename H> uint64_t toHandle(H h) {
  if constexpr (std::is_pointer_v<H>)
    return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(h));
  else
    return h;
}

template <typename H> H fromHandle(uint64_t v) {
  if constexpr (std::is_pointer_v<H>)
    return reinterpret_cast<H>(static_cast<uintptr_t>(v));
  else
    return v;
}

/// The name of a VkResult, e.g. "VK_ERROR_DEVICE_LOST".
const char *resultName(VkResult r);
/// "vkFoo failed: VK_ERROR_BAR (VkResult -4)".
std::string failure(const char *call, VkResult r);
/// Throws AssetError (Internal) saying that `call` failed with `r`.
[[noreturn]] void throwInternal(const char *call, VkResult r);
/// throwInternal unless `r` is VK_SUCCESS.
void check(const char *call, VkResult r);
/// Creates a device object with its vkCreate* entry point `create` (named
/// `call` in the error), throwing like check() when that fails.
template <typename Info, typename Handle>
Handle createObject(DeviceState &s, const char *call,
                    VkResult(VKAPI_PTR *create)(VkDevice, const Info *,
                                                const VkAllocationCallbacks *,
                                                Handle *),
                    const Info &info) {
  Handle handle;
  check(call, create(s.device, &info, nullptr, &handle));
  return handle;
}
/// Destroys the object kept as `handle` with its vkDestroy* entry point,
/// if it was made (objects are released in any state of their creation).
template <typename Handle>
void destroyObject(DeviceState &s,
                   void(VKAPI_PTR *destroy)(VkDevice, Handle,
                                            const VkAllocationCallbacks *),
                   uint64_t handle) {
  if (handle)
    destroy(s.device, fromHandle<Handle>(handle), nullptr);
}
/// "1.3" for a packed Vulkan version.
std::string versionString(uint32_t v);
/// Major.minor only: patch levels never change which entry points or
/// structures exist.
uint32_t majorMinor(uint32_t v);
/// Loads libvulkan and creates an instance; null with `why` on failure.
std::shared_ptr<DeviceState> openInstance(std::string &why);

} // namespace coreai::runtime::vulkan

#endif // COREAI_RUNTIME_GPU_VULKANSYMBOLS_H
