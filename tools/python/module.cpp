//===- module.cpp - ssmc._ssmc, the Python module's C++ half --------------===//
//
// pybind11 bindings over the driver (docs/python.md): compile or load a
// model for a target (openModel), run NumPy arrays through it and score
// them (evaluate), stream tokens (Executable::stream), save the compiled
// network, read ssmc's data sets. The Python half (ssmc/__init__.py) gives
// these their keyword arguments, result types and docstrings. Work that
// takes time runs without the GIL.
//
//===----------------------------------------------------------------------===//

#include "ssm/Driver/Evaluate.h"
#include "ssm/Driver/ModelFlags.h"
#include "ssm/Driver/ModelGraph.h"
#include "ssm/Driver/OpenModel.h"
#include "ssm/Driver/OutputFile.h"
#include "ssm/Driver/Target.h"
#include "ssm/Driver/Version.h"
#include "ssm/Runtime/Dataset.h"
#include "ssm/Runtime/FixedPoint.h"
#include "ssm/Runtime/Npy.h"
#include "ssm/Translation/FromSSM.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <stdexcept>

namespace py = pybind11;
using namespace ssm;

namespace {

/// A model that did not compile: the diagnostics, file:line:col first.
struct CompileFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Collects the diagnostics of `context` in `text` while it lives, printed
/// as the tools print them: file:line:col with the source line, without the
/// failing operation in generic form.
struct CapturedDiagnostics {
  CapturedDiagnostics(mlir::MLIRContext &context, std::string &text)
      : os(text), handler(sourceMgr, &context, os) {
    context.printOpOnDiagnostic(false);
  }
  llvm::raw_string_ostream os;
  llvm::SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler handler;
};

dsl::LoadOptions loadOptions(bool initMissing, bool strictWeights,
                             std::optional<double> nirDt) {
  dsl::LoadOptions load;
  load.initMissing = initMissing;
  load.strictWeights = strictWeights;
  load.nirDt = nirDt;
  return load;
}

/// A model opened for a target, with the MLIR context its module lives in.
struct Network {
  std::unique_ptr<mlir::MLIRContext> context;
  driver::OpenedModel opened;
  /// Warnings printed while compiling.
  std::string diagnostics;

  const driver::Executable &executable() const {
    return *opened.executable;
  }
};

/// `threads` as the Python keyword gives it: 0 = every core.
int threadsOrAll(int threads) {
  if (threads == 0)
    return driver::allCores();
  if (std::string problem = driver::threadsProblem(threads, "threads",
                                                   driver::Spelling::Keyword);
      !problem.empty())
    throw std::invalid_argument(problem + " (0: every core)");
  return threads;
}

std::unique_ptr<Network>
compile(const std::string &source, bool isText, const std::string &name,
        const std::optional<std::string> &targetName,
        const std::vector<std::pair<std::string, std::string>> &settings,
        int threads, bool initMissing, bool strictWeights,
        std::optional<double> nirDt) {
  const driver::Target *target = nullptr;
  if (targetName) {
    target = driver::findTarget(*targetName);
    if (!target)
      throw std::invalid_argument("target '" + *targetName +
                                  "' is not a target; ssmc has " +
                                  driver::targetNames());
  }
  threads = threadsOrAll(threads);
  std::vector<driver::Setting> given;
  for (const auto &[key, value] : settings) {
    std::string option = key;
    std::replace(option.begin(), option.end(), '_', '-');
    given.push_back({option, value});
  }
  auto network = std::make_unique<Network>();
  py::gil_scoped_release release;
  network->context = std::make_unique<mlir::MLIRContext>();
  CapturedDiagnostics diagnostics(*network->context, network->diagnostics);
  // Without a target named, the source must be a compiled file, whose
  // target parses the options.
  if (!target && !isText)
    for (const driver::Target *t : driver::targets())
      if (t->isCompiledFile(source))
        target = t;
  if (!target)
    throw std::invalid_argument(
        "'" + (isText ? name : source) +
        "' is a model, not a compiled network file: name the target to "
        "compile it for (" + driver::targetNames() + ")");
  llvm::Expected<std::unique_ptr<driver::TargetOptions>> options =
      target->parseOptions(given, driver::Spelling::Keyword);
  if (!options)
    throw std::invalid_argument(llvm::toString(options.takeError()));
  mlir::FailureOr<driver::OpenedModel> opened = driver::openModel(
      {isText ? name : source,
       isText ? std::optional<std::string>(source) : std::nullopt},
      target, **options,
      target->compileOptionIn(given, driver::Spelling::Keyword),
      loadOptions(initMissing, strictWeights, nirDt), threads,
      *network->context,
      "ssmc", diagnostics.os, /*keepFloatModel=*/true);
  if (failed(opened))
    throw CompileFailure(network->diagnostics);
  network->opened = std::move(*opened);
  return network;
}

/// The layers of a model (not compiled: its ssm IR as loaded), as a dict
/// {"name", "layers": [{"op", "name", "inputs", "channels", "settings",
/// "params": {name: float64 ndarray}, "tied_to"}], "outputs"}.
py::dict describe(const std::string &source, bool isText,
                  const std::string &name, bool initMissing,
                  bool strictWeights, std::optional<double> nirDt) {
  std::string diagnostics;
  std::optional<driver::ModelGraph> graph;
  {
    py::gil_scoped_release release;
    mlir::MLIRContext context;
    CapturedDiagnostics captured(context, diagnostics);
    const dsl::LoadOptions load =
        loadOptions(initMissing, strictWeights, nirDt);
    mlir::OwningOpRef<mlir::ModuleOp> module =
        isText ? dsl::loadModelText(source, name, context, load, captured.os)
               : dsl::loadModelFile(source, context, load, captured.os);
    if (!module)
      throw CompileFailure(diagnostics);
    mlir::FailureOr<ModelOp> model = getSingleModel(*module);
    if (failed(model))
      throw CompileFailure(diagnostics);
    mlir::FailureOr<driver::ModelGraph> described = driver::describeModel(*model);
    if (failed(described))
      throw CompileFailure(diagnostics);
    graph = std::move(*described);
  }
  py::list layers;
  for (const driver::GraphLayer &l : graph->layers) {
    py::dict layer, settings, params;
    for (const auto &[key, value] : l.settings)
      settings[py::str(key)] = value;
    for (const driver::GraphParam &p : l.params) {
      py::array_t<double> a(std::vector<py::ssize_t>(p.shape.begin(), p.shape.end()));
      std::copy(p.values.begin(), p.values.end(), a.mutable_data());
      params[py::str(p.name)] = a;
    }
    layer["op"] = l.op;
    layer["name"] = l.name;
    layer["inputs"] = l.inputs;
    layer["channels"] = l.channels;
    layer["settings"] = settings;
    layer["params"] = params;
    layer["tied_to"] = l.tiedTo;
    layers.append(layer);
  }
  py::dict result;
  result["name"] = graph->name;
  result["layers"] = layers;
  result["outputs"] = graph->outputs;
  result["diagnostics"] = diagnostics;
  return result;
}

/// [samples, tokens(, channels)] float32 inputs and optional labels as a
/// data set ("the array" in errors).
rt::Dataset toDataset(const py::array_t<float, py::array::c_style |
                                                   py::array::forcecast> &x,
                      const std::optional<py::array_t<
                          int64_t, py::array::c_style | py::array::forcecast>>
                          &labels) {
  std::vector<int64_t> shape(x.shape(), x.shape() + x.ndim());
  std::vector<double> values(x.data(), x.data() + x.size());
  std::optional<std::vector<double>> labelValues;
  if (labels) {
    if (labels->ndim() != 1)
      throw rt::DataError("labels must be a 1-D array of class indices, got " +
                          std::to_string(labels->ndim()) + " dimensions");
    labelValues.emplace(labels->data(), labels->data() + labels->size());
  }
  return rt::makeDataset("array", "inputs", shape, values, "labels",
                         labelValues ? &*labelValues : nullptr);
}

py::array_t<float> toArray(const std::vector<float> &values,
                           std::vector<py::ssize_t> shape) {
  py::array_t<float> a(shape);
  std::copy(values.begin(), values.end(), a.mutable_data());
  return a;
}

std::string toJSON(llvm::json::Object object) {
  return llvm::formatv("{0}", llvm::json::Value(std::move(object))).str();
}

/// Runs the array and returns (outputs, token outputs or None, report JSON).
py::tuple run(const Network &network,
              const py::array_t<float, py::array::c_style |
                                           py::array::forcecast> &x,
              const std::optional<py::array_t<
                  int64_t, py::array::c_style | py::array::forcecast>> &labels,
              bool tokenOutputs, int threads) {
  const driver::Executable &executable = network.executable();
  const rt::Dataset data = toDataset(x, labels);
  if (std::string problem = driver::dataProblem(executable, data, "array");
      !problem.empty())
    throw rt::DataError(problem);
  driver::RunOptions options;
  options.threads = threadsOrAll(threads);
  std::optional<driver::Evaluation> evaluation;
  {
    py::gil_scoped_release release;
    evaluation.emplace(driver::evaluate(executable, data, options, tokenOutputs));
  }
  const int64_t classes = evaluation->run.classes;
  llvm::json::Object report = driver::scoreReport(*evaluation);
  report["target"] = network.opened.target->name();
  report["model"] = executable.modelName();
  report["samples"] = data.samples;
  report["tokens"] = data.samples * data.length;
  report["threads"] = options.threads;
  report["wall_seconds"] = evaluation->run.seconds;
  report["ssmc_version"] = driver::version();
  report["ssmc_commit"] = driver::commit();
  py::object perToken = py::none();
  if (tokenOutputs)
    perToken = toArray(evaluation->tokenOutputs,
                       {data.samples, data.length, classes});
  return py::make_tuple(toArray(evaluation->run.outputs, {data.samples, classes}),
                        perToken, toJSON(std::move(report)));
}

/// A streaming session and the network it reads (kept alive by Python).
struct Stream {
  std::unique_ptr<driver::StreamSession> session;
  int64_t channels, classes;

  py::array_t<float>
  feed(const py::array_t<float, py::array::c_style | py::array::forcecast>
           &token) {
    if (token.size() != channels)
      throw rt::DataError("a token has " + std::to_string(channels) +
                          " input channels for this model, got " +
                          std::to_string(token.size()) + " values");
    for (py::ssize_t i = 0; i < token.size(); ++i)
      if (!std::isfinite(token.data()[i]))
        throw rt::DataError("the token holds a non-finite value at index " +
                            std::to_string(i));
    std::vector<float> y;
    {
      py::gil_scoped_release release;
      y = session->feed(token.data());
    }
    return toArray(y, {classes});
  }
};

} // namespace

PYBIND11_MODULE(_ssmc, m) {
  m.doc() = "ssmc's C++ half; use the ssmc package (docs/python.md).";
  // Both ValueErrors; each translator catches its own type only.
  py::register_exception<CompileFailure>(m, "CompileError", PyExc_ValueError);
  py::register_exception<rt::DataError>(m, "DataError", PyExc_ValueError);
  m.def("format_frac",
        [](double maxAbs, unsigned bits) {
          if (bits < 2 || bits > 32)
            throw std::invalid_argument("bits must be 2 to 32, got " +
                                        std::to_string(bits));
          return rt::fixed::formatFor(maxAbs, bits).frac;
        },
        py::arg("max_abs"), py::arg("bits"));
  m.def("version", [] { return driver::version(); });
  m.def("commit", [] { return driver::commit(); });
  m.def("targets", [] {
    std::vector<std::tuple<std::string, std::string, std::vector<std::string>>>
        all;
    for (const driver::Target *t : driver::targets()) {
      std::vector<std::string> options;
      for (const llvm::cl::opt<std::string> *flag : t->flags())
        options.push_back(driver::spell(flag->ArgStr, driver::Spelling::Keyword));
      all.emplace_back(t->name().str(), t->summary().str(), options);
    }
    return all;
  });
  m.def("describe", &describe, py::arg("source"), py::arg("is_text"),
        py::arg("name"), py::arg("init_missing"), py::arg("strict_weights"),
        py::arg("nir_dt"));
  m.def("compile", &compile, py::arg("source"), py::arg("is_text"),
        py::arg("name"), py::arg("target"), py::arg("options"),
        py::arg("threads"), py::arg("init_missing"),
        py::arg("strict_weights"), py::arg("nir_dt"));
  m.def(
      "load_data",
      [](const std::string &spec, std::optional<int64_t> limit) {
        rt::Dataset data;
        {
          py::gil_scoped_release release;
          data = rt::loadDataset(spec, limit);
        }
        py::array_t<float> x = toArray(
            data.inputs, {data.samples, data.length, data.channels});
        py::object labels = py::none();
        if (!data.labels.empty()) {
          py::array_t<int64_t> l(data.labels.size());
          std::copy(data.labels.begin(), data.labels.end(), l.mutable_data());
          labels = l;
        }
        return py::make_tuple(x, labels, data.vocabulary);
      },
      py::arg("spec"), py::arg("limit"));

  py::class_<Network>(m, "Network")
      .def_property_readonly(
          "name", [](const Network &n) { return n.executable().modelName(); })
      .def_property_readonly(
          "target",
          [](const Network &n) { return n.opened.target->name().str(); })
      .def_property_readonly(
          "input_channels",
          [](const Network &n) { return n.executable().inputChannels(); })
      .def_property_readonly(
          "output_channels",
          [](const Network &n) { return n.executable().outputChannels(); })
      .def_property_readonly(
          "vocabulary",
          [](const Network &n) { return n.executable().inputVocabulary(); })
      .def_property_readonly(
          "parameters", [](const Network &n) { return n.opened.parameters; })
      .def_property_readonly(
          "compile_seconds",
          [](const Network &n) { return n.opened.compileSeconds; })
      .def_readonly("diagnostics", &Network::diagnostics)
      .def("run", &run, py::arg("x"), py::arg("labels"),
           py::arg("token_outputs"), py::arg("threads"))
      .def(
          "compare",
          [](const Network &n,
             const py::array_t<float, py::array::c_style |
                                          py::array::forcecast> &x,
             int threads) {
            if (!n.opened.floatModel)
              throw std::invalid_argument(
                  "compare() needs the model before compilation: this "
                  "network was loaded compiled");
            const rt::Dataset data = toDataset(x, std::nullopt);
            if (std::string problem =
                    driver::dataProblem(n.executable(), data, "array");
                !problem.empty())
              throw rt::DataError(problem);
            std::vector<driver::LayerError> errors;
            {
              py::gil_scoped_release release;
              errors = n.executable().compareWithFloat(
                  *n.opened.floatModel, data, threadsOrAll(threads));
            }
            if (errors.empty())
              throw std::invalid_argument(
                  "compare(): target " + n.opened.target->name().str() +
                  " does not quantize; it applies to loihi2 and spinnaker2");
            return toJSON(llvm::json::Object{
                {"layers", driver::layerErrorReport(errors)}});
          },
          py::arg("x"), py::arg("threads"))
      .def(
          "stream",
          [](const Network &n) {
            return Stream{n.executable().stream(), n.executable().inputChannels(),
                          n.executable().outputChannels()};
          },
          py::keep_alive<0, 1>())
      .def("save", [](Network &n, const std::string &path) {
        const driver::Target &target = *n.opened.target;
        if (!n.opened.module)
          throw std::invalid_argument(
              "this network was loaded from a compiled file; copy that file");
        std::string errors;
        {
          CapturedDiagnostics captured(*n.context, errors);
          if (target.isCompiledFilePath(path)) {
            if (failed(target.saveFile(*n.opened.module, path)))
              throw std::runtime_error(errors);
            return;
          }
        }
        if (!llvm::StringRef(path).ends_with(".mlir"))
          throw std::invalid_argument(
              "save writes a compiled network as MLIR (.mlir)" +
              std::string(target.isCompiledFilePath("network.h5")
                              ? " or as " + target.name().str() +
                                    "'s network file (.h5)"
                              : "") +
              ", not '" + path + "'");
        std::error_code ec;
        llvm::raw_fd_ostream file(path, ec);
        if (ec)
          throw std::runtime_error("cannot write '" + path +
                                   "': " + ec.message());
        n.opened.module->print(file);
        // (closeFile clears the error: an uncleared one aborts in the
        // stream's destructor.)
        if (std::string error = driver::closeFile(file); !error.empty())
          throw std::runtime_error("cannot write '" + path + "': " + error);
      });

  py::class_<Stream>(m, "Stream")
      .def("feed", &Stream::feed, py::arg("token"))
      .def(
          "finish",
          [](Stream &s, const py::object &afterStep) {
            std::vector<float> y;
            std::function<void()> callback;
            if (!afterStep.is_none())
              callback = [&] {
                py::gil_scoped_acquire acquire;
                afterStep();
              };
            {
              py::gil_scoped_release release;
              y = s.session->finish(callback);
            }
            return toArray(y, {s.classes});
          },
          py::arg("after_step") = py::none())
      .def("reset", [](Stream &s) { s.session->reset(); })
      .def_property_readonly("tokens",
                             [](const Stream &s) { return s.session->tokens(); })
      .def_property_readonly(
          "latency", [](const Stream &s) { return s.session->latency(); })
      .def("counters",
           [](const Stream &s) { return toJSON(s.session->counters()); })
      .def("groups",
           [](const Stream &s) {
             py::list all;
             for (const driver::GroupInfo &g : s.session->groups()) {
               py::dict d;
               d["name"] = g.name;
               d["model"] = g.model;
               d["neurons"] = g.neurons;
               d["core"] = g.core;
               d["depth"] = g.depth;
               all.append(d);
             }
             return all;
           })
      .def("last_step",
           [](const Stream &s) {
             const std::vector<driver::GroupStep> steps = s.session->lastStep();
             const py::ssize_t G = static_cast<py::ssize_t>(steps.size());
             py::array_t<int64_t> token(G), spikes(G), synops(G), active(G),
                 events(G), messages(G);
             py::array_t<double> energy(G);
             for (py::ssize_t g = 0; g < G; ++g) {
               token.mutable_data()[g] = steps[g].token;
               spikes.mutable_data()[g] = steps[g].spikes;
               synops.mutable_data()[g] = steps[g].synops;
               active.mutable_data()[g] = steps[g].active;
               events.mutable_data()[g] = steps[g].events;
               messages.mutable_data()[g] = steps[g].messages;
               energy.mutable_data()[g] = steps[g].energyPJ;
             }
             py::dict d;
             if (G == 0)
               return d;
             d["token"] = token;
             d["spikes"] = spikes;
             d["synops"] = synops;
             d["active"] = active;
             d["events"] = events;
             d["messages"] = messages;
             d["energy_pJ"] = energy;
             return d;
           })
      .def(
          "sent",
          [](const Stream &s, int group) {
            const std::vector<uint8_t> sent = s.session->sent(group);
            py::array_t<bool> a(static_cast<py::ssize_t>(sent.size()));
            for (size_t i = 0; i < sent.size(); ++i)
              a.mutable_data()[i] = sent[i] != 0;
            return a;
          },
          py::arg("group"));
}
