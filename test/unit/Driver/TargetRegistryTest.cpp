//===- TargetRegistryTest.cpp - every target is one complete unit ---------===//
//
// What the tools assume of every registered target (ssm/Driver/Target.h):
// one name each, forms that no other target prints, flags in their own
// categories, and a compiled module that runs. A target added without one
// of these fails here, not in a tool.
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
      EXPECT_TRUE(forms.insert(form.name.str()).second) << form.name.str();
      EXPECT_EQ(findTargetOfForm(form.name), target);
      EXPECT_FALSE(form.help.empty());
    }
  }
  // ssmc's own forms belong to no target.
  EXPECT_EQ(forms.count("ast"), 0u);
  EXPECT_EQ(forms.count("ssm"), 0u);
  EXPECT_EQ(findTarget("no-such-target"), nullptr);
  EXPECT_EQ(targetNames(), "reference, conv, loihi2");
}

TEST(TargetRegistryTest, FlagCategoriesAreDistinct) {
  std::set<const llvm::cl::OptionCategory *> seen;
  for (const llvm::cl::OptionCategory *c :
       targetFlagCategories(/*running=*/true))
    EXPECT_TRUE(seen.insert(c).second) << c->getName().str();
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
    ASSERT_TRUE(mlir::succeeded(target->compile(*module, compile)))
        << target->name().str();
    mlir::FailureOr<std::unique_ptr<Executable>> executable =
        target->load(*module);
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
  }
  // Every target computes the same model: the reference's outputs within
  // float32 (conv) and of 8-bit PTQ (loihi2: 0.002 here).
  for (size_t t = 1; t < outputs.size(); ++t)
    for (size_t i = 0; i < outputs[0].size(); ++i)
      EXPECT_NEAR(outputs[t][i], outputs[0][i], 0.01) << "target " << t;
}

} // namespace
