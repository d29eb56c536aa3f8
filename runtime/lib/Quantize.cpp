//===- Quantize.cpp - post-training quantization for the loihi2 target ----===//
//
// Formulas and their sources in Quantize.h.
//
//===----------------------------------------------------------------------===//

#include "ssm/Runtime/Quantize.h"

#include "ssm/Runtime/ConvExecutor.h"
#include "ssm/Runtime/Reference.h"

#include <algorithm>
#include <cmath>
#include <optional>

using namespace ssm::rt;
using namespace ssm::rt::quant;

Calibration ssm::rt::quant::calibrate(const Model &model,
                                     const std::vector<const float *> &samples,
                                     int64_t length, int threads,
                                     size_t stateSamples,
                                     unsigned messageBits,
                                     size_t sqnrSamples) {
  const size_t layers = model.layers.size();
  Calibration result{std::vector<double>(layers, 0.0), {}, {}};
  const int64_t span = length * model.inputChannels();
  const int64_t batch = std::min<int64_t>(64, std::max<size_t>(samples.size(), 1));
  ConvOptions options;
  options.threads = threads;
  ConvExecutor executor(model, length, batch, options);
  for (size_t first = 0; first < samples.size(); first += batch) {
    Batch input;
    input.batch = std::min<int64_t>(batch, samples.size() - first);
    input.length = length;
    input.channels = model.inputChannels();
    for (int64_t b = 0; b < input.batch; ++b)
      input.data.insert(input.data.end(), samples[first + b],
                        samples[first + b] + span);
    executor.run(input, [&](size_t layer, const float *values, int64_t count) {
      double &m = result.outputs[layer];
      for (int64_t j = 0; j < count; ++j)
        m = std::max(m, static_cast<double>(std::abs(values[j])));
    });
  }
  std::optional<SqnrRequest> sqnr;
  if (messageBits > 0) {
    sqnr.emplace();
    sqnr->bits = messageBits;
    sqnr->samples = sqnrSamples;
    for (double maxAbs : result.outputs)
      sqnr->fracs.push_back(activationFrac(maxAbs, messageBits));
  }
  ReferenceRanges ranges =
      measureReference(model, samples, length, stateSamples,
                       sqnr ? &*sqnr : nullptr, threads);
  result.states = std::move(ranges.stateMaxAbs);
  result.sqnrDb = std::move(ranges.sqnrDb);
  return result;
}

int ssm::rt::quant::activationFrac(double maxAbs, unsigned bits) {
  return fixed::formatFor(2.0 * maxAbs, bits).frac;
}

TableWeights ssm::rt::quant::quantizeTable(const std::vector<double> &w,
                                           int fracSrc, int fracDst,
                                           unsigned weightBits,
                                           int minExponent, int maxExponent) {
  std::vector<double> scaled(w.size());
  for (size_t i = 0; i < w.size(); ++i)
    scaled[i] = std::ldexp(w[i], fracDst - fracSrc);
  fixed::SharedExponentWeights q =
      fixed::quantizeWeights(scaled, weightBits, minExponent, maxExponent);
  return {std::move(q.q), q.exponent};
}

S4DModeParams
ssm::rt::quant::quantizeS4DModes(const S4DDiscrete &discrete,
                                 const std::vector<std::complex<double>> &c,
                                 unsigned bits) {
  // Splits v * scale into integer re and im parts of one shared format.
  auto split = [&](const std::vector<std::complex<double>> &v, double scale,
                   std::vector<int64_t> &re, std::vector<int64_t> &im) {
    double maxAbs = 0;
    for (const std::complex<double> &z : v)
      maxAbs = std::max({maxAbs, std::abs(z.real() * scale),
                         std::abs(z.imag() * scale)});
    const fixed::Format format = fixed::formatFor(maxAbs, bits);
    for (const std::complex<double> &z : v) {
      re.push_back(fixed::quantize(z.real() * scale, format));
      im.push_back(fixed::quantize(z.imag() * scale, format));
    }
    return format.frac;
  };
  S4DModeParams p;
  p.aFrac = split(discrete.aBar, 1.0, p.aRe, p.aIm);
  p.bFrac = split(discrete.bBar, 1.0, p.bRe, p.bIm);
  p.cFrac = split(c, 2.0, p.cRe, p.cIm);
  return p;
}

int ssm::rt::quant::s4dModeFrac(double inputMax, double stateMax,
                                double maxTwoC, unsigned bits) {
  return std::min({activationFrac(inputMax, bits),
                   activationFrac(stateMax, bits),
                   activationFrac(maxTwoC * stateMax, bits)});
}

std::vector<int64_t>
ssm::rt::quant::quantizeValues(const std::vector<double> &values, int frac,
                               unsigned bits) {
  std::vector<int64_t> q;
  q.reserve(values.size());
  for (double v : values)
    q.push_back(fixed::quantize(v, {bits, frac}));
  return q;
}
