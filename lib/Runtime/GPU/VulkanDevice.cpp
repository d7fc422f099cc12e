//===- VulkanDevice.cpp - Device selection, creation and buffers ----------===//
//
// Which Vulkan device runs the GPU's work (the first with a compute queue,
// or the one the app names), the logical device made on it with the
// features the kernels need, and the host-visible buffers they bind.
//
//===----------------------------------------------------------------------===//
#include "lib/Runtime/GPU/VulkanDevice.h"
#include "lib/Runtime/GPU/VulkanSymbols.h"

#include "coreai/AssetError.h"
#include "lib/Bundle/Hash.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace coreai::runtime::vulkan {
namespace {

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

std::string hex32(uint32_t v) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

} // namespace

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
    device->cacheKey_ =
        hex32(s.properties.vendorID) + "-" + hex32(s.properties.deviceID) +
        "-" + hex32(s.properties.driverVersion) + "-" +
        bundle::hexBytes(s.properties.pipelineCacheUUID, VK_UUID_SIZE);
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

Buffer::~Buffer() {
  if (!device_)
    return;
  DeviceState &s = *device_;
  destroyObject(s, s.vkDestroyBuffer, buffer_);
  if (memory_) {
    if (mapped_)
      s.vkUnmapMemory(s.device, fromHandle<VkDeviceMemory>(memory_));
    s.vkFreeMemory(s.device, fromHandle<VkDeviceMemory>(memory_), nullptr);
  }
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
  auto checkAllocation = [&](const char *call, VkResult r) {
    if (r != VK_SUCCESS)
      throw AssetError(AssetError::Code::Internal,
                       "GPU: cannot allocate a buffer of " +
                           std::to_string(bytes) +
                           " bytes: " + failure(call, r));
  };
  VkBuffer vkBuffer;
  VkResult r = s.vkCreateBuffer(s.device, &info, nullptr, &vkBuffer);
  checkAllocation("vkCreateBuffer", r);
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
  checkAllocation("vkAllocateMemory", r);
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

} // namespace coreai::runtime::vulkan
