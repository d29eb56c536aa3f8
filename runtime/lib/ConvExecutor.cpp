//===- ConvExecutor.cpp - S4D as FFT long convolution on the CPU ----------===//
//
// Layout: every activation buffer is token-major [B, L, H] float32, the
// layout of the input and output batches. S4D layers gather one (b, h)
// sequence at a time into a per-thread FFT buffer, multiply by the
// pre-transformed kernel, and scatter back. Buffers are released after
// their last use, so the working set is a few layers, not the whole model.
//
//===----------------------------------------------------------------------===//

#include "ssm/Runtime/ConvExecutor.h"
#include "ssm/Runtime/EGRU.h"
#include "ssm/Runtime/Reference.h"

#include <cblas.h>
#include <fftw3.h>
#include <fmt/format.h>
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <complex>
#include <stdexcept>

using namespace ssm::rt;

int64_t ssm::rt::fftFriendlySize(int64_t minimum) {
  int64_t best = INT64_MAX;
  // Odd parts with at most two prime factors from {3, 5, 7}.
  for (int64_t odd : {1, 3, 5, 7, 9, 15, 21, 25, 35, 49})
    for (int64_t size = odd; size < best; size *= 2)
      if (size >= minimum) {
        best = size;
        break;
      }
  return best;
}

namespace {
std::string formatBytes(double bytes) {
  const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  int unit = 0;
  while (bytes >= 1024 && unit < 5) {
    bytes /= 1024;
    ++unit;
  }
  return fmt::format("{:.1f} {}", bytes, units[unit]);
}

uint64_t physicalMemory() {
  long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && size > 0 ? static_cast<uint64_t>(pages) * size : 0;
}

/// FFTW buffers freed with fftwf_free.
struct FFTWDeleter {
  void operator()(void *p) const { fftwf_free(p); }
};
using RealBuffer = std::unique_ptr<float[], FFTWDeleter>;
using SpectrumBuffer = std::unique_ptr<fftwf_complex[], FFTWDeleter>;

/// Rows (tokens of one sequence) per single-threaded GEMM of a dense layer.
constexpr int64_t kGemmRows = 256;

/// Per S4D layer: the kernel as the executor uses it.
struct S4DKernel {
  std::vector<float> direct;                    // [H, L] (direct mode)
  std::vector<std::complex<float>> spectrum;    // [H, nfft/2+1], scaled by 1/nfft
  std::vector<float> d;                         // [H]
};
} // namespace

struct ConvExecutor::Impl {
  Model model;
  int64_t length, maxBatch;
  ConvOptions options;
  int64_t nfft = 0; // 0: direct convolution
  std::vector<S4DKernel> kernels; // by layer index (empty for non-S4D)
  std::vector<std::vector<float>> weights, recurrent, biases; // float32
  std::vector<size_t> lastUse; // index of the last layer reading each layer
  fftwf_plan r2c = nullptr, c2r = nullptr;
  /// Released activation buffers, reused by later layers and batches so
  /// that steady-state runs do not fault in fresh pages.
  std::vector<std::vector<float>> freeBuffers;

  std::vector<float> acquire(size_t count) {
    for (size_t i = 0; i < freeBuffers.size(); ++i)
      if (freeBuffers[i].capacity() >= count) {
        std::vector<float> buffer = std::move(freeBuffers[i]);
        freeBuffers.erase(freeBuffers.begin() + i);
        buffer.resize(count);
        return buffer;
      }
    return std::vector<float>(count);
  }
  void release(std::vector<float> &buffer) {
    if (buffer.capacity())
      freeBuffers.push_back(std::move(buffer));
    buffer = std::vector<float>();
  }

  void prepare();
  void checkMemory();
  void s4d(size_t i, const float *x, float *y, int64_t batch) const;
  void dense(size_t i, const float *x, float *y, int64_t batch) const;
  /// y = x w^T + bias for every token of the batch ([O, I] weights).
  void gemm(const float *w, const float *bias, int64_t in, int64_t out,
            const float *x, float *y, int64_t batch) const;
  void egru(size_t i, const float *x, float *y, int64_t batch);
};

ConvExecutor::ConvExecutor(const Model &model, int64_t length,
                           int64_t maxBatch, const ConvOptions &options)
    : impl(std::make_unique<Impl>()) {
  if (length < 1)
    throw std::invalid_argument("conv target: sequences must have at least "
                                "one token");
  if (maxBatch < 1)
    throw std::invalid_argument("conv target: batch must be at least 1");
  impl->model = model;
  impl->length = length;
  impl->maxBatch = maxBatch;
  impl->options = options;
  impl->options.threads = std::max(1, options.threads);
  impl->checkMemory();
  impl->prepare();
}

ConvExecutor::~ConvExecutor() {
  if (impl->r2c)
    fftwf_destroy_plan(impl->r2c);
  if (impl->c2r)
    fftwf_destroy_plan(impl->c2r);
}

int64_t ConvExecutor::getFFTSize() const { return impl->nfft; }

void ConvExecutor::Impl::checkMemory() {
  const auto &layers = model.layers;
  lastUse.assign(layers.size(), 0);
  for (size_t i = 0; i < layers.size(); ++i)
    for (int in : layers[i].inputs)
      lastUse[in] = std::max(lastUse[in], i);
  for (int out : model.outputs)
    lastUse[out] = layers.size();

  const bool direct = length <= options.directMaxLength;
  if (!direct) {
    // Linear (not circular) convolution needs nfft >= 2L - 1.
    nfft = fftFriendlySize(2 * length - 1);
    if (nfft > INT_MAX)
      throw std::runtime_error(fmt::format(
          "conv target: sequences of {} tokens need FFTs of {} points, more "
          "than FFTW's limit of {}",
          length, nfft, INT_MAX));
  }
  // Peak of the live activation buffers, plus kernels and FFT scratch.
  const double perToken = static_cast<double>(maxBatch) * length * 4.0;
  double live = 0, peak = 0, kernelBytes = 0;
  for (size_t i = 0; i < layers.size(); ++i) {
    live += perToken * layers[i].outChannels;
    peak = std::max(peak, live);
    for (size_t j = 0; j <= i; ++j)
      if (lastUse[j] == i)
        live -= perToken * layers[j].outChannels;
    if (layers[i].kind == LayerKind::S4D)
      kernelBytes += layers[i].outChannels *
                     (direct ? length * 4.0 : (nfft / 2 + 1) * 8.0 + length * 8.0);
  }
  double scratch = options.threads * (nfft + nfft + 2.0) * 4.0;
  double total = peak + kernelBytes + scratch;
  uint64_t limit = options.memoryLimit ? options.memoryLimit : physicalMemory();
  if (limit && total > static_cast<double>(limit))
    throw std::runtime_error(fmt::format(
        "conv target: {} sequences of {} tokens need about {} of memory "
        "(activations {}, S4D kernels {}), more than the {} available; run "
        "shorter sequences or a smaller --batch",
        maxBatch, length, formatBytes(total), formatBytes(peak),
        formatBytes(kernelBytes), formatBytes(static_cast<double>(limit))));
}

void ConvExecutor::Impl::prepare() {
  const auto &layers = model.layers;
  kernels.resize(layers.size());
  weights.resize(layers.size());
  recurrent.resize(layers.size());
  biases.resize(layers.size());
  if (nfft) {
    RealBuffer in(fftwf_alloc_real(nfft));
    SpectrumBuffer spec(fftwf_alloc_complex(nfft / 2 + 1));
    // Planned once per executor with FFTW_ESTIMATE: FFTW_MEASURE picks the
    // algorithm by timing it, so two runs could pick different ones and
    // round differently (docs/conv.md, "Determinism").
    r2c = fftwf_plan_dft_r2c_1d(static_cast<int>(nfft), in.get(), spec.get(),
                                FFTW_ESTIMATE);
    c2r = fftwf_plan_dft_c2r_1d(static_cast<int>(nfft), spec.get(), in.get(),
                                FFTW_ESTIMATE);
    if (!r2c || !c2r)
      throw std::runtime_error("conv target: FFTW could not plan a transform "
                               "of " + std::to_string(nfft) + " points");
  }
  for (size_t i = 0; i < layers.size(); ++i) {
    const Layer &layer = layers[i];
    weights[i].assign(layer.weight.begin(), layer.weight.end());
    recurrent[i].assign(layer.recurrent.begin(), layer.recurrent.end());
    biases[i].assign(layer.bias.begin(), layer.bias.end());
    if (layer.kind != LayerKind::S4D)
      continue;
    const int64_t H = layer.outChannels;
    std::vector<double> k = s4dKernel(layer.s4d, layer.c, H, layer.modes, length);
    S4DKernel &kernel = kernels[i];
    kernel.d.assign(layer.d.begin(), layer.d.end());
    if (!nfft) {
      kernel.direct.assign(k.begin(), k.end());
      continue;
    }
    const int64_t bins = nfft / 2 + 1;
    kernel.spectrum.resize(H * bins);
    RealBuffer in(fftwf_alloc_real(nfft));
    SpectrumBuffer spec(fftwf_alloc_complex(bins));
    const float scale = 1.0f / static_cast<float>(nfft);
    for (int64_t h = 0; h < H; ++h) {
      std::fill(in.get(), in.get() + nfft, 0.0f);
      for (int64_t l = 0; l < length; ++l)
        in[l] = static_cast<float>(k[h * length + l]);
      fftwf_execute_dft_r2c(r2c, in.get(), spec.get());
      for (int64_t f = 0; f < bins; ++f)
        kernel.spectrum[h * bins + f] =
            std::complex<float>(spec[f][0], spec[f][1]) * scale;
    }
  }
}

void ConvExecutor::Impl::dense(size_t i, const float *x, float *y,
                               int64_t batch) const {
  const Layer &layer = model.layers[i];
  gemm(weights[i].data(), biases[i].data(), layer.inChannels,
       layer.outChannels, x, y, batch);
}

void ConvExecutor::Impl::gemm(const float *w, const float *bias, int64_t in,
                              int64_t out, const float *x, float *y,
                              int64_t batch) const {
  // Y[rows, O] = X[rows, I] W^T + b, as single-threaded GEMMs over fixed
  // blocks of one sequence's tokens. The blocking depends on neither the
  // thread count nor the batch, so neither changes a bit of the result:
  // OpenBLAS's own threading splits a GEMM by thread count, and some of its
  // kernels (e.g. the Prescott fallback for CPUs it does not recognise)
  // then round differently (docs/conv.md, "Determinism").
  const int64_t blocksPerSequence = (length + kGemmRows - 1) / kGemmRows;
#pragma omp parallel for num_threads(options.threads) schedule(static)
  for (int64_t job = 0; job < batch * blocksPerSequence; ++job) {
    const int64_t b = job / blocksPerSequence;
    const int64_t first = (job % blocksPerSequence) * kGemmRows;
    const int64_t rows = std::min(kGemmRows, length - first);
    const int64_t offset = b * length + first;
    float *yb = y + offset * out;
    for (int64_t r = 0; r < rows; ++r)
      std::copy(bias, bias + out, yb + r * out);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, out, in, 1.0f,
                x + offset * in, in, w, in, 1.0f, yb, out);
  }
}

void ConvExecutor::Impl::s4d(size_t i, const float *x, float *y,
                             int64_t batch) const {
  const Layer &layer = model.layers[i];
  const S4DKernel &kernel = kernels[i];
  const int64_t H = layer.outChannels, L = length;
  const int64_t bins = nfft / 2 + 1;
  // Channels are gathered kBlock at a time: with token-major [B, L, H] data,
  // one pass over the tokens then reads each cache line once instead of once
  // per channel.
  constexpr int64_t kBlock = 16;
  const int64_t blocks = (H + kBlock - 1) / kBlock;
  // Each channel's slice of the buffer starts on a 64-byte boundary, the
  // alignment the plans were made for (fftwf_alloc_real's): new-array
  // execution needs it, and nfft can be 2 mod 4 (e.g. 98).
  const int64_t span = ((nfft ? nfft : L) + 15) / 16 * 16;
#pragma omp parallel num_threads(options.threads)
  {
    RealBuffer buffers(fftwf_alloc_real(kBlock * span));
    SpectrumBuffer spec(nfft ? fftwf_alloc_complex(bins) : nullptr);
    std::vector<float> u(kBlock * L);
#pragma omp for schedule(static)
    for (int64_t job = 0; job < batch * blocks; ++job) {
      const int64_t b = job / blocks, h0 = (job % blocks) * kBlock;
      const int64_t width = std::min(kBlock, H - h0);
      const float *xs = x + b * L * H + h0;
      float *ys = y + b * L * H + h0;
      for (int64_t l = 0; l < L; ++l)
        for (int64_t c = 0; c < width; ++c)
          u[c * L + l] = xs[l * H + c];
      for (int64_t c = 0; c < width; ++c) {
        const int64_t h = h0 + c;
        const float *uc = u.data() + c * L;
        float *out = buffers.get() + c * span;
        if (nfft) {
          std::copy(uc, uc + L, out);
          std::fill(out + L, out + nfft, 0.0f);
          fftwf_execute_dft_r2c(r2c, out, spec.get());
          // Written out: std::complex's operator* takes the NaN-safe
          // __mulsc3 path and does not vectorize.
          const float *k =
              reinterpret_cast<const float *>(kernel.spectrum.data() + h * bins);
          float *sf = reinterpret_cast<float *>(spec.get());
          for (int64_t f = 0; f < bins; ++f) {
            const float re = sf[2 * f], im = sf[2 * f + 1];
            sf[2 * f] = re * k[2 * f] - im * k[2 * f + 1];
            sf[2 * f + 1] = re * k[2 * f + 1] + im * k[2 * f];
          }
          fftwf_execute_dft_c2r(c2r, spec.get(), out);
        } else {
          const float *k = kernel.direct.data() + h * L;
          for (int64_t l = 0; l < L; ++l) {
            float acc = 0;
            for (int64_t j = 0; j <= l; ++j)
              acc += k[j] * uc[l - j];
            out[l] = acc;
          }
        }
      }
      for (int64_t l = 0; l < L; ++l)
        for (int64_t c = 0; c < width; ++c)
          ys[l * H + c] = buffers[c * span + l] + kernel.d[h0 + c] * u[c * L + l];
    }
  }
}

void ConvExecutor::Impl::egru(size_t i, const float *x, float *y,
                              int64_t batch) {
  // EvNN's formulation (EGRU.h): the input's share of every gate for all
  // tokens at once (one GEMM per block, as dense()), then the recurrence as
  // a sequential scan over tokens, one sequence per thread.
  const Layer &layer = model.layers[i];
  const int64_t H = layer.outChannels, L = length;
  std::vector<float> inputGates = acquire(batch * L * 3 * H);
  gemm(weights[i].data(), biases[i].data(), layer.inChannels, 3 * H, x,
       inputGates.data(), batch);
  const float *R = recurrent[i].data();
  const std::vector<float> rbias(layer.recurrentBias.begin(),
                                 layer.recurrentBias.end());
  const std::vector<float> theta(layer.theta.begin(), layer.theta.end());
#pragma omp parallel for num_threads(options.threads) schedule(dynamic)
  for (int64_t b = 0; b < batch; ++b) {
    std::vector<float> c(H, 0.0f), prev(H, 0.0f), gr(3 * H);
    std::vector<int64_t> active;
    for (int64_t l = 0; l < L; ++l) {
      const float *gx = inputGates.data() + (b * L + l) * 3 * H;
      float *yt = y + (b * L + l) * H;
      // R y' + b': only the units that sent an event contribute.
      active.clear();
      for (int64_t j = 0; j < H; ++j)
        if (prev[j] != 0.0f)
          active.push_back(j);
      for (int64_t row = 0; row < 3 * H; ++row) {
        float acc = rbias.empty() ? 0.0f : rbias[row];
        const float *r = R + row * H;
        for (int64_t j : active)
          acc += r[j] * prev[j];
        gr[row] = acc;
      }
      for (int64_t h = 0; h < H; ++h) {
        const float update = static_cast<float>(sigmoid(gx[h] + gr[h]));
        const float reset = static_cast<float>(sigmoid(gx[H + h] + gr[H + h]));
        const float candidate = std::tanh(gx[2 * H + h] + reset * gr[2 * H + h]);
        const float state = egru::state(update, candidate, c[h]);
        const float o = egru::event(state, theta[h]);
        yt[h] = o * state;
        c[h] = egru::reset(state, theta[h], o);
      }
      std::copy(yt, yt + H, prev.begin());
    }
  }
  release(inputGates);
}

Batch ConvExecutor::run(const Batch &input) { return run(input, nullptr); }

Batch ConvExecutor::run(const Batch &input,
                        const LayerObserver &observer) {
  const Model &model = impl->model;
  const int64_t L = impl->length;
  if (input.length != L || input.channels != model.inputChannels() ||
      input.batch < 1 || input.batch > impl->maxBatch ||
      static_cast<int64_t>(input.data.size()) !=
          input.batch * input.length * input.channels)
    throw std::invalid_argument(fmt::format(
        "conv target: expected a batch of 1..{} sequences of {} tokens x {} "
        "channels, got {} x {} x {} ({} values)",
        impl->maxBatch, L, model.inputChannels(), input.batch, input.length,
        input.channels, input.data.size()));
  const int64_t B = input.batch;
  const int threads = impl->options.threads;
  // Every GEMM runs on one OpenMP worker (see dense()).
  openblas_set_num_threads(1);

  std::vector<std::vector<float>> values(model.layers.size());
  for (size_t i = 0; i < model.layers.size(); ++i) {
    const Layer &layer = model.layers[i];
    std::vector<float> &out = values[i];
    const int64_t H = layer.outChannels;
    const int64_t count = B * L * H;
    if (layer.kind == LayerKind::Input) {
      out = impl->acquire(count);
      std::copy(input.data.begin(), input.data.end(), out.begin());
    } else {
      out = impl->acquire(count);
      const float *x = values[layer.inputs[0]].data();
      float *y = out.data();
      switch (layer.kind) {
      case LayerKind::Input:
        break;
      case LayerKind::Embedding: {
        const int64_t vocabulary =
            static_cast<int64_t>(layer.weight.size()) / H;
        const float *table = impl->weights[i].data();
        for (int64_t t = 0; t < B * L; ++t) {
          const float id = x[t];
          if (!isTokenId(id, vocabulary))
            throw std::out_of_range(fmt::format(
                "embedding '{}': token {} of sequence {} has id {}, not in "
                "[0, {})",
                layer.name, t % L, t / L, id, vocabulary));
          std::copy_n(table + static_cast<int64_t>(id) * H, H, y + t * H);
        }
        break;
      }
      case LayerKind::Dense:
        impl->dense(i, x, y, B);
        break;
      case LayerKind::S4D:
        impl->s4d(i, x, y, B);
        break;
      case LayerKind::EGRU:
        impl->egru(i, x, y, B);
        break;
      case LayerKind::Neuron:
        scanNeuronLayer(layer.neuronView(), x, y, B, L, threads);
        break;
      case LayerKind::Relu:
#pragma omp parallel for num_threads(threads) schedule(static)
        for (int64_t j = 0; j < count; ++j)
          y[j] = std::max(x[j], 0.0f);
        break;
      case LayerKind::Gelu:
#pragma omp parallel for num_threads(threads) schedule(static)
        for (int64_t j = 0; j < count; ++j)
          y[j] = 0.5f * x[j] * (1.0f + std::erf(x[j] * float(M_SQRT1_2)));
        break;
      case LayerKind::GLU:
#pragma omp parallel for num_threads(threads) schedule(static)
        for (int64_t t = 0; t < B * L; ++t)
          for (int64_t h = 0; h < H; ++h) {
            const float a = x[t * 2 * H + h], g = x[t * 2 * H + H + h];
            y[t * H + h] = a / (1.0f + std::exp(-g));
          }
        break;
      case LayerKind::Add: {
        const float *rhs = values[layer.inputs[1]].data();
#pragma omp parallel for num_threads(threads) schedule(static)
        for (int64_t j = 0; j < count; ++j)
          y[j] = x[j] + rhs[j];
        break;
      }
      case LayerKind::Readout:
#pragma omp parallel for num_threads(threads) schedule(static)
        for (int64_t bh = 0; bh < B * H; ++bh) {
          const int64_t b = bh / H, h = bh % H;
          const float *xs = x + b * L * H + h;
          float *ys = y + b * L * H + h;
          if (layer.readout == ReadoutMode::Last) {
            for (int64_t l = 0; l < L; ++l)
              ys[l * H] = xs[l * H];
          } else {
            double sum = 0;
            for (int64_t l = 0; l < L; ++l) {
              sum += xs[l * H];
              ys[l * H] = static_cast<float>(sum / static_cast<double>(l + 1));
            }
          }
        }
        break;
      }
    }
    if (observer)
      observer(i, out.data(), count);
    for (size_t j = 0; j < i; ++j)
      if (impl->lastUse[j] == i)
        impl->release(values[j]);
  }
  Batch result;
  result.batch = B;
  result.length = L;
  result.channels = model.outputChannels();
  const std::vector<float> &output = values[model.outputs.at(0)];
  result.data.assign(output.begin(), output.end());
  for (std::vector<float> &buffer : values)
    impl->release(buffer);
  return result;
}
