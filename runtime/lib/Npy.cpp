//===- Npy.cpp - NumPy .npy files -----------------------------------------===//

#include "ssm/Runtime/Npy.h"
#include "ssm/Runtime/InputFile.h"

#include <fmt/format.h>

#include <climits>
#include <cstring>
#include <fstream>

using namespace ssm::rt;

int64_t NpyArray::numElements() const {
  int64_t count = 1;
  for (int64_t d : shape)
    count *= d; // readNpy checked that the product fits
  return count;
}

namespace {
template <typename T> void convert(const std::vector<char> &bytes,
                                   std::vector<double> &out) {
  const size_t count = bytes.size() / sizeof(T);
  out.resize(count);
  for (size_t i = 0; i < count; ++i) {
    T value;
    std::memcpy(&value, bytes.data() + i * sizeof(T), sizeof(T));
    out[i] = static_cast<double>(value);
  }
}

size_t itemSize(const std::string &dtype) {
  return static_cast<size_t>(std::stoi(dtype.substr(1)));
}

/// The text after `'key':` in a header dict, trimmed, up to the next
/// top-level comma or the closing brace.
std::string headerValue(const std::string &header, const std::string &key,
                        const std::string &path, size_t headerOffset) {
  size_t pos = header.find("'" + key + "'");
  if (pos == std::string::npos)
    throw DataError(fmt::format("{}: offset {}: .npy header has no '{}' entry",
                                path, headerOffset, key));
  pos = header.find(':', pos);
  size_t end = pos + 1;
  int depth = 0;
  for (; end < header.size(); ++end) {
    char c = header[end];
    if (c == '(')
      ++depth;
    else if (c == ')')
      --depth;
    else if ((c == ',' && depth == 0) || (c == '}' && depth == 0))
      break;
  }
  std::string value = header.substr(pos + 1, end - pos - 1);
  size_t first = value.find_first_not_of(" \t");
  size_t last = value.find_last_not_of(" \t");
  return first == std::string::npos ? "" : value.substr(first, last - first + 1);
}
} // namespace

std::vector<double> NpyArray::toDouble() const {
  std::vector<double> out;
  if (dtype == "f4")
    convert<float>(bytes, out);
  else if (dtype == "f8")
    convert<double>(bytes, out);
  else if (dtype == "i1")
    convert<int8_t>(bytes, out);
  else if (dtype == "u1")
    convert<uint8_t>(bytes, out);
  else if (dtype == "i2")
    convert<int16_t>(bytes, out);
  else if (dtype == "u2")
    convert<uint16_t>(bytes, out);
  else if (dtype == "i4")
    convert<int32_t>(bytes, out);
  else if (dtype == "u4")
    convert<uint32_t>(bytes, out);
  else if (dtype == "i8")
    convert<int64_t>(bytes, out);
  else if (dtype == "u8")
    convert<uint64_t>(bytes, out);
  return out;
}

NpyArray ssm::rt::readNpy(const std::string &path) {
  std::vector<char> content;
  const std::string problem =
      ssm::readInputFile(path, ssm::kMaxDataBytes, content);
  if (!problem.empty())
    throw DataError(fmt::format("{} {}", path, problem));
  static const char magic[] = "\x93NUMPY";
  if (content.size() < 10 || std::memcmp(content.data(), magic, 6) != 0)
    throw DataError(fmt::format("{}: offset 0: not a NumPy .npy file (bad "
                                "magic)",
                                path));
  const unsigned major = static_cast<unsigned char>(content[6]);
  size_t headerLength, headerOffset;
  if (major == 1) {
    headerLength = static_cast<unsigned char>(content[8]) |
                   static_cast<unsigned char>(content[9]) << 8;
    headerOffset = 10;
  } else if (major == 2 || major == 3) {
    if (content.size() < 12)
      throw DataError(fmt::format("{}: offset 8: truncated .npy header", path));
    uint32_t length;
    std::memcpy(&length, content.data() + 8, 4);
    headerLength = length;
    headerOffset = 12;
  } else {
    throw DataError(fmt::format("{}: offset 6: unsupported .npy version {}",
                                path, major));
  }
  if (content.size() < headerOffset + headerLength)
    throw DataError(fmt::format("{}: offset {}: truncated .npy header ({} "
                                "bytes announced, {} present)",
                                path, headerOffset, headerLength,
                                content.size() - headerOffset));
  std::string header(content.data() + headerOffset, headerLength);

  NpyArray array;
  std::string descr = headerValue(header, "descr", path, headerOffset);
  if (descr.size() < 4 || descr.front() != '\'' || descr.back() != '\'')
    throw DataError(fmt::format("{}: offset {}: malformed dtype {}", path,
                                headerOffset, descr));
  descr = descr.substr(1, descr.size() - 2);
  const char order = descr[0];
  array.dtype = descr.substr(1);
  static const char *supported[] = {"f4", "f8", "i1", "u1", "i2", "u2",
                                    "i4", "u4", "i8", "u8"};
  bool known = false;
  for (const char *s : supported)
    known |= array.dtype == s;
  if (!known || order == '>' || (order != '<' && order != '|'))
    throw DataError(fmt::format(
        "{}: offset {}: unsupported dtype '{}' (expected little-endian "
        "float32/64 or an integer type)",
        path, headerOffset, descr));
  if (headerValue(header, "fortran_order", path, headerOffset) != "False")
    throw DataError(fmt::format("{}: offset {}: Fortran-ordered arrays are not "
                                "supported; save with np.ascontiguousarray",
                                path, headerOffset));
  std::string shape = headerValue(header, "shape", path, headerOffset);
  if (shape.size() < 2 || shape.front() != '(' || shape.back() != ')')
    throw DataError(fmt::format("{}: offset {}: malformed shape {}", path,
                                headerOffset, shape));
  size_t pos = 1;
  while (pos < shape.size() - 1) {
    while (pos < shape.size() - 1 && (shape[pos] == ' ' || shape[pos] == ','))
      ++pos;
    if (pos >= shape.size() - 1)
      break;
    size_t used = 0;
    long long dim;
    try {
      dim = std::stoll(shape.substr(pos), &used);
    } catch (const std::exception &) {
      throw DataError(fmt::format("{}: offset {}: malformed shape {}", path,
                                  headerOffset, shape));
    }
    if (dim < 0)
      throw DataError(fmt::format("{}: offset {}: negative dimension in shape "
                                  "{}",
                                  path, headerOffset, shape));
    array.shape.push_back(dim);
    pos += used;
  }
  const size_t dataOffset = headerOffset + headerLength;
  const size_t present = content.size() - dataOffset;
  // The product is checked for overflow: a declared (2^62, 4) would wrap
  // to 0 bytes and match an empty payload.
  uint64_t expected = itemSize(array.dtype);
  for (int64_t d : array.shape)
    if (__builtin_mul_overflow(expected, static_cast<uint64_t>(d), &expected) ||
        expected > static_cast<uint64_t>(INT64_MAX))
      throw DataError(fmt::format("{}: offset {}: shape {} of dtype {} "
                                  "declares more bytes than any file holds "
                                  "({} present)",
                                  path, headerOffset, shape, array.dtype,
                                  present));
  if (present != expected)
    throw DataError(fmt::format(
        "{}: offset {}: holds {} bytes of data, expected {} for shape {} of "
        "dtype {}",
        path, dataOffset, present, expected, shape, array.dtype));
  array.bytes.assign(content.begin() + dataOffset, content.end());
  return array;
}

void ssm::rt::writeNpy(const std::string &path,
                       const std::vector<int64_t> &shape, const float *data) {
  std::string dims;
  for (int64_t d : shape)
    dims += std::to_string(d) + ",";
  if (shape.size() > 1)
    dims.pop_back();
  std::string header =
      fmt::format("{{'descr': '<f4', 'fortran_order': False, 'shape': ({}), }}",
                  dims);
  // Pad so that the data starts on a 64-byte boundary; end with '\n'.
  const size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');
  std::ofstream file(path, std::ios::binary);
  if (!file)
    throw DataError(fmt::format("{}: cannot write ({})", path,
                                std::strerror(errno)));
  file.write("\x93NUMPY\x01\x00", 8);
  const uint16_t length = static_cast<uint16_t>(header.size());
  file.write(reinterpret_cast<const char *>(&length), 2);
  file.write(header.data(), header.size());
  int64_t count = 1;
  for (int64_t d : shape)
    count *= d;
  file.write(reinterpret_cast<const char *>(data), count * sizeof(float));
  file.close(); // flushes: a full disk shows here, not in write()
  if (!file)
    throw DataError(fmt::format("{}: write failed ({})", path,
                                std::strerror(errno)));
}
