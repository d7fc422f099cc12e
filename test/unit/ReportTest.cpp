// The report's arithmetic (lib/Report): measured time and work spread over
// the ops of the debug table, the arena as the runtime lays it out, and a
// page that bundle text cannot break out of.
#include "lib/Report/ModelReport.h"

#include <catch2/catch.hpp>

using namespace coreai;
using namespace coreai::report;

namespace {
bundle::DebugEntry entry(const std::string &source, double estimatedUs,
                         double flops, std::vector<uint32_t> inputs = {}) {
  bundle::DebugEntry e;
  e.op = "aigraph.op";
  e.source = source;
  e.unit = "gpu";
  e.estimatedUs = estimatedUs;
  e.flops = flops;
  e.inputs = std::move(inputs);
  return e;
}
} // namespace

TEST_CASE("a dispatch's time is split by the estimates of its ops",
          "[report]") {
  std::vector<bundle::DebugEntry> debug = {
      entry("conv (Conv, opset 17)", 30, 600),
      entry("relu (Relu, opset 17)", 10, 0, {0}),
      entry("pool (MaxPool, opset 17)", 0, 50, {1})};
  std::vector<MeasuredSpan> spans = {
      {"cpu", "conv (Conv, opset 17); relu (Relu, opset 17)", "k0", 8, false},
      {"ane", "pool (MaxPool, opset 17)", "layer", 2, true}};
  std::vector<OpMeasurement> ops = measureOps(debug, spans);
  REQUIRE(ops.size() == 3);
  CHECK(ops[0].micros == Approx(6));
  CHECK(ops[1].micros == Approx(2));
  CHECK(ops[0].unit == "cpu");
  CHECK_FALSE(ops[0].simulated);
  // No estimate: the span goes to its one op whole.
  CHECK(ops[2].micros == Approx(2));
  CHECK(ops[2].unit == "ane");
  CHECK(ops[2].simulated);
}

TEST_CASE("an op lowered to several dispatches shares its work by time",
          "[report]") {
  std::vector<bundle::DebugEntry> debug = {entry("c (Conv)", 1, 1000)};
  std::vector<MeasuredSpan> spans = {{"cpu", "c (Conv)", "pad", 1, false},
                                     {"cpu", "c (Conv)", "conv", 3, false},
                                     {"cpu", "other (Add)", "add", 5, false}};
  std::vector<double> flops = flopsPerSpan(debug, spans);
  REQUIRE(flops.size() == 3);
  CHECK(flops[0] == Approx(250));
  CHECK(flops[1] == Approx(750));
  CHECK(flops[2] == 0); // unknown, not zero work
}

TEST_CASE("the arena is laid out as the runtime does", "[report]") {
  bundle::ScheduleData schedule;
  using bundle::SlotKind;
  schedule.slots = {{SlotKind::Input, 0, 16},  {SlotKind::Scratch, 0, 100},
                    {SlotKind::Scratch, 0, 0}, {SlotKind::Scratch, 0, 64},
                    {SlotKind::Output, 0, 16}, {SlotKind::Scratch, 0, 8}};
  schedule.steps = {{"cpu", 0, "a", {0, 1}, {1, 1, 1}, ""},
                    {"cpu", 0, "b", {1, 3}, {1, 1, 1}, ""},
                    {"cpu", 0, "c", {3, 4}, {1, 1, 1}, ""},
                    {"cpu", 0, "d", {99}, {1, 1, 1}, ""}};
  std::vector<ArenaBuffer> arena = arenaLayout(schedule);
  REQUIRE(arena.size() == 3);
  CHECK(arena[0].slot == 1);
  CHECK(arena[0].offset == 0);
  CHECK(arena[0].firstStep == 0);
  CHECK(arena[0].lastStep == 1);
  CHECK(arena[1].slot == 3);
  CHECK(arena[1].offset == 128); // 100 rounded up to 64 bytes
  CHECK(arena[1].firstStep == 1);
  CHECK(arena[1].lastStep == 2);
  CHECK(arena[2].slot == 5);
  CHECK(arena[2].offset == 192);
  CHECK(arena[2].firstStep == -1); // never used; a step's bad slot ignored
}

TEST_CASE("bundle text cannot end the page's data early", "[report]") {
  std::vector<bundle::DebugEntry> debug = {
      entry("</script><script>alert(1)</script> (Conv)", 1, 1),
      entry("<!-- x (Relu)", 1, 1, {0}), entry("bad \xff utf-8 (Add)", 1, 1)};
  Page page;
  page.title = "t</script>";
  page.context = "compile";
  FunctionView view;
  view.name = "main";
  view.debug = &debug;
  page.functions.push_back(view);
  std::string html = renderHtml(page);
  size_t data = html.find("id=\"report-data\">");
  REQUIRE(data != std::string::npos);
  size_t end = html.find("</script>", data);
  std::string json = html.substr(data, end - data);
  CHECK(json.find("\\u003c/script>") != std::string::npos);
  CHECK(json.find("\\u003c!--") != std::string::npos);
  CHECK(json.find("alert(1)") != std::string::npos); // kept, as text
  // Exactly the data element and the page's script end a script.
  size_t count = 0;
  for (size_t at = html.find("</script>"); at != std::string::npos;
       at = html.find("</script>", at + 1))
    ++count;
  CHECK(count == 2);
}
