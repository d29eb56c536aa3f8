//===- CudaConvExecutor.cu - the conv target on an NVIDIA GPU -------------===//
//
// Device layout: activations token-major [B, L, H] float32, as on the CPU.
// An S4D layer transposes its input into zero-padded channel rows
// [B*H, nfft] (tiled through shared memory), runs one batched cuFFT R2C,
// multiplies by the kernel spectrum, runs one batched C2R, and transposes
// back adding D u. Kernels K are generated on the device in float64 with
// A_bar^l = exp(l log A_bar) and transformed once per executor.
//
//===----------------------------------------------------------------------===//

#include "ssm/Runtime/ConvExecutor.h"
#include "ssm/Runtime/CudaConvExecutor.h"
#include "ssm/Runtime/EGRU.h"

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cufft.h>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ssm::rt;

namespace {

void check(cudaError_t status, const char *what) {
  if (status != cudaSuccess)
    throw std::runtime_error(std::string("CUDA error in ") + what + ": " +
                             cudaGetErrorString(status));
}
void check(cufftResult status, const char *what) {
  if (status != CUFFT_SUCCESS)
    throw std::runtime_error(std::string("cuFFT error ") +
                             std::to_string(static_cast<int>(status)) +
                             " in " + what);
}
void check(cublasStatus_t status, const char *what) {
  if (status != CUBLAS_STATUS_SUCCESS)
    throw std::runtime_error(std::string("cuBLAS error ") +
                             std::to_string(static_cast<int>(status)) +
                             " in " + what);
}
#define SSMC_CUDA(call) check((call), #call)
#define SSMC_LAUNCHED(what) check(cudaGetLastError(), what)

/// Owning device array.
template <typename T> class DeviceArray {
public:
  DeviceArray() = default;
  explicit DeviceArray(size_t count) : count(count) {
    if (count)
      SSMC_CUDA(cudaMalloc(&ptr, count * sizeof(T)));
  }
  DeviceArray(const std::vector<T> &host) : DeviceArray(host.size()) {
    upload(host.data(), host.size());
  }
  DeviceArray(DeviceArray &&other) noexcept
      : ptr(other.ptr), count(other.count) {
    other.ptr = nullptr;
    other.count = 0;
  }
  DeviceArray &operator=(DeviceArray &&other) noexcept {
    std::swap(ptr, other.ptr);
    std::swap(count, other.count);
    return *this;
  }
  ~DeviceArray() {
    if (ptr)
      cudaFree(ptr);
  }
  void upload(const T *host, size_t n) {
    if (n == 0)
      return;
    SSMC_CUDA(cudaMemcpy(ptr, host, n * sizeof(T), cudaMemcpyHostToDevice));
  }
  T *get() const { return ptr; }
  size_t size() const { return count; }

private:
  T *ptr = nullptr;
  size_t count = 0;
};

unsigned blocksFor(int64_t work, unsigned threads = 256) {
  return static_cast<unsigned>(
      std::min<int64_t>((work + threads - 1) / threads, 65535 * 32));
}

//===--- kernels ----------------------------------------------------------===//

/// K[h, l] = 2 Re(sum_n cb[h, n] aBar[h, n]^l) into zero-padded rows of
/// `stride` floats; one thread per (h, l), float64 throughout.
__global__ void generateKernel(const double2 *aBar, const double2 *cb,
                               int64_t channels, int64_t modes,
                               int64_t length, int64_t stride, float *out) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x;
       i < channels * length; i += int64_t(gridDim.x) * blockDim.x) {
    const int64_t h = i / length, l = i % length;
    double sum = 0;
    for (int64_t n = 0; n < modes; ++n) {
      const double2 a = aBar[h * modes + n], c = cb[h * modes + n];
      const double logMag = 0.5 * log(a.x * a.x + a.y * a.y);
      const double angle = atan2(a.y, a.x) * double(l);
      const double mag = exp(logMag * double(l));
      double s, co;
      sincos(angle, &s, &co);
      sum += c.x * mag * co - c.y * mag * s;
    }
    out[h * stride + l] = static_cast<float>(2.0 * sum);
  }
}

constexpr int kTile = 32;

/// work[(b*H + h)*nfft + l] = x[(b*L + l)*H + h] for l < L (tiled transpose;
/// the padding beyond L is zeroed by the caller).
__global__ void gatherRows(const float *x, float *work, int64_t L, int64_t H,
                           int64_t nfft) {
  __shared__ float tile[kTile][kTile + 1];
  const int64_t b = blockIdx.z;
  const int64_t h0 = blockIdx.x * kTile, l0 = blockIdx.y * kTile;
  for (int j = threadIdx.y; j < kTile; j += blockDim.y) {
    const int64_t l = l0 + j, h = h0 + threadIdx.x;
    if (l < L && h < H)
      tile[j][threadIdx.x] = x[(b * L + l) * H + h];
  }
  __syncthreads();
  for (int j = threadIdx.y; j < kTile; j += blockDim.y) {
    const int64_t h = h0 + j, l = l0 + threadIdx.x;
    if (l < L && h < H)
      work[(b * H + h) * nfft + l] = tile[threadIdx.x][j];
  }
}

/// y[(b*L + l)*H + h] = work[(b*H + h)*nfft + l] + d[h] x[(b*L + l)*H + h].
__global__ void scatterRows(const float *work, const float *x, const float *d,
                            float *y, int64_t L, int64_t H, int64_t nfft) {
  __shared__ float tile[kTile][kTile + 1];
  const int64_t b = blockIdx.z;
  const int64_t h0 = blockIdx.x * kTile, l0 = blockIdx.y * kTile;
  for (int j = threadIdx.y; j < kTile; j += blockDim.y) {
    const int64_t h = h0 + j, l = l0 + threadIdx.x;
    if (l < L && h < H)
      tile[j][threadIdx.x] = work[(b * H + h) * nfft + l];
  }
  __syncthreads();
  for (int j = threadIdx.y; j < kTile; j += blockDim.y) {
    const int64_t l = l0 + j, h = h0 + threadIdx.x;
    if (l < L && h < H) {
      const int64_t at = (b * L + l) * H + h;
      y[at] = tile[threadIdx.x][j] + d[h] * x[at];
    }
  }
}

/// spec[bh, f] *= khat[h, f] * scale, h = bh mod H.
__global__ void multiplySpectra(cufftComplex *spec, const cufftComplex *khat,
                                int64_t rows, int64_t H, int64_t bins,
                                float scale) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x;
       i < rows * bins; i += int64_t(gridDim.x) * blockDim.x) {
    const int64_t h = (i / bins) % H, f = i % bins;
    const cufftComplex s = spec[i], k = khat[h * bins + f];
    spec[i] = make_cuComplex((s.x * k.x - s.y * k.y) * scale,
                             (s.x * k.y + s.y * k.x) * scale);
  }
}

__global__ void broadcastBias(const float *bias, float *y, int64_t rows,
                              int64_t out) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x;
       i < rows * out; i += int64_t(gridDim.x) * blockDim.x)
    y[i] = bias[i % out];
}

enum class Pointwise { Relu, Gelu, Add };

__global__ void pointwise(Pointwise op, const float *x, const float *rhs,
                          float *y, int64_t count) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < count;
       i += int64_t(gridDim.x) * blockDim.x) {
    const float v = x[i];
    switch (op) {
    case Pointwise::Relu:
      y[i] = fmaxf(v, 0.0f);
      break;
    case Pointwise::Gelu:
      y[i] = 0.5f * v * (1.0f + erff(v * 0.70710678118654752f));
      break;
    case Pointwise::Add:
      y[i] = v + rhs[i];
      break;
    }
  }
}

__global__ void glu(const float *x, float *y, int64_t tokens, int64_t H) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x;
       i < tokens * H; i += int64_t(gridDim.x) * blockDim.x) {
    const int64_t t = i / H, h = i % H;
    const float a = x[t * 2 * H + h], g = x[t * 2 * H + H + h];
    y[i] = a / (1.0f + expf(-g));
  }
}

/// The running-mean readout, y[b, l, h] = mean of x[b, 0..l, h], in three
/// passes over chunks of kReadoutChunk tokens, so that B x H x chunks
/// threads share the work (one thread per (b, h) walking all L tokens left
/// the GPU nearly idle: 7.5 ms of a 28 ms batch at L = 16,384 on an H200).
/// Sums are float64 in a fixed order (chunk sums, their prefix, then the
/// tokens of a chunk), so results do not depend on the batch or the device.
constexpr int64_t kReadoutChunk = 256;

/// sums[b, c, h] = the sum of chunk c of x[b, :, h].
__global__ void readoutChunkSums(const float *x, double *sums, int64_t B,
                                 int64_t L, int64_t H, int64_t chunks) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x;
       i < B * chunks * H; i += int64_t(gridDim.x) * blockDim.x) {
    const int64_t h = i % H, c = (i / H) % chunks, b = i / (H * chunks);
    const int64_t end = min(L, (c + 1) * kReadoutChunk);
    double sum = 0;
    for (int64_t l = c * kReadoutChunk; l < end; ++l)
      sum += x[(b * L + l) * H + h];
    sums[i] = sum;
  }
}

/// In place: sums[b, c, h] becomes the sum of the chunks before c.
__global__ void readoutChunkOffsets(double *sums, int64_t B, int64_t H,
                                    int64_t chunks) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < B * H;
       i += int64_t(gridDim.x) * blockDim.x) {
    const int64_t b = i / H, h = i % H;
    double before = 0;
    for (int64_t c = 0; c < chunks; ++c) {
      double &at = sums[(b * chunks + c) * H + h];
      const double chunk = at;
      at = before;
      before += chunk;
    }
  }
}

/// y over each chunk, from the sum of the chunks before it.
__global__ void readoutMean(const float *x, const double *offsets, float *y,
                            int64_t B, int64_t L, int64_t H, int64_t chunks) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x;
       i < B * chunks * H; i += int64_t(gridDim.x) * blockDim.x) {
    const int64_t h = i % H, c = (i / H) % chunks, b = i / (H * chunks);
    const int64_t end = min(L, (c + 1) * kReadoutChunk);
    double sum = offsets[i];
    for (int64_t l = c * kReadoutChunk; l < end; ++l) {
      const int64_t at = (b * L + l) * H + h;
      sum += x[at];
      y[at] = static_cast<float>(sum / double(l + 1));
    }
  }
}

/// EGRU (EvNN's formulation, EGRU.h) as a sequential scan: one block per
/// sequence, one thread per unit; the previous output is shared.
__global__ void egruScan(const float *x, const float *W, const float *R,
                         const float *bias, const float *rbias,
                         const float *theta, float *y, int64_t L, int64_t I,
                         int64_t H) {
  extern __shared__ float prev[];
  const int64_t b = blockIdx.x, h = threadIdx.x;
  float c = 0;
  prev[h] = 0;
  __syncthreads();
  for (int64_t l = 0; l < L; ++l) {
    const float *xt = x + (b * L + l) * I;
    float gx[3], gr[3];
    for (int g = 0; g < 3; ++g) {
      const int64_t row = g * H + h;
      float acc = bias[row];
      for (int64_t j = 0; j < I; ++j)
        acc += W[row * I + j] * xt[j];
      gx[g] = acc;
      float rec = rbias[row];
      for (int64_t j = 0; j < H; ++j)
        rec += R[row * H + j] * prev[j];
      gr[g] = rec;
    }
    const float update = 1.0f / (1.0f + expf(-(gx[0] + gr[0])));
    const float reset = 1.0f / (1.0f + expf(-(gx[1] + gr[1])));
    const float candidate = tanhf(gx[2] + reset * gr[2]);
    const float state = egru::state(update, candidate, c);
    const float o = egru::event(state, theta[h]);
    const float out = o * state;
    c = egru::reset(state, theta[h], o);
    __syncthreads(); // everyone has read prev
    prev[h] = out;
    y[(b * L + l) * H + h] = out;
    __syncthreads();
  }
}

/// Row ids[t] of an embedding table [V, D] for every token t (ids checked
/// on the host).
__global__ void gatherEmbedding(const float *ids, const float *table,
                                float *y, int64_t tokens, int64_t D) {
  const int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x;
  if (i >= tokens * D)
    return;
  const int64_t t = i / D, d = i % D;
  y[i] = table[static_cast<int64_t>(ids[t]) * D + d];
}

/// A layer's parameters on the device.
struct DeviceLayer {
  DeviceArray<float> weight, recurrent, bias, recurrentBias, theta, d;
  DeviceArray<cufftComplex> spectrum; // S4D: [H, bins]
};

std::string formatGiB(double bytes) {
  return std::to_string(bytes / (1024.0 * 1024 * 1024)).substr(0, 5) + " GiB";
}
} // namespace

bool ssm::rt::cudaConvAvailable(std::string *why) {
  int count = 0;
  cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess || count == 0) {
    if (why)
      *why = status != cudaSuccess
                 ? std::string("no usable CUDA device: ") +
                       cudaGetErrorString(status)
                 : std::string("no CUDA device");
    return false;
  }
  return true;
}

struct CudaConvExecutor::Impl {
  Model model;
  int64_t length = 0, maxBatch = 0, nfft = 0, bins = 0, maxChannels = 0;
  std::vector<DeviceLayer> layers;
  std::vector<DeviceArray<float>> values; // per layer, [maxBatch, L, H]
  DeviceArray<float> work;                // [maxBatch * maxH, nfft]
  DeviceArray<cufftComplex> spec;         // [maxBatch * maxH, bins]
  std::map<int64_t, std::pair<cufftHandle, cufftHandle>> plans; // by rows
  cublasHandle_t blas = nullptr;
  std::string deviceName;

  std::pair<cufftHandle, cufftHandle> &plansFor(int64_t rows) {
    auto it = plans.find(rows);
    if (it != plans.end())
      return it->second;
    int n = static_cast<int>(nfft);
    cufftHandle r2c, c2r;
    SSMC_CUDA(cufftPlanMany(&r2c, 1, &n, nullptr, 1, static_cast<int>(nfft),
                            nullptr, 1, static_cast<int>(bins), CUFFT_R2C,
                            static_cast<int>(rows)));
    SSMC_CUDA(cufftPlanMany(&c2r, 1, &n, nullptr, 1, static_cast<int>(bins),
                            nullptr, 1, static_cast<int>(nfft), CUFFT_C2R,
                            static_cast<int>(rows)));
    return plans[rows] = {r2c, c2r};
  }
};

CudaConvExecutor::CudaConvExecutor(const Model &model, int64_t length,
                                   int64_t maxBatch)
    : impl(std::make_unique<Impl>()) {
  std::string why;
  if (!cudaConvAvailable(&why))
    throw std::runtime_error("conv target on CUDA: " + why);
  if (length < 1 || maxBatch < 1)
    throw std::invalid_argument("conv target on CUDA: need at least one "
                                "sequence of at least one token");
  Impl &s = *impl;
  s.model = model;
  s.length = length;
  s.maxBatch = maxBatch;
  s.nfft = fftFriendlySize(2 * length - 1);
  s.bins = s.nfft / 2 + 1;
  cudaDeviceProp props;
  SSMC_CUDA(cudaGetDeviceProperties(&props, 0));
  s.deviceName = props.name;

  // Refuse, with the sizes, what device memory cannot hold.
  double activations = 0;
  for (const Layer &layer : model.layers) {
    activations += double(maxBatch) * length * layer.outChannels * 4;
    s.maxChannels = std::max(s.maxChannels, layer.outChannels);
    if (layer.kind == LayerKind::EGRU && layer.outChannels > 1024)
      throw std::runtime_error("conv target on CUDA: EGRU layer '" +
                               layer.name + "' has more than 1024 units");
  }
  const double scratch =
      double(maxBatch) * s.maxChannels * (s.nfft * 4.0 + s.bins * 8.0);
  size_t freeBytes = 0, totalBytes = 0;
  SSMC_CUDA(cudaMemGetInfo(&freeBytes, &totalBytes));
  if (activations + scratch > 0.9 * double(freeBytes))
    throw std::runtime_error(
        "conv target on CUDA: " + std::to_string(maxBatch) + " sequences of " +
        std::to_string(length) + " tokens need about " +
        formatGiB(activations + scratch) + " of device memory, more than the " +
        formatGiB(double(freeBytes)) + " free on " + s.deviceName +
        "; use a smaller --batch");

  SSMC_CUDA(cublasCreate(&s.blas));
  s.work = DeviceArray<float>(maxBatch * s.maxChannels * s.nfft);
  s.spec = DeviceArray<cufftComplex>(maxBatch * s.maxChannels * s.bins);
  s.layers.resize(model.layers.size());
  s.values.resize(model.layers.size());
  for (size_t i = 0; i < model.layers.size(); ++i) {
    const Layer &layer = model.layers[i];
    DeviceLayer &dev = s.layers[i];
    s.values[i] = DeviceArray<float>(maxBatch * length * layer.outChannels);
    auto toFloat = [](const std::vector<double> &v) {
      return std::vector<float>(v.begin(), v.end());
    };
    dev.weight = DeviceArray<float>(toFloat(layer.weight));
    dev.recurrent = DeviceArray<float>(toFloat(layer.recurrent));
    dev.bias = DeviceArray<float>(toFloat(layer.bias));
    dev.recurrentBias = DeviceArray<float>(toFloat(layer.recurrentBias));
    dev.theta = DeviceArray<float>(toFloat(layer.theta));
    dev.d = DeviceArray<float>(toFloat(layer.d));
    if (layer.kind != LayerKind::S4D)
      continue;
    const int64_t H = layer.outChannels, modes = layer.modes;
    std::vector<double2> aBar(H * modes), cb(H * modes);
    for (int64_t m = 0; m < H * modes; ++m) {
      const std::complex<double> a = layer.s4d.aBar[m];
      const std::complex<double> c = layer.c[m] * layer.s4d.bBar[m];
      aBar[m] = make_double2(a.real(), a.imag());
      cb[m] = make_double2(c.real(), c.imag());
    }
    DeviceArray<double2> dA(aBar), dCB(cb);
    DeviceArray<float> kernel(H * s.nfft);
    SSMC_CUDA(cudaMemset(kernel.get(), 0, H * s.nfft * sizeof(float)));
    generateKernel<<<blocksFor(H * length), 256>>>(dA.get(), dCB.get(), H,
                                                    modes, length, s.nfft,
                                                    kernel.get());
    SSMC_LAUNCHED("generateKernel");
    dev.spectrum = DeviceArray<cufftComplex>(H * s.bins);
    SSMC_CUDA(cufftExecR2C(s.plansFor(H).first, kernel.get(),
                           dev.spectrum.get()));
  }
  SSMC_CUDA(cudaDeviceSynchronize());
}

CudaConvExecutor::~CudaConvExecutor() {
  for (auto &entry : impl->plans) {
    cufftDestroy(entry.second.first);
    cufftDestroy(entry.second.second);
  }
  if (impl->blas)
    cublasDestroy(impl->blas);
}

int64_t CudaConvExecutor::getFFTSize() const { return impl->nfft; }
std::string CudaConvExecutor::getDeviceName() const {
  return impl->deviceName;
}

Batch CudaConvExecutor::run(const Batch &input) {
  Impl &s = *impl;
  const Model &model = s.model;
  const int64_t L = s.length;
  if (input.length != L || input.channels != model.inputChannels() ||
      input.batch < 1 || input.batch > s.maxBatch ||
      static_cast<int64_t>(input.data.size()) !=
          input.batch * input.length * input.channels)
    throw std::invalid_argument(
        "conv target on CUDA: expected a batch of 1.." +
        std::to_string(s.maxBatch) + " sequences of " + std::to_string(L) +
        " tokens x " + std::to_string(model.inputChannels()) + " channels");
  const int64_t B = input.batch;

  for (size_t i = 0; i < model.layers.size(); ++i) {
    const Layer &layer = model.layers[i];
    const DeviceLayer &dev = s.layers[i];
    float *y = s.values[i].get();
    const int64_t H = layer.outChannels, count = B * L * H;
    if (layer.kind == LayerKind::Input) {
      if (layer.vocabulary)
        for (size_t t = 0; t < input.data.size(); ++t) {
          const float id = input.data[t];
          if (!isTokenId(id, layer.vocabulary))
            throw std::out_of_range(
                "conv target on CUDA: token " + std::to_string(t % L) +
                " of sequence " + std::to_string(t / L) + " has id " +
                std::to_string(id) + ", not in [0, " +
                std::to_string(layer.vocabulary) + ")");
        }
      s.values[i].upload(input.data.data(), input.data.size());
      continue;
    }
    const float *x = s.values[layer.inputs[0]].get();
    switch (layer.kind) {
    case LayerKind::Input:
      break;
    case LayerKind::Embedding:
      gatherEmbedding<<<blocksFor(count), 256>>>(x, dev.weight.get(), y, B * L,
                                                 H);
      SSMC_LAUNCHED("gatherEmbedding");
      break;
    case LayerKind::Dense: {
      const int64_t rows = B * L, in = layer.inChannels;
      broadcastBias<<<blocksFor(rows * H), 256>>>(dev.bias.get(), y, rows, H);
      SSMC_LAUNCHED("broadcastBias");
      // Row-major Y[rows, O] += X[rows, I] W^T is column-major
      // Y^T[O, rows] += W[O, I] X^T[I, rows].
      const float one = 1.0f;
      SSMC_CUDA(cublasSgemm(s.blas, CUBLAS_OP_T, CUBLAS_OP_N,
                            static_cast<int>(H), static_cast<int>(rows),
                            static_cast<int>(in), &one, dev.weight.get(),
                            static_cast<int>(in), x, static_cast<int>(in),
                            &one, y, static_cast<int>(H)));
      break;
    }
    case LayerKind::S4D: {
      const int64_t rows = B * H;
      SSMC_CUDA(cudaMemset(s.work.get(), 0, rows * s.nfft * sizeof(float)));
      dim3 block(kTile, 8), grid((H + kTile - 1) / kTile,
                                 (L + kTile - 1) / kTile, B);
      gatherRows<<<grid, block>>>(x, s.work.get(), L, H, s.nfft);
      SSMC_LAUNCHED("gatherRows");
      auto &plans = s.plansFor(rows);
      SSMC_CUDA(cufftExecR2C(plans.first, s.work.get(), s.spec.get()));
      multiplySpectra<<<blocksFor(rows * s.bins), 256>>>(
          s.spec.get(), dev.spectrum.get(), rows, H, s.bins,
          1.0f / static_cast<float>(s.nfft));
      SSMC_LAUNCHED("multiplySpectra");
      SSMC_CUDA(cufftExecC2R(plans.second, s.spec.get(), s.work.get()));
      scatterRows<<<grid, block>>>(s.work.get(), x, dev.d.get(), y, L, H,
                                   s.nfft);
      SSMC_LAUNCHED("scatterRows");
      break;
    }
    case LayerKind::EGRU:
      egruScan<<<static_cast<unsigned>(B), static_cast<unsigned>(H),
                 H * sizeof(float)>>>(x, dev.weight.get(), dev.recurrent.get(),
                                      dev.bias.get(), dev.recurrentBias.get(),
                                      dev.theta.get(), y, L, layer.inChannels,
                                      H);
      SSMC_LAUNCHED("egruScan");
      break;
    case LayerKind::Relu:
    case LayerKind::Gelu:
    case LayerKind::Add:
      pointwise<<<blocksFor(count), 256>>>(
          layer.kind == LayerKind::Relu   ? Pointwise::Relu
          : layer.kind == LayerKind::Gelu ? Pointwise::Gelu
                                          : Pointwise::Add,
          x,
          layer.kind == LayerKind::Add ? s.values[layer.inputs[1]].get()
                                       : nullptr,
          y, count);
      SSMC_LAUNCHED("pointwise");
      break;
    case LayerKind::GLU:
      glu<<<blocksFor(count), 256>>>(x, y, B * L, H);
      SSMC_LAUNCHED("glu");
      break;
    case LayerKind::Readout:
      if (layer.readout == ReadoutMode::Mean) {
        // The chunk sums use the S4D layers' FFT scratch, free here: it
        // holds B x H x 2L floats, at least B x H x L doubles.
        const int64_t chunks = (L + kReadoutChunk - 1) / kReadoutChunk;
        double *sums = reinterpret_cast<double *>(s.work.get());
        readoutChunkSums<<<blocksFor(B * chunks * H), 256>>>(x, sums, B, L, H,
                                                             chunks);
        SSMC_LAUNCHED("readoutChunkSums");
        readoutChunkOffsets<<<blocksFor(B * H), 256>>>(sums, B, H, chunks);
        SSMC_LAUNCHED("readoutChunkOffsets");
        readoutMean<<<blocksFor(B * chunks * H), 256>>>(x, sums, y, B, L, H,
                                                        chunks);
        SSMC_LAUNCHED("readoutMean");
      } else { // the last token's value is each token's own
        SSMC_CUDA(cudaMemcpyAsync(y, x, sizeof(float) * B * L * H,
                                  cudaMemcpyDeviceToDevice));
      }
      break;
    case LayerKind::Neuron: {
      // A neuron layer's step is host code of the model library
      // (NeuronLayer.h), shared with the CPU targets: its scan runs on the
      // host between the device's layers.
      std::vector<float> in(count), out(count);
      SSMC_CUDA(cudaMemcpy(in.data(), x, count * sizeof(float),
                           cudaMemcpyDeviceToHost));
      scanNeuronLayer(layer.neuronView(), in.data(), out.data(), B, L);
      SSMC_CUDA(cudaMemcpy(y, out.data(), count * sizeof(float),
                           cudaMemcpyHostToDevice));
      break;
    }
    }
  }
  Batch result;
  result.batch = B;
  result.length = L;
  result.channels = model.outputChannels();
  result.data.resize(B * L * result.channels);
  SSMC_CUDA(cudaMemcpy(result.data.data(), s.values[model.outputs.at(0)].get(),
                       result.data.size() * sizeof(float),
                       cudaMemcpyDeviceToHost));
  return result;
}
