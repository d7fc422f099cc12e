//===- VulkanDevice.h - A Vulkan compute device, loaded at run time -------===//
//
// The GPU unit's thin layer over Vulkan: libvulkan is opened with dlopen, so a
// runtime linked with this library still starts (and runs models on the CPU)
// on a host without Vulkan. Everything the GPU executor needs and nothing
// more: storage buffers in host-visible memory, compute pipelines from SPIR-V
// (through one VkPipelineCache that can be saved to and loaded from disk), and
// command buffers recorded once and submitted many times.
//
// Conventions shared with the compiler (lib/Target/GPU): every kernel uses
// descriptor set 0 with bindings 0..N-1, each a storage buffer bound whole; no
// push constants; the workgroup size is in the SPIR-V module.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_RUNTIME_GPU_VULKANDEVICE_H
#define COREAI_RUNTIME_GPU_VULKANDEVICE_H

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace coreai::runtime::vulkan {

struct DeviceState; // Vulkan handles and loaded entry points (internal)

/// A storage buffer in host-visible, host-coherent memory, mapped for its
/// whole life: the CPU reads and writes it through data() while no GPU work
/// that uses it is in flight.
class Buffer {
public:
  ~Buffer();
  Buffer(const Buffer &) = delete;
  Buffer &operator=(const Buffer &) = delete;
  void *data() const { return mapped_; }
  uint64_t size() const { return size_; }

private:
  friend class Device;
  friend class Recording;
  Buffer() = default;
  std::shared_ptr<DeviceState> device_;
  uint64_t buffer_ = 0; // VkBuffer
  uint64_t memory_ = 0; // VkDeviceMemory
  void *mapped_ = nullptr;
  uint64_t size_ = 0;
};

/// A compute pipeline for one SPIR-V entry point.
class Pipeline {
public:
  ~Pipeline();
  Pipeline(const Pipeline &) = delete;
  Pipeline &operator=(const Pipeline &) = delete;
  uint32_t numBindings() const { return numBindings_; }

private:
  friend class Device;
  friend class Recording;
  Pipeline() = default;
  std::shared_ptr<DeviceState> device_;
  uint64_t setLayout_ = 0;      // VkDescriptorSetLayout
  uint64_t pipelineLayout_ = 0; // VkPipelineLayout
  uint64_t pipeline_ = 0;       // VkPipeline
  uint32_t numBindings_ = 0;
};

/// One kernel launch: `buffers[i]` is bound at binding i.
struct Dispatch {
  const Pipeline *pipeline = nullptr;
  std::vector<const Buffer *> buffers;
  std::array<uint32_t, 3> groups{1, 1, 1}; // workgroup counts
};

/// When a dispatch ran, from the GPU's timestamps: nanoseconds from the start
/// of the first dispatch of the submission. Zero where the queue has no
/// timestamps.
struct DispatchTiming {
  double startNs = 0;
  double durationNs = 0;
};

/// A sequence of dispatches recorded into a command buffer once (descriptor
/// sets allocated and written, a compute-to-compute memory barrier between
/// consecutive dispatches, a host-to-compute barrier first and a
/// compute-to-host barrier last, a timestamp around each dispatch when the
/// queue supports them) and submitted any number of times.
class Recording {
public:
  ~Recording();
  Recording(const Recording &) = delete;
  Recording &operator=(const Recording &) = delete;

  /// Submits the command buffer and waits for it to finish, so results are
  /// visible to the host on return. Thread-safe (submissions to the device's
  /// queue are serialized). `timings`, if given, receives one entry per
  /// dispatch. Throws AssetError (Internal) on device loss or other failure.
  void run(std::vector<DispatchTiming> *timings = nullptr);

private:
  friend class Device;
  Recording() = default;
  std::shared_ptr<DeviceState> device_;
  uint64_t descriptorPool_ = 0; // VkDescriptorPool
  uint64_t commandPool_ = 0;    // VkCommandPool
  void *commandBuffer_ = nullptr; // VkCommandBuffer
  uint64_t fence_ = 0;          // VkFence
  uint64_t queryPool_ = 0;      // VkQueryPool, 0 if no timestamps
  uint32_t numDispatches_ = 0;
};

/// One Vulkan physical device with a compute queue, and the logical device
/// made on it.
class Device {
public:
  /// Opens libvulkan ("libvulkan.so.1"), creates an instance (Vulkan 1.1 or
  /// later) and a logical device on physical device `index` (-1: the first
  /// one with a compute queue). On failure returns null and sets `why` to one
  /// line, e.g. "cannot load libvulkan.so.1: <dlerror>", "no Vulkan device
  /// has a compute queue", "there is no GPU device 3 (found 1: 0 'llvmpipe
  /// (LLVM 15.0.6, 256 bits)')". Enables the optional features the device
  /// has among those the compiler may use (shaderInt64, shaderFloat64,
  /// shaderInt16, shaderFloat16, shaderInt8, storageBuffer8BitAccess,
  /// storageBuffer16BitAccess). With `robustBufferAccess`, also that core
  /// feature (every Vulkan device has it): a kernel's access past a bound
  /// buffer reads zeros and writes nothing, whatever its bundle says.
  static std::shared_ptr<Device> open(int index, bool robustBufferAccess,
                                      std::string &why);

  /// "index: name (type)" of each physical device, or empty with `why` set.
  static std::vector<std::string> list(std::string &why);

  ~Device();
  Device(const Device &) = delete;
  Device &operator=(const Device &) = delete;

  /// e.g. "llvmpipe (LLVM 15.0.6, 256 bits)".
  const std::string &name() const;
  /// Identifies device + driver for on-disk caches: vendor id, device id,
  /// driver version and pipelineCacheUUID, as hex.
  const std::string &cacheKey() const;

  /// Whether the device was opened with what a SPIR-V capability needs:
  /// "Shader" and "Matrix" (always), "Int64", "Float64", "Int16", "Float16", "Int8",
  /// "StorageBuffer8BitAccess", "StorageBuffer16BitAccess",
  /// "UniformAndStorageBuffer8BitAccess", "StorageUniformBufferBlock16"
  /// (the last two as SPIR-V names them). Unknown names: false.
  bool supportsCapability(const std::string &capability) const;

  /// A mapped buffer of `bytes` (at least 1; zero-filled). Throws AssetError
  /// (Internal) when memory runs out.
  std::shared_ptr<Buffer> allocate(uint64_t bytes);

  /// Creates a pipeline from SPIR-V `words` for entry point `entry` with
  /// `numBindings` storage-buffer bindings, through the device's pipeline
  /// cache. Throws AssetError (Unsupported) naming `label` if the driver
  /// refuses the module.
  std::shared_ptr<Pipeline> createPipeline(const uint32_t *words,
                                           size_t numWords,
                                           const std::string &entry,
                                           uint32_t numBindings,
                                           const std::string &label);

  /// Records `dispatches` (every buffer count must equal its pipeline's
  /// numBindings). The buffers and pipelines must outlive the recording.
  std::unique_ptr<Recording> record(const std::vector<Dispatch> &dispatches);

  /// Merges pipeline-cache data (what pipelineCacheData() returned, maybe
  /// in another process) into the device's pipeline cache; data for another
  /// device or driver is ignored by the driver. Never throws; returns
  /// whether the driver accepted it.
  bool mergePipelineCache(const uint8_t *data, size_t size);
  /// The device's pipeline cache as the driver serializes it. Never throws;
  /// returns success.
  bool pipelineCacheData(std::vector<uint8_t> &data) const;

private:
  Device() = default;
  std::shared_ptr<DeviceState> state_;
  std::string name_;
  std::string cacheKey_;
  std::vector<std::string> capabilities_;
};

} // namespace coreai::runtime::vulkan

#endif // COREAI_RUNTIME_GPU_VULKANDEVICE_H
