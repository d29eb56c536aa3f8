# -*- Python -*-
# lit configuration for ssmc: FileCheck tests of dialects, passes and tools.

import os
import shutil

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "SSMC"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".ssm", ".test"]
config.excludes = ["CMakeLists.txt", "README.md", "lit.cfg.py",
                   "lit.site.cfg.py", "Inputs", "unit", "corpus",
                   "dsl.dict", "regressions"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.ssmc_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%ssmc_src_root", config.ssmc_src_root))
config.substitutions.append(("%ssmc_tools_dir", config.ssmc_tools_dir))
config.substitutions.append(("%python", config.python_executable))

# OPENBLAS_CORETYPE too, so that a run with OPENBLAS_CORETYPE=Prescott (the
# README's determinism check) reaches the tools the tests start.
llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP",
                                     "SSMC_DATA", "OPENBLAS_CORETYPE"])
llvm_config.use_default_substitutions()

tool_dirs = [config.ssmc_tools_dir, config.llvm_tools_dir]
tools = ["ssmc-opt", "ssmc", "ssmc-run", "ssmc-fuzz-parser",
         "ssmc-fuzz-frontend", "ssmc-fuzz-network", "ssmc-fuzz-weights",
         "ssmc-fuzz-data", "ssmc-fuzz-hardware", "ssmc-fuzz-ranges",
         "ssmc-fuzz-network-file"]
llvm_config.add_tool_substitutions(tools, tool_dirs)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.ssmc_tools_dir, append_path=True)

if config.libfuzzer:
    config.available_features.add("libfuzzer")
if not config.sanitizers:
    # The Python module (ssmc-run --plot draws with it; tools/train imports
    # it) is not built under the sanitizers (tools/CMakeLists.txt).
    config.available_features.add("python-module")
    config.environment["PYTHONPATH"] = os.path.join(config.ssmc_obj_root,
                                                    "python")
if config.sanitizers:
    config.available_features.add("asan")
    # Leaks are errors. allow_user_poisoning=0: LLVM's allocators poison
    # memory from our instrumented headers that the uninstrumented MLIR
    # libraries later touch legitimately; ignore those manual poisonings.
    config.environment["ASAN_OPTIONS"] = "detect_leaks=1:allow_user_poisoning=0"
    config.environment["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"

# Seconds after which a tool that should fail fast is taken for hung. The
# sanitizers slow the largest legal inputs several times (the parameter
# budget case of Frontend/robustness.test: 1.5 s in the release build,
# 6.4 s under ASan), and a loaded machine more; the limit still catches a
# real hang.
config.substitutions.append(("%hang_limit", "40" if config.sanitizers else "10"))

# ssmc-run over MPI (docs/mpi.md): the tests launch it with mpirun when the
# build has MPI, and check the refusal when it has none.
if config.mpi and shutil.which("mpirun"):
    config.available_features.add("mpi")
    # Open MPI refuses to run as root (CI does) unless told; 4 ranks on a
    # 2-core machine need oversubscription; the shared-memory transport's
    # single-copy mode needs ptrace rights a container may not grant.
    config.environment.update({
        "OMPI_ALLOW_RUN_AS_ROOT": "1",
        "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
        "OMPI_MCA_rmaps_base_oversubscribe": "1",
        "OMPI_MCA_btl_vader_single_copy_mechanism": "none",
    })
    config.substitutions.append(("%mpirun", "mpirun --oversubscribe"))
if not config.mpi:
    config.available_features.add("no-mpi")

# Tests of the "no GPU here" error path run only where there is none.
if shutil.which("nvidia-smi") is None:
    config.available_features.add("no-gpu")

# The real MNIST test set, when scripts/fetch-data has run.
_data = os.environ.get("SSMC_DATA") or os.path.join(config.ssmc_src_root, "data")
if os.path.exists(os.path.join(_data, "mnist", "t10k-images-idx3-ubyte")):
    config.available_features.add("mnist-data")
    config.environment["SSMC_DATA"] = _data
if os.path.exists(os.path.join(_data, "brown", "SHA256SUMS")):
    config.available_features.add("brown-data")
    config.environment["SSMC_DATA"] = _data
