//===- ModelRegistryTest.cpp - the neuron models' and layers' lists -------===//
//
// What every entry of runtime/lib/models/Registry.cpp must satisfy, so that
// a new model or neuron layer (docs/extending.md) that forgets a part fails
// here rather than in a user's compile.
//
//===----------------------------------------------------------------------===//

#include "ssm/Runtime/Neurocore.h"
#include "ssm/Runtime/NeuronLayer.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

using namespace ssm::rt;
using namespace ssm::rt::neuro;

TEST(ModelRegistry, EveryModelIsCompleteAndNamedOnce) {
  std::set<std::string> names;
  for (const NeuronModelInfo *m : neuronModels()) {
    SCOPED_TRACE(std::string(m->name));
    EXPECT_TRUE(names.insert(std::string(m->name)).second) << "named twice";
    EXPECT_EQ(findNeuronModel(m->name), m);
    EXPECT_GE(m->currentPerNeuron, 1);
    EXPECT_LE(m->flags.size(), 32u); // NeuronGroup::flags is a bit set
    if (m->hostInput)
      continue;
    EXPECT_NE(m->makeKernel, nullptr) << "no integer kernel";
    EXPECT_NE(m->makeFloat, nullptr) << "no float evaluation";
  }
  EXPECT_EQ(findNeuronModel("no_such_model"), nullptr);
  EXPECT_THROW(neuronModel("no_such_model"), std::invalid_argument);
}

TEST(ModelRegistry, EveryNeuronLayerLowersToAModelOfTheRightShape) {
  std::set<std::string> kinds;
  for (const NeuronLayerInfo *l : neuronLayers()) {
    SCOPED_TRACE(std::string(l->kind));
    EXPECT_TRUE(kinds.insert(std::string(l->kind)).second) << "named twice";
    EXPECT_EQ(findNeuronLayer(l->kind), l);
    ASSERT_NE(l->step, nullptr);
    EXPECT_GE(l->stateSize, 0);
    for (const NeuronLayerParam &p : l->params) {
      EXPECT_LE(p.min, p.defaultValue) << p.name;
      EXPECT_LE(p.defaultValue, p.max) << p.name;
    }
    if (!l->lower)
      continue; // runs on reference and conv only
    const NeuronModelInfo *model = findNeuronModel(l->neuronModel);
    ASSERT_NE(model, nullptr) << "lowers to an unknown neuron model";
    EXPECT_EQ(model->currentPerNeuron, 1)
        << "a layer's neuron takes one channel";
    // The defaults on 3 channels lower to one value per channel of each of
    // the model's parameters, and to options the model has.
    const int64_t H = 3;
    std::vector<std::vector<double>> params;
    for (const NeuronLayerParam &p : l->params)
      params.emplace_back(H, p.defaultValue);
    const uint32_t allFlags = (1u << l->flags.size()) - 1;
    const NeuronLayerView view{l, H, &params, allFlags};
    LoweredNeuronParams lowered = l->lower(view, 16, 24);
    ASSERT_EQ(lowered.params.size(), model->params.size());
    for (const std::vector<int64_t> &values : lowered.params)
      EXPECT_EQ(values.size(), size_t(H));
    EXPECT_EQ(lowered.paramFrac.size(), model->paramFormats.size());
    for (std::string_view flag : lowered.flags)
      EXPECT_GE(model->flagBit(flag), 0) << flag;
    // And its float recurrence runs on them.
    std::vector<double> state(l->stateSize * H, 0.0), in(H, 0.5), out(H);
    l->step(view, state.data(), in.data(), out.data());
  }
}
