//===- GpuExecutor.cpp - Runs GPU schedule steps through Vulkan -----------===//
#include "lib/Runtime/GPU/GpuExecutor.h"

#include "coreai/AssetError.h"
#include "lib/Bundle/Hash.h"
#include "lib/Runtime/GPU/SpirvInterface.h"
#include "lib/Runtime/GPU/VulkanDevice.h"

#include <map>
#include <mutex>
#include <optional>

namespace coreai::runtime {
namespace {

const char kFormat[] = "spirv";
const char kArch[] = "vulkan1.1";

/// The recorded launches, and what they use kept alive.
class VulkanSequence final : public LaunchSequence {
public:
  VulkanSequence(std::unique_ptr<vulkan::Recording> recording,
                 std::vector<std::shared_ptr<void>> keepAlive)
      : recording_(std::move(recording)), keepAlive_(std::move(keepAlive)) {}

  void run(std::vector<std::pair<double, double>> *timings) override {
    if (!timings) {
      recording_->run(nullptr);
      return;
    }
    std::vector<vulkan::DispatchTiming> t;
    recording_->run(&t);
    timings->clear();
    for (const vulkan::DispatchTiming &d : t)
      timings->push_back({d.startNs / 1000.0, d.durationNs / 1000.0});
  }

private:
  std::unique_ptr<vulkan::Recording> recording_;
  std::vector<std::shared_ptr<void>> keepAlive_;
};

/// A pipeline and the buffers its code uses (read from its SPIR-V).
struct PreparedKernel {
  std::shared_ptr<vulkan::Pipeline> pipeline;
  spirv::Interface interface;
};

/// An open device and the pipelines made on it, keyed by content (the SPIR-V
/// segment's hash, which the bundle reader verified, its size, entry point
/// and bindings): every specialization on this device in this process
/// shares them, so a second specialization of a bundle creates none.
struct OpenDevice {
  std::shared_ptr<vulkan::Device> device;
  std::mutex mutex;
  std::map<std::tuple<uint64_t, uint64_t, std::string, uint32_t>,
           PreparedKernel>
      pipelines;
};

class VulkanScheduleDevice final : public ScheduleDevice {
public:
  explicit VulkanScheduleDevice(std::shared_ptr<OpenDevice> open)
      : open_(std::move(open)), device_(open_->device) {}

  std::string name() const override { return device_->name(); }

  std::string whyNot(const bundle::ExecutableInfo &exe) const override {
    if (exe.format != kFormat || exe.arch != kArch)
      return "format '" + exe.format + "' for '" + exe.arch +
             "' is not supported (expected '" + kFormat + "' for '" + kArch +
             "')";
    for (const std::string &need : exe.needs)
      if (!device_->supportsCapability(need))
        return "needs SPIR-V capability " + need + ", which " +
               device_->name() + " lacks";
    return "";
  }

  Memory allocate(uint64_t bytes) override {
    std::shared_ptr<vulkan::Buffer> buffer = device_->allocate(bytes);
    return {buffer->data(), buffer};
  }

  std::shared_ptr<void> prepareKernel(const bundle::ExecutableInfo &,
                                      const bundle::SegmentInfo &segment,
                                      const std::string &entry,
                                      const std::vector<BoundBuffer> &bound,
                                      const std::string &label) override {
    const uint8_t *bytes = segment.data;
    uint64_t size = segment.size;
    auto numBindings = static_cast<uint32_t>(bound.size());
    auto key = std::make_tuple(segment.hash, size, entry, numBindings);
    std::lock_guard<std::mutex> lock(open_->mutex);
    auto it = open_->pipelines.find(key);
    if (it == open_->pipelines.end()) {
      if (size % 4 != 0)
        throw AssetError(AssetError::Code::Corrupt,
                         label + ": SPIR-V size " + std::to_string(size) +
                             " is not a multiple of 4");
      // Segments are 64-byte aligned, so the words can be read in place.
      const auto *words = reinterpret_cast<const uint32_t *>(bytes);
      PreparedKernel prepared;
      prepared.interface = spirv::readInterface(words, size / 4, entry, label);
      // Checked before the driver sees the module: a binding past the
      // pipeline layout would be invalid use of the API.
      spirv::checkBindings(prepared.interface, bound, label);
      prepared.pipeline =
          device_->createPipeline(words, size / 4, entry, numBindings, label);
      return open_->pipelines.emplace(key, std::move(prepared))
          .first->second.pipeline;
    }
    // Each step binds its own slots: checked again for a shared pipeline.
    spirv::checkBindings(it->second.interface, bound, label);
    return it->second.pipeline;
  }

  std::unique_ptr<LaunchSequence>
  record(const std::vector<Launch> &launches) override {
    std::vector<vulkan::Dispatch> dispatches;
    std::vector<std::shared_ptr<void>> keepAlive;
    for (const Launch &l : launches) {
      vulkan::Dispatch d;
      d.pipeline = static_cast<const vulkan::Pipeline *>(l.kernel.get());
      for (const std::shared_ptr<void> &b : l.buffers) {
        d.buffers.push_back(static_cast<const vulkan::Buffer *>(b.get()));
        keepAlive.push_back(b);
      }
      d.groups = l.groups;
      keepAlive.push_back(l.kernel);
      dispatches.push_back(std::move(d));
    }
    return std::make_unique<VulkanSequence>(device_->record(dispatches),
                                            std::move(keepAlive));
  }

  bool loadCache(const ModelCache &cache, uint64_t bundleHash) override {
    std::optional<std::vector<uint8_t>> data = cache.read(keyFor(bundleHash));
    if (!data)
      return false;
    loadedHash_ = bundle::hash64(data->data(), data->size());
    // Merging writes the device's cache, which pipeline creation (under the
    // same lock) reads.
    std::lock_guard<std::mutex> lock(open_->mutex);
    return device_->mergePipelineCache(data->data(), data->size());
  }

  void storeCache(const ModelCache &cache, uint64_t bundleHash,
                  const std::string &model) override {
    std::vector<uint8_t> data;
    if (!device_->pipelineCacheData(data) ||
        bundle::hash64(data.data(), data.size()) == loadedHash_)
      return;
    std::string error; // a cache that cannot be written is not an error
    cache.store(keyFor(bundleHash), model, data.data(), data.size(), error);
  }

private:
  /// The device's pipeline cache, as it depends on vendor, device, driver
  /// and pipelineCacheUUID.
  CacheKey keyFor(uint64_t bundleHash) const {
    return {bundleHash, "vulkan-pipeline-cache", device_->cacheKey()};
  }

  std::shared_ptr<OpenDevice> open_;
  std::shared_ptr<vulkan::Device> device_;
  uint64_t loadedHash_ = 0; // of the entry merged, to skip storing it back
};

class GpuExecutor final : public Executor {
public:
  ComputeUnit unit() const override { return ComputeUnit::GPU; }
  std::string name() const override { return "gpu (vulkan)"; }

  std::string whyNot(const bundle::ExecutableInfo &exe) const override {
    return whyNotFormat(exe, kFormat);
  }

  std::shared_ptr<LoadedExecutable> load(const bundle::ExecutableInfo &,
                                         const uint8_t *, uint64_t,
                                         const std::string &label) override {
    throw AssetError(AssetError::Code::Unsupported,
                     label + ": GPU kernels run only as schedule steps");
  }

  std::shared_ptr<ScheduleDevice>
  openDevice(const SpecializationOptions &options, bool robust) override {
    std::lock_guard<std::mutex> lock(mutex_);
    // Devices stay open while any model uses them, so a second
    // specialization in this process reuses the pipeline cache in memory.
    // Robust and plain devices are apart: a device has the feature or not.
    std::shared_ptr<OpenDevice> open =
        open_[{options.gpuDevice, robust}].lock();
    if (!open) {
      std::string why;
      open = std::make_shared<OpenDevice>();
      open->device = vulkan::Device::open(options.gpuDevice, robust, why);
      if (!open->device)
        throw AssetError(AssetError::Code::Unsupported,
                         "no usable GPU: " + why);
      open_[{options.gpuDevice, robust}] = open;
    }
    return std::make_shared<VulkanScheduleDevice>(open);
  }

private:
  std::mutex mutex_;
  std::map<std::pair<int, bool>, std::weak_ptr<OpenDevice>> open_;
};

} // namespace

std::shared_ptr<Executor> createGpuExecutor() {
  return std::make_shared<GpuExecutor>();
}

void registerGpuExecutor() { registerExecutor(createGpuExecutor()); }

std::vector<std::string> listGpuDevices(std::string &why) {
  return vulkan::Device::list(why);
}

} // namespace coreai::runtime
