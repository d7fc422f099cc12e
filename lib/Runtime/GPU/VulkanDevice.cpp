//===- VulkanDevice.cpp - A Vulkan compute device, loaded at run time -----===//
//
// libvulkan is opened with dlopen and every entry point is fetched through
// vkGetInstanceProcAddr / vkGetDeviceProcAddr (VK_NO_PROTOTYPES), so nothing
// here makes the runtime depend on libvulkan at link or load time.
//
// Vulkan handles cross the public header as uint64_t / void *, so the header
// does not need <vulkan/vulkan.h>; toHandle()/fromHandle() convert. On 64-bit
// hosts non-dispatchable handles are pointers, elsewhere they are uint64_t.
//
//===----------------------------------------------------------------------===//
#include "lib/Runtime/GPU/VulkanDevice.h"

#include "lib/Runtime/GPU/SpirvInterface.h"

#include "coreai/AssetError.h"

#define VK_NO_PROTOTYPES
#include <vulkan/vulkan.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <type_traits>
#include <unistd.h>

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

namespace {

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

/// "vkFoo failed: VK_ERROR_BAR (VkResult -4)".
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

/// Major.minor only: patch levels never change which entry points or
/// structures exist.
uint32_t majorMinor(uint32_t v) {
  return VK_MAKE_API_VERSION(0, VK_API_VERSION_MAJOR(v),
                             VK_API_VERSION_MINOR(v), 0);
}

const char *deviceTypeName(VkPhysicalDeviceType type) {
  switch (type) {
  case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
    return "integrated GPU";
  case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
    return "discrete GPU";
  case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
    return "virtual GPU";
  case VK_PHYSICAL_DEVICE_TYPE_CPU:
    return "CPU";
  default:
    return "other";
  }
}

/// Loads libvulkan and creates an instance; null with `why` on failure.
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

std::vector<VkPhysicalDevice> physicalDevices(DeviceState &s,
                                              std::string &why) {
  uint32_t count = 0;
  VkResult r = s.vkEnumeratePhysicalDevices(s.instance, &count, nullptr);
  std::vector<VkPhysicalDevice> devices(count);
  if (r == VK_SUCCESS && count > 0)
    r = s.vkEnumeratePhysicalDevices(s.instance, &count, devices.data());
  // VK_INCOMPLETE: a device went away between the calls; use what we got.
  if (r != VK_SUCCESS && r != VK_INCOMPLETE) {
    why = failure("vkEnumeratePhysicalDevices", r);
    return {};
  }
  devices.resize(count);
  return devices;
}

/// The first queue family that can run compute work, or -1.
int computeQueueFamily(DeviceState &s, VkPhysicalDevice pd,
                       uint32_t *timestampValidBits = nullptr) {
  uint32_t count = 0;
  s.vkGetPhysicalDeviceQueueFamilyProperties(pd, &count, nullptr);
  std::vector<VkQueueFamilyProperties> families(count);
  s.vkGetPhysicalDeviceQueueFamilyProperties(pd, &count, families.data());
  for (uint32_t i = 0; i < count; ++i)
    if ((families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) &&
        families[i].queueCount > 0) {
      if (timestampValidBits)
        *timestampValidBits = families[i].timestampValidBits;
      return static_cast<int>(i);
    }
  return -1;
}

std::vector<std::string> deviceExtensions(DeviceState &s, VkPhysicalDevice pd) {
  uint32_t count = 0;
  if (s.vkEnumerateDeviceExtensionProperties(pd, nullptr, &count, nullptr) !=
      VK_SUCCESS)
    return {};
  std::vector<VkExtensionProperties> props(count);
  if (s.vkEnumerateDeviceExtensionProperties(pd, nullptr, &count,
                                             props.data()) != VK_SUCCESS)
    return {};
  std::vector<std::string> names;
  for (uint32_t i = 0; i < count; ++i)
    names.push_back(props[i].extensionName);
  return names;
}

std::string hex(const uint8_t *bytes, size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s += digits[bytes[i] >> 4];
    s += digits[bytes[i] & 15];
  }
  return s;
}

std::string hex32(uint32_t v) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

} // namespace

//===----------------------------------------------------------------------===//
// Buffer, Pipeline, Recording
//===----------------------------------------------------------------------===//

Buffer::~Buffer() {
  if (!device_)
    return;
  DeviceState &s = *device_;
  if (buffer_)
    s.vkDestroyBuffer(s.device, fromHandle<VkBuffer>(buffer_), nullptr);
  if (memory_) {
    if (mapped_)
      s.vkUnmapMemory(s.device, fromHandle<VkDeviceMemory>(memory_));
    s.vkFreeMemory(s.device, fromHandle<VkDeviceMemory>(memory_), nullptr);
  }
}

Pipeline::~Pipeline() {
  if (!device_)
    return;
  DeviceState &s = *device_;
  if (pipeline_)
    s.vkDestroyPipeline(s.device, fromHandle<VkPipeline>(pipeline_), nullptr);
  if (pipelineLayout_)
    s.vkDestroyPipelineLayout(
        s.device, fromHandle<VkPipelineLayout>(pipelineLayout_), nullptr);
  if (setLayout_)
    s.vkDestroyDescriptorSetLayout(
        s.device, fromHandle<VkDescriptorSetLayout>(setLayout_), nullptr);
}

Recording::~Recording() {
  if (!device_)
    return;
  DeviceState &s = *device_;
  // Nothing recorded here is in flight: run() returns only once its
  // submission is done, and when waiting fails it idles the device first.
  if (fence_)
    s.vkDestroyFence(s.device, fromHandle<VkFence>(fence_), nullptr);
  if (queryPool_)
    s.vkDestroyQueryPool(s.device, fromHandle<VkQueryPool>(queryPool_),
                         nullptr);
  // Frees the command buffer and the descriptor sets with their pools.
  if (commandPool_)
    s.vkDestroyCommandPool(s.device, fromHandle<VkCommandPool>(commandPool_),
                           nullptr);
  if (descriptorPool_)
    s.vkDestroyDescriptorPool(
        s.device, fromHandle<VkDescriptorPool>(descriptorPool_), nullptr);
}

void Recording::run(std::vector<DispatchTiming> *timings) {
  DeviceState &s = *device_;
  VkFence fence = fromHandle<VkFence>(fence_);
  VkCommandBuffer cb = static_cast<VkCommandBuffer>(commandBuffer_);
  std::vector<uint64_t> stamps;
  {
    // Held until the fence signals: the command buffer and fence belong to
    // this recording and may not be reused by a concurrent run() of it
    // until the previous submission is done.
    std::lock_guard<std::mutex> lock(s.queueMutex);
    check("vkResetFences", s.vkResetFences(s.device, 1, &fence));
    VkSubmitInfo submit{};
    submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
    submit.commandBufferCount = 1;
    submit.pCommandBuffers = &cb;
    check("vkQueueSubmit", s.vkQueueSubmit(s.queue, 1, &submit, fence));
    VkResult r = s.vkWaitForFences(s.device, 1, &fence, VK_TRUE, UINT64_MAX);
    if (r != VK_SUCCESS) {
      // Leave nothing pending that the caller may free after the throw
      // (on device loss this returns at once).
      s.vkDeviceWaitIdle(s.device);
      throwInternal("vkWaitForFences", r);
    }
    if (timings && queryPool_ && numDispatches_ > 0) {
      stamps.resize(2 * size_t(numDispatches_));
      check("vkGetQueryPoolResults",
            s.vkGetQueryPoolResults(
                s.device, fromHandle<VkQueryPool>(queryPool_), 0,
                2 * numDispatches_, stamps.size() * sizeof(uint64_t),
                stamps.data(), sizeof(uint64_t),
                VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT));
    }
  }
  if (!timings)
    return;
  timings->assign(numDispatches_, DispatchTiming{});
  if (stamps.empty())
    return;
  // Counters have timestampValidBits bits and may wrap: differences are
  // taken modulo 2^bits.
  uint64_t mask = s.timestampValidBits >= 64
                      ? ~uint64_t(0)
                      : (uint64_t(1) << s.timestampValidBits) - 1;
  double period = s.properties.limits.timestampPeriod;
  for (uint32_t i = 0; i < numDispatches_; ++i) {
    (*timings)[i].startNs = double((stamps[2 * i] - stamps[0]) & mask) * period;
    (*timings)[i].durationNs =
        double((stamps[2 * i + 1] - stamps[2 * i]) & mask) * period;
  }
}

//===----------------------------------------------------------------------===//
// Device
//===----------------------------------------------------------------------===//

Device::~Device() = default;

std::vector<std::string> Device::list(std::string &why) {
  try {
    std::shared_ptr<DeviceState> state = openInstance(why);
    if (!state)
      return {};
    std::vector<VkPhysicalDevice> devices = physicalDevices(*state, why);
    if (devices.empty()) {
      if (why.empty())
        why = "no Vulkan device found";
      return {};
    }
    std::vector<std::string> lines;
    for (size_t i = 0; i < devices.size(); ++i) {
      VkPhysicalDeviceProperties props;
      state->vkGetPhysicalDeviceProperties(devices[i], &props);
      lines.push_back(std::to_string(i) + ": " + props.deviceName + " (" +
                      deviceTypeName(props.deviceType) + ")");
    }
    return lines;
  } catch (const std::exception &e) {
    why = e.what();
    return {};
  }
}

std::shared_ptr<Device> Device::open(int index, bool robustBufferAccess,
                                     std::string &why) {
  try {
    std::shared_ptr<DeviceState> state = openInstance(why);
    if (!state)
      return nullptr;
    DeviceState &s = *state;
    std::string enumerateWhy;
    std::vector<VkPhysicalDevice> devices = physicalDevices(s, enumerateWhy);
    if (!enumerateWhy.empty()) {
      why = enumerateWhy;
      return nullptr;
    }

    int chosen = -1, family = -1;
    if (index == -1) {
      for (size_t i = 0; i < devices.size() && chosen < 0; ++i)
        if ((family = computeQueueFamily(s, devices[i])) >= 0)
          chosen = static_cast<int>(i);
      if (chosen < 0) {
        why = "no Vulkan device has a compute queue";
        return nullptr;
      }
    } else {
      if (index < 0 || static_cast<size_t>(index) >= devices.size()) {
        why = "there is no GPU device " + std::to_string(index) + " (found " +
              std::to_string(devices.size());
        for (size_t i = 0; i < devices.size(); ++i) {
          VkPhysicalDeviceProperties props;
          s.vkGetPhysicalDeviceProperties(devices[i], &props);
          why += (i == 0 ? ": " : ", ") + std::to_string(i) + " '" +
                 props.deviceName + "'";
        }
        why += ")";
        return nullptr;
      }
      chosen = index;
      family = computeQueueFamily(s, devices[index]);
      if (family < 0) {
        VkPhysicalDeviceProperties props;
        s.vkGetPhysicalDeviceProperties(devices[index], &props);
        why = "GPU device " + std::to_string(index) + " '" + props.deviceName +
              "' has no compute queue";
        return nullptr;
      }
    }
    s.physicalDevice = devices[chosen];
    s.queueFamily = static_cast<uint32_t>(family);
    computeQueueFamily(s, s.physicalDevice, &s.timestampValidBits);
    s.vkGetPhysicalDeviceProperties(s.physicalDevice, &s.properties);
    s.vkGetPhysicalDeviceMemoryProperties(s.physicalDevice, &s.memory);

    // What the device can be used at: the lower of what it implements and
    // what the instance asked for.
    uint32_t version =
        std::min(majorMinor(s.properties.apiVersion), s.instanceVersion);
    std::vector<std::string> extensions = deviceExtensions(s, s.physicalDevice);
    auto hasExtension = [&](const char *name) {
      return std::find(extensions.begin(), extensions.end(), name) !=
             extensions.end();
    };

    // Query, then enable only the optional features the compiler may use
    // that the device has; enabling more (robustBufferAccess, say) could
    // cost speed for nothing.
    VkPhysicalDeviceFeatures core{};
    VkPhysicalDevice16BitStorageFeatures storage16{};
    storage16.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES;
    VkPhysicalDevice8BitStorageFeatures storage8{};
    storage8.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_8BIT_STORAGE_FEATURES;
    VkPhysicalDeviceShaderFloat16Int8Features float16Int8{};
    float16Int8.sType =
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES;
    // The 8-bit storage and float16/int8 structures are core in 1.2 and
    // otherwise only meaningful when their extension is there.
    bool has11 = version >= VK_API_VERSION_1_1;
    bool use8 = has11 && (version >= VK_API_VERSION_1_2 ||
                          hasExtension(VK_KHR_8BIT_STORAGE_EXTENSION_NAME));
    bool useF16I8 =
        has11 && (version >= VK_API_VERSION_1_2 ||
                  hasExtension(VK_KHR_SHADER_FLOAT16_INT8_EXTENSION_NAME));
    auto chain = [](VkPhysicalDeviceFeatures2 &head, bool with8, bool withF16,
                    VkPhysicalDevice16BitStorageFeatures &s16,
                    VkPhysicalDevice8BitStorageFeatures &s8,
                    VkPhysicalDeviceShaderFloat16Int8Features &f16) {
      void **next = &head.pNext;
      *next = &s16;
      next = &s16.pNext;
      if (with8) {
        *next = &s8;
        next = &s8.pNext;
      }
      if (withF16) {
        *next = &f16;
        next = &f16.pNext;
      }
      *next = nullptr;
    };
    if (has11) {
      VkPhysicalDeviceFeatures2 query{};
      query.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
      chain(query, use8, useF16I8, storage16, storage8, float16Int8);
      s.vkGetPhysicalDeviceFeatures2(s.physicalDevice, &query);
      core = query.features;
    } else {
      // A 1.0 device: core features only.
      s.vkGetPhysicalDeviceFeatures(s.physicalDevice, &core);
    }

    VkPhysicalDeviceFeatures2 enable{};
    enable.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
    enable.features.robustBufferAccess =
        robustBufferAccess ? core.robustBufferAccess : VK_FALSE;
    enable.features.shaderInt64 = core.shaderInt64;
    enable.features.shaderFloat64 = core.shaderFloat64;
    enable.features.shaderInt16 = core.shaderInt16;
    VkPhysicalDevice16BitStorageFeatures enable16{};
    enable16.sType = storage16.sType;
    enable16.storageBuffer16BitAccess = storage16.storageBuffer16BitAccess;
    VkPhysicalDevice8BitStorageFeatures enable8{};
    enable8.sType = storage8.sType;
    enable8.storageBuffer8BitAccess = storage8.storageBuffer8BitAccess;
    // Needed by the SPIR-V capability of that name, which 8-bit access to
    // Uniform/BufferBlock storage (pre-StorageBuffer-class SPIR-V) uses.
    enable8.uniformAndStorageBuffer8BitAccess =
        storage8.uniformAndStorageBuffer8BitAccess;
    VkPhysicalDeviceShaderFloat16Int8Features enableF16I8{};
    enableF16I8.sType = float16Int8.sType;
    enableF16I8.shaderFloat16 = float16Int8.shaderFloat16;
    enableF16I8.shaderInt8 = float16Int8.shaderInt8;
    bool want8 = enable8.storageBuffer8BitAccess ||
                 enable8.uniformAndStorageBuffer8BitAccess;
    bool wantF16I8 = enableF16I8.shaderFloat16 || enableF16I8.shaderInt8;
    chain(enable, use8 && want8, useF16I8 && wantF16I8, enable16, enable8,
          enableF16I8);

    std::vector<const char *> enabledExtensions;
    if (version < VK_API_VERSION_1_2) {
      // VK_KHR_16bit_storage is core in 1.1, which the features chain needs
      // anyway, so only these two can be missing.
      if (use8 && want8)
        enabledExtensions.push_back(VK_KHR_8BIT_STORAGE_EXTENSION_NAME);
      if (useF16I8 && wantF16I8)
        enabledExtensions.push_back(VK_KHR_SHADER_FLOAT16_INT8_EXTENSION_NAME);
    }

    float priority = 1.0f;
    VkDeviceQueueCreateInfo queueInfo{};
    queueInfo.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO;
    queueInfo.queueFamilyIndex = s.queueFamily;
    queueInfo.queueCount = 1;
    queueInfo.pQueuePriorities = &priority;
    VkDeviceCreateInfo deviceInfo{};
    deviceInfo.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO;
    deviceInfo.queueCreateInfoCount = 1;
    deviceInfo.pQueueCreateInfos = &queueInfo;
    deviceInfo.enabledExtensionCount =
        static_cast<uint32_t>(enabledExtensions.size());
    deviceInfo.ppEnabledExtensionNames = enabledExtensions.data();
    if (has11)
      deviceInfo.pNext = &enable;
    else
      deviceInfo.pEnabledFeatures = &enable.features;
    VkResult r =
        s.vkCreateDevice(s.physicalDevice, &deviceInfo, nullptr, &s.device);
    if (r != VK_SUCCESS) {
      s.device = VK_NULL_HANDLE;
      why = failure("vkCreateDevice", r);
      return nullptr;
    }
#define COREAI_VK_LOAD_DEVICE(name)                                            \
  s.name =                                                                     \
      reinterpret_cast<PFN_##name>(s.vkGetDeviceProcAddr(s.device, #name));    \
  if (!s.name) {                                                               \
    why = "the Vulkan driver has no " #name;                                   \
    return nullptr;                                                            \
  }
    COREAI_VK_DEVICE_FUNCTIONS(COREAI_VK_LOAD_DEVICE)
#undef COREAI_VK_LOAD_DEVICE
    s.vkGetDeviceQueue(s.device, s.queueFamily, 0, &s.queue);

    VkPipelineCacheCreateInfo cacheInfo{};
    cacheInfo.sType = VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO;
    r = s.vkCreatePipelineCache(s.device, &cacheInfo, nullptr,
                                &s.pipelineCache);
    if (r != VK_SUCCESS) {
      s.pipelineCache = VK_NULL_HANDLE;
      why = failure("vkCreatePipelineCache", r);
      return nullptr;
    }

    std::shared_ptr<Device> device(new Device());
    device->state_ = state;
    device->name_ = s.properties.deviceName;
    device->cacheKey_ = hex32(s.properties.vendorID) + "-" +
                        hex32(s.properties.deviceID) + "-" +
                        hex32(s.properties.driverVersion) + "-" +
                        hex(s.properties.pipelineCacheUUID, VK_UUID_SIZE);
    std::vector<std::string> &caps = device->capabilities_;
    caps.push_back("Shader");
    caps.push_back("Matrix"); // implied by Shader
    if (enable.features.shaderInt64)
      caps.push_back("Int64");
    if (enable.features.shaderFloat64)
      caps.push_back("Float64");
    if (enable.features.shaderInt16)
      caps.push_back("Int16");
    if (has11 && enable16.storageBuffer16BitAccess) {
      caps.push_back("StorageBuffer16BitAccess");
      // SPIR-V's older name for the same capability (same enumerant).
      caps.push_back("StorageUniformBufferBlock16");
    }
    if (use8 && enable8.storageBuffer8BitAccess)
      caps.push_back("StorageBuffer8BitAccess");
    if (use8 && enable8.uniformAndStorageBuffer8BitAccess)
      caps.push_back("UniformAndStorageBuffer8BitAccess");
    if (useF16I8 && enableF16I8.shaderFloat16)
      caps.push_back("Float16");
    if (useF16I8 && enableF16I8.shaderInt8)
      caps.push_back("Int8");
    why.clear();
    return device;
  } catch (const std::exception &e) {
    why = e.what();
    return nullptr;
  }
}

const std::string &Device::name() const { return name_; }

const std::string &Device::cacheKey() const { return cacheKey_; }

bool Device::supportsCapability(const std::string &capability) const {
  return std::find(capabilities_.begin(), capabilities_.end(), capability) !=
         capabilities_.end();
}

std::shared_ptr<Buffer> Device::allocate(uint64_t bytes) {
  DeviceState &s = *state_;
  std::shared_ptr<Buffer> buffer(new Buffer());
  buffer->device_ = state_;
  // size() reports at least 1 byte, as documented. The VkBuffer is rounded
  // up to whole 32-bit words (so at least 4 bytes: a zero-sized VkBuffer is
  // invalid), because kernels may access narrow types a word at a time.
  buffer->size_ = std::max<uint64_t>(bytes, 1);
  uint64_t vkSize = (buffer->size_ + 3) & ~uint64_t(3);

  VkBufferCreateInfo info{};
  info.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
  info.size = vkSize;
  info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
               VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
               VK_BUFFER_USAGE_TRANSFER_DST_BIT;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  VkBuffer vkBuffer;
  VkResult r = s.vkCreateBuffer(s.device, &info, nullptr, &vkBuffer);
  if (r != VK_SUCCESS)
    throw AssetError(AssetError::Code::Internal,
                     "GPU: cannot allocate a buffer of " +
                         std::to_string(bytes) +
                         " bytes: " + failure("vkCreateBuffer", r));
  buffer->buffer_ = toHandle(vkBuffer);

  VkMemoryRequirements req;
  s.vkGetBufferMemoryRequirements(s.device, vkBuffer, &req);
  // Host-visible and coherent, so data() needs no flushes; device-local
  // too where there is such a type (integrated GPUs, resizable BAR) for
  // faster kernels. Such heaps can be small (256 MiB BAR), so on running
  // out there, fall back to plain host memory.
  const VkMemoryPropertyFlags host = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                     VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  std::vector<uint32_t> candidates;
  for (VkMemoryPropertyFlags wanted :
       {host | VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, host})
    for (uint32_t i = 0; i < s.memory.memoryTypeCount; ++i)
      if ((req.memoryTypeBits & (1u << i)) &&
          (s.memory.memoryTypes[i].propertyFlags & wanted) == wanted &&
          std::find(candidates.begin(), candidates.end(), i) ==
              candidates.end())
        candidates.push_back(i);
  if (candidates.empty())
    throw AssetError(AssetError::Code::Internal,
                     "GPU: no host-visible, host-coherent memory type for "
                     "storage buffers");
  VkDeviceMemory memory = VK_NULL_HANDLE;
  r = VK_ERROR_OUT_OF_DEVICE_MEMORY;
  for (uint32_t type : candidates) {
    VkMemoryAllocateInfo alloc{};
    alloc.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
    alloc.allocationSize = req.size;
    alloc.memoryTypeIndex = type;
    r = s.vkAllocateMemory(s.device, &alloc, nullptr, &memory);
    if (r != VK_ERROR_OUT_OF_DEVICE_MEMORY)
      break;
  }
  if (r != VK_SUCCESS)
    throw AssetError(AssetError::Code::Internal,
                     "GPU: cannot allocate a buffer of " +
                         std::to_string(bytes) +
                         " bytes: " + failure("vkAllocateMemory", r));
  buffer->memory_ = toHandle(memory);
  check("vkBindBufferMemory",
        s.vkBindBufferMemory(s.device, vkBuffer, memory, 0));
  void *mapped = nullptr;
  check("vkMapMemory",
        s.vkMapMemory(s.device, memory, 0, VK_WHOLE_SIZE, 0, &mapped));
  buffer->mapped_ = mapped;
  std::memset(mapped, 0, static_cast<size_t>(vkSize));
  return buffer;
}

std::shared_ptr<Pipeline> Device::createPipeline(const uint32_t *words,
                                                 size_t numWords,
                                                 const std::string &entry,
                                                 uint32_t numBindings,
                                                 const std::string &label) {
  DeviceState &s = *state_;
  // Drivers need not validate SPIR-V, and some crash on garbage: the
  // container, the entry point and the buffers' layouts are read first.
  spirv::readInterface(words, numWords, entry, label);
  auto refused = [&](const char *call, VkResult r) {
    return AssetError(
        AssetError::Code::Unsupported,
        label + ": the driver refused the kernel: " + failure(call, r));
  };

  std::shared_ptr<Pipeline> pipeline(new Pipeline());
  pipeline->device_ = state_;
  pipeline->numBindings_ = numBindings;

  std::vector<VkDescriptorSetLayoutBinding> bindings(numBindings);
  for (uint32_t i = 0; i < numBindings; ++i) {
    bindings[i].binding = i;
    bindings[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    bindings[i].descriptorCount = 1;
    bindings[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
  }
  VkDescriptorSetLayoutCreateInfo setInfo{};
  setInfo.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO;
  setInfo.bindingCount = numBindings;
  setInfo.pBindings = bindings.data();
  VkDescriptorSetLayout setLayout;
  check("vkCreateDescriptorSetLayout",
        s.vkCreateDescriptorSetLayout(s.device, &setInfo, nullptr, &setLayout));
  pipeline->setLayout_ = toHandle(setLayout);

  VkPipelineLayoutCreateInfo layoutInfo{};
  layoutInfo.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO;
  layoutInfo.setLayoutCount = 1;
  layoutInfo.pSetLayouts = &setLayout;
  VkPipelineLayout layout;
  check("vkCreatePipelineLayout",
        s.vkCreatePipelineLayout(s.device, &layoutInfo, nullptr, &layout));
  pipeline->pipelineLayout_ = toHandle(layout);

  VkShaderModuleCreateInfo moduleInfo{};
  moduleInfo.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO;
  moduleInfo.codeSize = numWords * sizeof(uint32_t);
  moduleInfo.pCode = words;
  VkShaderModule module;
  VkResult r = s.vkCreateShaderModule(s.device, &moduleInfo, nullptr, &module);
  if (r != VK_SUCCESS)
    throw refused("vkCreateShaderModule", r);

  VkComputePipelineCreateInfo info{};
  info.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO;
  info.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  info.stage.module = module;
  info.stage.pName = entry.c_str();
  info.layout = layout;
  VkPipeline vkPipeline = VK_NULL_HANDLE;
  r = s.vkCreateComputePipelines(s.device, s.pipelineCache, 1, &info, nullptr,
                                 &vkPipeline);
  // The pipeline keeps what it needs of the module.
  s.vkDestroyShaderModule(s.device, module, nullptr);
  if (r != VK_SUCCESS)
    throw refused("vkCreateComputePipelines", r);
  pipeline->pipeline_ = toHandle(vkPipeline);
  return pipeline;
}

std::unique_ptr<Recording>
Device::record(const std::vector<Dispatch> &dispatches) {
  DeviceState &s = *state_;
  auto invalid = [](const std::string &what) {
    return AssetError(AssetError::Code::InvalidArgument, "GPU: " + what);
  };
  uint32_t totalBindings = 0;
  const uint32_t *maxGroups = s.properties.limits.maxComputeWorkGroupCount;
  for (size_t i = 0; i < dispatches.size(); ++i) {
    const Dispatch &d = dispatches[i];
    std::string which = "dispatch " + std::to_string(i);
    if (!d.pipeline || d.pipeline->device_ != state_)
      throw invalid(which + " has no pipeline of this device");
    if (d.buffers.size() != d.pipeline->numBindings())
      throw invalid(which + " binds " + std::to_string(d.buffers.size()) +
                    " buffers but its pipeline has " +
                    std::to_string(d.pipeline->numBindings()) + " bindings");
    for (const Buffer *b : d.buffers)
      if (!b || b->device_ != state_)
        throw invalid(which + " binds a buffer not of this device");
    for (int k = 0; k < 3; ++k)
      if (d.groups[k] > maxGroups[k])
        throw invalid(which + " has " + std::to_string(d.groups[k]) +
                      " workgroups along axis " + std::to_string(k) +
                      "; the device allows " + std::to_string(maxGroups[k]));
    totalBindings += d.pipeline->numBindings();
  }
  uint32_t n = static_cast<uint32_t>(dispatches.size());

  std::unique_ptr<Recording> rec(new Recording());
  rec->device_ = state_;
  rec->numDispatches_ = n;

  std::vector<VkDescriptorSet> sets(n);
  if (n > 0) {
    VkDescriptorPoolSize poolSize{};
    poolSize.type = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    poolSize.descriptorCount = std::max<uint32_t>(totalBindings, 1);
    VkDescriptorPoolCreateInfo poolInfo{};
    poolInfo.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
    poolInfo.maxSets = n;
    poolInfo.poolSizeCount = 1;
    poolInfo.pPoolSizes = &poolSize;
    VkDescriptorPool pool;
    check("vkCreateDescriptorPool",
          s.vkCreateDescriptorPool(s.device, &poolInfo, nullptr, &pool));
    rec->descriptorPool_ = toHandle(pool);

    std::vector<VkDescriptorSetLayout> layouts(n);
    for (uint32_t i = 0; i < n; ++i)
      layouts[i] =
          fromHandle<VkDescriptorSetLayout>(dispatches[i].pipeline->setLayout_);
    VkDescriptorSetAllocateInfo setInfo{};
    setInfo.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
    setInfo.descriptorPool = pool;
    setInfo.descriptorSetCount = n;
    setInfo.pSetLayouts = layouts.data();
    check("vkAllocateDescriptorSets",
          s.vkAllocateDescriptorSets(s.device, &setInfo, sets.data()));

    std::vector<VkDescriptorBufferInfo> infos;
    infos.reserve(totalBindings); // pointers into it must stay valid
    std::vector<VkWriteDescriptorSet> writes;
    for (uint32_t i = 0; i < n; ++i)
      for (size_t b = 0; b < dispatches[i].buffers.size(); ++b) {
        VkDescriptorBufferInfo bi{};
        bi.buffer = fromHandle<VkBuffer>(dispatches[i].buffers[b]->buffer_);
        bi.offset = 0;
        bi.range = VK_WHOLE_SIZE;
        infos.push_back(bi);
        VkWriteDescriptorSet w{};
        w.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
        w.dstSet = sets[i];
        w.dstBinding = static_cast<uint32_t>(b);
        w.descriptorCount = 1;
        w.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
        w.pBufferInfo = &infos.back();
        writes.push_back(w);
      }
    if (!writes.empty())
      s.vkUpdateDescriptorSets(s.device, static_cast<uint32_t>(writes.size()),
                               writes.data(), 0, nullptr);
  }

  bool timestamps = s.timestampValidBits > 0 && n > 0;
  VkQueryPool queryPool = VK_NULL_HANDLE;
  if (timestamps) {
    VkQueryPoolCreateInfo qInfo{};
    qInfo.sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO;
    qInfo.queryType = VK_QUERY_TYPE_TIMESTAMP;
    qInfo.queryCount = 2 * n;
    check("vkCreateQueryPool",
          s.vkCreateQueryPool(s.device, &qInfo, nullptr, &queryPool));
    rec->queryPool_ = toHandle(queryPool);
  }

  VkCommandPoolCreateInfo cpInfo{};
  cpInfo.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
  cpInfo.queueFamilyIndex = s.queueFamily;
  VkCommandPool commandPool;
  check("vkCreateCommandPool",
        s.vkCreateCommandPool(s.device, &cpInfo, nullptr, &commandPool));
  rec->commandPool_ = toHandle(commandPool);
  VkCommandBufferAllocateInfo cbInfo{};
  cbInfo.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
  cbInfo.commandPool = commandPool;
  cbInfo.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  cbInfo.commandBufferCount = 1;
  VkCommandBuffer cb;
  check("vkAllocateCommandBuffers",
        s.vkAllocateCommandBuffers(s.device, &cbInfo, &cb));
  rec->commandBuffer_ = cb;

  VkFenceCreateInfo fenceInfo{};
  fenceInfo.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
  VkFence fence;
  check("vkCreateFence",
        s.vkCreateFence(s.device, &fenceInfo, nullptr, &fence));
  rec->fence_ = toHandle(fence);

  // No ONE_TIME_SUBMIT: the buffer is submitted again by every run().
  VkCommandBufferBeginInfo begin{};
  begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
  check("vkBeginCommandBuffer", s.vkBeginCommandBuffer(cb, &begin));
  auto barrier = [&](VkAccessFlags srcAccess, VkAccessFlags dstAccess,
                     VkPipelineStageFlags srcStage,
                     VkPipelineStageFlags dstStage) {
    VkMemoryBarrier mb{};
    mb.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER;
    mb.srcAccessMask = srcAccess;
    mb.dstAccessMask = dstAccess;
    s.vkCmdPipelineBarrier(cb, srcStage, dstStage, 0, 1, &mb, 0, nullptr, 0,
                           nullptr);
  };
  const VkAccessFlags shaderRW =
      VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT;
  if (timestamps)
    // Queries must be reset before each reuse; in the command buffer, so
    // every submission resets its own.
    s.vkCmdResetQueryPool(cb, queryPool, 0, 2 * n);
  // vkQueueSubmit already makes earlier host writes visible; the explicit
  // barrier states the dependency in the recording itself, for readers and
  // synchronization validation.
  barrier(VK_ACCESS_HOST_WRITE_BIT, shaderRW, VK_PIPELINE_STAGE_HOST_BIT,
          VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT);
  for (uint32_t i = 0; i < n; ++i) {
    const Dispatch &d = dispatches[i];
    // Conservative: any dispatch may read what the previous one wrote.
    if (i > 0)
      barrier(VK_ACCESS_SHADER_WRITE_BIT, shaderRW,
              VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
              VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT);
    s.vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE,
                        fromHandle<VkPipeline>(d.pipeline->pipeline_));
    s.vkCmdBindDescriptorSets(
        cb, VK_PIPELINE_BIND_POINT_COMPUTE,
        fromHandle<VkPipelineLayout>(d.pipeline->pipelineLayout_), 0, 1,
        &sets[i], 0, nullptr);
    // COMPUTE_SHADER rather than TOP_OF_PIPE for the start: a TOP_OF_PIPE
    // timestamp may be written before the previous dispatch finishes, which
    // would charge its tail to this one.
    if (timestamps)
      s.vkCmdWriteTimestamp(cb, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, queryPool,
                            2 * i);
    s.vkCmdDispatch(cb, d.groups[0], d.groups[1], d.groups[2]);
    if (timestamps)
      s.vkCmdWriteTimestamp(cb, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, queryPool,
                            2 * i + 1);
  }
  barrier(VK_ACCESS_SHADER_WRITE_BIT, VK_ACCESS_HOST_READ_BIT,
          VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_HOST_BIT);
  check("vkEndCommandBuffer", s.vkEndCommandBuffer(cb));
  return rec;
}

bool Device::mergePipelineCache(const uint8_t *data, size_t size) {
  try {
    DeviceState &s = *state_;
    // The driver checks the data's own header (vendor, device,
    // pipelineCacheUUID) and ignores data it cannot use.
    VkPipelineCacheCreateInfo info{};
    info.sType = VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO;
    info.initialDataSize = size;
    info.pInitialData = data;
    VkPipelineCache loaded;
    if (s.vkCreatePipelineCache(s.device, &info, nullptr, &loaded) !=
        VK_SUCCESS)
      return false;
    VkResult r = s.vkMergePipelineCaches(s.device, s.pipelineCache, 1, &loaded);
    s.vkDestroyPipelineCache(s.device, loaded, nullptr);
    return r == VK_SUCCESS;
  } catch (...) {
    return false;
  }
}

bool Device::pipelineCacheData(std::vector<uint8_t> &data) const {
  try {
    DeviceState &s = *state_;
    VkResult r;
    // The cache may grow between the size query and the copy (pipelines
    // created concurrently); retry on VK_INCOMPLETE.
    do {
      size_t size = 0;
      r = s.vkGetPipelineCacheData(s.device, s.pipelineCache, &size, nullptr);
      if (r != VK_SUCCESS)
        return false;
      data.resize(size);
      r = s.vkGetPipelineCacheData(s.device, s.pipelineCache, &size,
                                   data.data());
      data.resize(size);
    } while (r == VK_INCOMPLETE);
    return r == VK_SUCCESS;
  } catch (...) {
    return false;
  }
}

} // namespace coreai::runtime::vulkan
