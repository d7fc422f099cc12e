//===- VulkanRecording.cpp - Dispatches recorded once, run often ----------===//
//
// A schedule's GPU steps are recorded once into one command buffer (with
// its descriptor sets, barriers between dependent dispatches and optional
// timestamps) and submitted on every run.
//
//===----------------------------------------------------------------------===//
#include "lib/Runtime/GPU/VulkanDevice.h"
#include "lib/Runtime/GPU/VulkanSymbols.h"

#include "coreai/AssetError.h"

#include <algorithm>
#include <cstring>

namespace coreai::runtime::vulkan {

Recording::~Recording() {
  if (!device_)
    return;
  DeviceState &s = *device_;
  // Nothing recorded here is in flight: run() returns only once its
  // submission is done, and when waiting fails it idles the device first.
  destroyObject(s, s.vkDestroyFence, fence_);
  destroyObject(s, s.vkDestroyQueryPool, queryPool_);
  // Frees the command buffer and the descriptor sets with their pools.
  destroyObject(s, s.vkDestroyCommandPool, commandPool_);
  destroyObject(s, s.vkDestroyDescriptorPool, descriptorPool_);
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
    VkDescriptorPool pool = createObject(s, "vkCreateDescriptorPool",
                                         s.vkCreateDescriptorPool, poolInfo);
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
    queryPool =
        createObject(s, "vkCreateQueryPool", s.vkCreateQueryPool, qInfo);
    rec->queryPool_ = toHandle(queryPool);
  }

  VkCommandPoolCreateInfo cpInfo{};
  cpInfo.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
  cpInfo.queueFamilyIndex = s.queueFamily;
  VkCommandPool commandPool =
      createObject(s, "vkCreateCommandPool", s.vkCreateCommandPool, cpInfo);
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
  VkFence fence = createObject(s, "vkCreateFence", s.vkCreateFence, fenceInfo);
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

} // namespace coreai::runtime::vulkan
