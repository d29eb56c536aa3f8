# Shared settings for the scripts in this folder; sourced, not run.
# SSMC_BUILD_DIR: build directory (default: build/ in the checkout).
# SSMC_JOBS: parallel build jobs (default: 2, the size CI runs on).
set -euo pipefail
SSMC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SSMC_BUILD_DIR="${SSMC_BUILD_DIR:-$SSMC_ROOT/build}"
SSMC_JOBS="${SSMC_JOBS:-2}"
# Debian's python3 carries torch and h5py; a pyenv or venv python3 may not.
SSMC_PYTHON="${SSMC_PYTHON:-/usr/bin/python3}"
