//===- TargetRegistryTest.cpp - every target is one complete unit ---------===//
//
// What the tools assume of every registered target (ssm/Driver/Target.h):
// one name each, forms that only targets of one kind share (the chips:
// loihi2, spinnaker2), flags in categories of their own or of their kind,
// and a compiled module that runs. A target added without one of these
// fails here, not in a tool.
//
//===----------------------------------------------------------------------===//

#include "ssm/Driver/Target.h"

#include "ssm/Frontend/Load.h"
#include "ssm/InitAllDialects.h"
#include "ssm/Runtime/Dataset.h"
#include "ssm/Runtime/Npy.h"

#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

using namespace ssm;
using namespace ssm::driver;

namespace {

TEST(TargetRegistryTest, NamesAndFormsAreUnique) {
  std::set<std::string> names, forms;
  for (const Target *target : targets()) {
    EXPECT_TRUE(names.insert(target->name().str()).second)
        << target->name().str();
    EXPECT_EQ(findTarget(target->name()), target);
    EXPECT_FALSE(target->summary().empty()) << target->name().str();
    for (const Form &form : target->forms()) {
      forms.insert(form.name.str());
      // A form shared by several targets (the chips' nc) means the first
      // without --target; the others share its flags too.
      const Target *owner = findTargetOfForm(form.name);
      ASSERT_NE(owner, nullptr);
      if (owner != target) {
        EXPECT_EQ(owner->compileFlags(), target->compileFlags())
            << form.name.str() << " of " << target->name().str();
        EXPECT_EQ(owner->forms().size(), target->forms().size());
      }
      EXPECT_FALSE(form.help.empty());
    }
  }
  // ssmc's own forms belong to no target.
  EXPECT_EQ(forms.count("ast"), 0u);
  EXPECT_EQ(forms.count("ssm"), 0u);
  EXPECT_EQ(findTarget("no-such-target"), nullptr);
  EXPECT_EQ(targetNames(), "reference, conv, loihi2, spinnaker2");
  EXPECT_EQ(findTargetOfForm("nc"), findTarget("loihi2"));
}

TEST(TargetRegistryTest, FlagCategoriesAreDistinct) {
  // Each category once, however many targets share it.
  std::set<const llvm::cl::OptionCategory *> seen;
  for (const llvm::cl::OptionCategory *c :
       targetFlagCategories(/*running=*/true))
    EXPECT_TRUE(seen.insert(c).second) << c->getName().str();
  // A target's compile and run flags are two categories.
  for (const Target *target : targets()) {
    if (target->compileFlags()) {
      EXPECT_NE(target->compileFlags(), target->runFlags())
          << target->name().str();
    }
  }
  // The compiler shows no run flags.
  for (const llvm::cl::OptionCategory *c :
       targetFlagCategories(/*running=*/false))
    for (const Target *target : targets())
      EXPECT_NE(c, target->runFlags()) << c->getName().str();
}

/// A model small enough to compile for every target in a test: calibration
/// data are stated in the model (no data set needed: the loihi2 target
/// calibrates on a file written here).
TEST(TargetRegistryTest, EveryTargetCompilesLoadsAndRuns) {
  const std::string dir = testing::TempDir();
  // 4 sequences of 6 tokens, 1 channel.
  std::vector<float> x(24);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = 0.1f * static_cast<float>(i % 7) - 0.3f;
  rt::writeNpy(dir + "/x.npy", {4, 6, 1}, x.data());
  const std::string source =
      "model t {\n  seed 3\n  calibration \"file:" + dir +
      "/x.npy\"\n  input u : 1\n  h = dense(u, 4)\n"
      "  r = relu(h)\n  m = readout(r, mean)\n"
      "  y = dense(m, 2)\n  output y\n}\n";
  {
    std::ofstream file(dir + "/t.ssm");
    file << source;
  }
  rt::Dataset data = rt::loadDataset("file:" + dir + "/x.npy", std::nullopt);
  std::vector<std::vector<float>> outputs;
  for (const Target *target : targets()) {
    mlir::MLIRContext context;
    mlir::DialectRegistry registry;
    registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    mlir::OwningOpRef<mlir::ModuleOp> module =
        dsl::loadModelFile(dir + "/t.ssm", context, {});
    ASSERT_TRUE(module) << target->name().str();
    EXPECT_FALSE(target->isCompiled(*module));
    CompileContext compile;
    llvm::Expected<std::unique_ptr<TargetOptions>> options =
        target->parseOptions({}, Spelling::Keyword);
    ASSERT_TRUE(bool(options)) << llvm::toString(options.takeError());
    ASSERT_TRUE(mlir::succeeded(target->compile(*module, **options, compile)))
        << target->name().str();
    mlir::FailureOr<std::unique_ptr<Executable>> executable =
        target->load(*module, **options);
    ASSERT_TRUE(mlir::succeeded(executable)) << target->name().str();
    EXPECT_EQ((*executable)->inputChannels(), 1);
    EXPECT_EQ((*executable)->outputChannels(), 2);
    int64_t progress = 0;
    RunOptions run;
    run.progress = [&](int64_t done) { progress = done; };
    RunResult result = (*executable)->run(data, run);
    EXPECT_EQ(progress, 4) << target->name().str();
    ASSERT_EQ(result.outputs.size(), 8u) << target->name().str();
    EXPECT_EQ(result.classes, 2);
    outputs.push_back(result.outputs);
    // Streamed token by token, each sample ends with the run's outputs, bit
    // for bit, after a reset as on a fresh session.
    std::unique_ptr<StreamSession> stream = (*executable)->stream();
    for (int64_t i = 0; i < data.samples; ++i) {
      stream->reset();
      for (int64_t t = 0; t < data.length; ++t)
        EXPECT_EQ(stream->feed(data.sample(i) + t).size(), 2u);
      EXPECT_EQ(stream->tokens(), data.length);
      EXPECT_EQ(stream->finish(),
                std::vector<float>(result.outputs.begin() + 2 * i,
                                   result.outputs.begin() + 2 * i + 2))
          << target->name().str() << " sample " << i;
    }
    EXPECT_THROW(stream->feed(data.sample(0)), std::logic_error);
    // The chips count and cost; the float targets do not.
    EXPECT_EQ(stream->counters().empty(),
              target->name() != "loihi2" && target->name() != "spinnaker2");
  }
  // Every target computes the same model: the reference's outputs within
  // float32 (conv) and of 8-bit PTQ (loihi2: 0.002 here).
  for (size_t t = 1; t < outputs.size(); ++t)
    for (size_t i = 0; i < outputs[0].size(); ++i)
      EXPECT_NEAR(outputs[t][i], outputs[0][i], 0.01) << "target " << t;
}

} // namespace

namespace {

/// Every target parses its options from settings (the Python module's
/// keywords, the tools' flags) through one parser: unknown names and bad
/// values are errors naming the option as the user wrote it.
TEST(TargetRegistryTest, OptionsAreParsedAndCheckedByName) {
  const Target *loihi2 = findTarget("loihi2");
  const Target *conv = findTarget("conv");
  const Target *reference = findTarget("reference");
  ASSERT_TRUE(loihi2 && conv && reference);
  auto error = [](const Target *t, std::vector<Setting> settings,
                  Spelling spelling) {
    llvm::Expected<std::unique_ptr<TargetOptions>> options =
        t->parseOptions(settings, spelling);
    return options ? std::string() : llvm::toString(options.takeError());
  };
  EXPECT_EQ(error(loihi2, {{"sigma-delta", "0.25"}}, Spelling::Keyword), "");
  EXPECT_EQ(error(loihi2, {{"sigma-delta", "2"}}, Spelling::Keyword),
            "sigma_delta must be a fraction between 0 and 1, got 2.000000");
  EXPECT_EQ(error(loihi2, {{"sigma-delta", "x"}}, Spelling::Flag),
            "--sigma-delta must be a number, got 'x'");
  EXPECT_EQ(error(loihi2, {{"calibration-samples", "0"}}, Spelling::Keyword),
            "calibration_samples must be between 1 and 1000000, got 0");
  EXPECT_EQ(error(loihi2,
                  {{"calibration-ranges", "r.json"}, {"calibration", "x"}},
                  Spelling::Keyword),
            "calibration calibrates, calibration_ranges gives ranges "
            "calibrated before: use one");
  EXPECT_EQ(error(loihi2, {{"hw", ""}}, Spelling::Flag),
            "--hw needs a file name");
  EXPECT_EQ(error(loihi2, {{"batch", "4"}}, Spelling::Keyword),
            "batch is not an option of target loihi2; its options: hw, "
            "chips, arithmetic, calibration, calibration_samples, "
            "calibration_ranges, "
            "sigma_delta, synapse_memory, neurons_per_core, trace, "
            "trace_samples, plot");
  EXPECT_EQ(error(loihi2, {{"arithmetic", "int8"}}, Spelling::Flag),
            "--arithmetic must be fixed or fp32, got 'int8'");
  EXPECT_EQ(error(loihi2, {{"chips", "0"}}, Spelling::Keyword),
            "chips must be between 1 and 65536, got 0");
  EXPECT_EQ(error(conv, {{"batch", "4"}, {"device", "cpu"}}, Spelling::Flag),
            "");
  EXPECT_EQ(error(conv, {{"device", "gpu"}}, Spelling::Flag),
            "--device must be cpu or cuda, got 'gpu'");
  EXPECT_EQ(error(conv, {{"batch", "1.5"}}, Spelling::Keyword),
            "batch must be an integer, got '1.5'");
  EXPECT_EQ(error(reference, {{"device", "cpu"}}, Spelling::Keyword),
            "device is not an option of target reference, which has none");
  // Which settings shape compilation (a compiled network refuses them).
  EXPECT_EQ(loihi2->compileOptionIn({{"trace", "t.csv"}, {"sigma-delta", "0"}},
                                    Spelling::Keyword),
            "sigma_delta");
  EXPECT_EQ(loihi2->compileOptionIn({{"trace", "t.csv"}}, Spelling::Flag), "");
}

} // namespace
