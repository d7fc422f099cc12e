//===- VulkanPipelines.cpp - Compute pipelines and their cache ------------===//
//
// A SPIR-V kernel becomes a compute pipeline once its interface is checked
// (SpirvInterface.h); pipelines are created through the device's pipeline
// cache, which the model cache keeps between processes.
//
//===----------------------------------------------------------------------===//
#include "lib/Runtime/GPU/VulkanDevice.h"
#include "lib/Runtime/GPU/VulkanSymbols.h"

#include "coreai/AssetError.h"
#include "lib/Runtime/GPU/SpirvInterface.h"

#include <cstring>

namespace coreai::runtime::vulkan {

Pipeline::~Pipeline() {
  if (!device_)
    return;
  DeviceState &s = *device_;
  destroyObject(s, s.vkDestroyPipeline, pipeline_);
  destroyObject(s, s.vkDestroyPipelineLayout, pipelineLayout_);
  destroyObject(s, s.vkDestroyDescriptorSetLayout, setLayout_);
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
  VkDescriptorSetLayout setLayout = createObject(
      s, "vkCreateDescriptorSetLayout", s.vkCreateDescriptorSetLayout, setInfo);
  pipeline->setLayout_ = toHandle(setLayout);

  VkPipelineLayoutCreateInfo layoutInfo{};
  layoutInfo.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO;
  layoutInfo.setLayoutCount = 1;
  layoutInfo.pSetLayouts = &setLayout;
  VkPipelineLayout layout = createObject(s, "vkCreatePipelineLayout",
                                         s.vkCreatePipelineLayout, layoutInfo);
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
