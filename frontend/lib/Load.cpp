//===- Load.cpp - read a model from a .ssm or .mlir file ------------------===//

#include "ssm/Frontend/Load.h"
#include "ssm/Frontend/NIR.h"
#include "ssm/Frontend/Parser.h"
#include "ssm/InitAllDialects.h"
#include "ssm/Runtime/InputFile.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;

/// The largest NIR file read (its datasets are limited again when read).
static constexpr uint64_t kMaxNIRBytes = uint64_t(4) << 30;

std::string ssm::dsl::modelBaseDir(llvm::StringRef path) {
  llvm::SmallString<256> dir(path == "-" ? llvm::StringRef(".") : path);
  llvm::sys::path::remove_filename(dir);
  return dir.empty() ? "." : std::string(dir);
}

/// Where a resource blob of `buffer` would make MLIR 19 misbehave, an
/// error printed through `sourceMgr` (which holds it) and false; true when
/// there is none. A blob in the file metadata (`{-# dialect_resources: ...
/// #-}`) whose leading 4-byte alignment is 0 makes the builtin dialect
/// allocate with alignment 0, an uncaught std::bad_alloc (MLIR checks only
/// that a non-zero alignment is a power of two).
static bool checkResourceBlobs(const llvm::MemoryBuffer &buffer,
                               llvm::SourceMgr &sourceMgr) {
  // Alignments MLIR itself writes are those of element types; 4 KiB leaves
  // room for any hand-written one without huge aligned allocations.
  constexpr uint32_t kMaxAlignment = 4096;
  llvm::StringRef text = buffer.getBuffer();
  for (size_t begin = text.find("{-#"); begin != llvm::StringRef::npos;
       begin = text.find("{-#", begin + 3)) {
    const size_t end = std::min(text.find("#-}", begin), text.size());
    llvm::StringRef metadata = text.slice(begin, end);
    for (size_t at = metadata.find("\"0x"); at != llvm::StringRef::npos;
         at = metadata.find("\"0x", at + 3)) {
      llvm::StringRef digits = metadata.substr(at + 3, 8);
      if (digits.size() < 8 || !llvm::all_of(digits, llvm::isHexDigit))
        continue; // not a blob MLIR would decode; its parser reports it
      uint32_t alignment = 0;
      for (int byte = 3; byte >= 0; --byte)
        alignment = alignment << 8 |
                    llvm::hexFromNibbles(digits[2 * byte], digits[2 * byte + 1]);
      if (alignment != 0 && llvm::isPowerOf2_32(alignment) &&
          alignment <= kMaxAlignment)
        continue;
      sourceMgr.PrintMessage(
          llvm::SMLoc::getFromPointer(metadata.data() + at),
          llvm::SourceMgr::DK_Error,
          "resource blob declares alignment " + llvm::Twine(alignment) +
              "; its first 4 bytes (little-endian) must be a power of two "
              "from 1 to " +
              llvm::Twine(kMaxAlignment));
      return false;
    }
  }
  return true;
}

/// When text[i] opens a string literal (which ends at its closing quote or
/// the line's end) or a `//` comment, the index of its last character;
/// otherwise i. The text checks below look only at code.
static size_t skipStringOrComment(llvm::StringRef text, size_t i) {
  if (text[i] == '"') {
    for (++i; i < text.size() && text[i] != '"' && text[i] != '\n'; ++i)
      if (text[i] == '\\')
        ++i;
    return std::min(i, text.size() - 1);
  }
  if (text[i] == '/' && i + 1 < text.size() && text[i + 1] == '/')
    return std::min(text.find('\n', i), text.size() - 1);
  return i;
}

/// Where `text` nests brackets deeper than MLIR's recursive-descent parser
/// can follow on the stack (`[[[[...` 8,000 deep overflowed it under ASan:
/// found by ssmc-fuzz-network), as an error through `sourceMgr`; true when
/// it does not. Counts ( [ { < against ) ] } > outside strings and `//`
/// comments; the `>` of `->` closes nothing.
static bool checkNesting(const llvm::MemoryBuffer &buffer,
                         llvm::SourceMgr &sourceMgr) {
  // Compiled networks nest about 8 deep (module, network, attribute
  // dictionaries, dense<[[...]]>, types); 256 is far from both.
  constexpr int kMaxNesting = 256;
  llvm::StringRef text = buffer.getBuffer();
  int depth = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (size_t end = skipStringOrComment(text, i); end != i) {
      i = end;
      continue;
    }
    const char c = text[i];
    if (c == '(' || c == '[' || c == '{' || c == '<') {
      if (++depth > kMaxNesting) {
        sourceMgr.PrintMessage(
            llvm::SMLoc::getFromPointer(text.data() + i),
            llvm::SourceMgr::DK_Error,
            "brackets nested deeper than " + llvm::Twine(kMaxNesting) +
                " levels; MLIR's parser recurses into each");
        return false;
      }
    } else if (c == ')' || c == ']' || c == '}' ||
               (c == '>' && (i == 0 || text[i - 1] != '-'))) {
      depth = std::max(depth - 1, 0);
    }
  }
  return true;
}

/// Where `text` has a `sparse<...>` elements literal, an error through
/// `sourceMgr`; true when it has none. MLIR 19's parser crashes on a
/// malformed one (Parser::parseSparseElementsAttr builds the attribute
/// from indices or values whose parse failed, then dereferences them:
/// found by the robustness campaign), and no ssmc reader takes one: nc's
/// sparse tables are dense tensors of entries and indices.
static bool checkNoSparseLiterals(const llvm::MemoryBuffer &buffer,
                                  llvm::SourceMgr &sourceMgr) {
  llvm::StringRef text = buffer.getBuffer();
  for (size_t i = 0; i < text.size(); ++i) {
    if (size_t end = skipStringOrComment(text, i); end != i) {
      i = end;
      continue;
    }
    if (text.substr(i).starts_with("sparse<") &&
        (i == 0 || !(llvm::isAlnum(text[i - 1]) || text[i - 1] == '_' ||
                     text[i - 1] == '.'))) {
      sourceMgr.PrintMessage(
          llvm::SMLoc::getFromPointer(text.data() + i),
          llvm::SourceMgr::DK_Error,
          "sparse<...> literals are not read by ssmc (MLIR 19's parser "
          "crashes on malformed ones); give tensors as dense<...> or "
          "dense_resource<...>");
      return false;
    }
  }
  return true;
}

std::unique_ptr<llvm::MemoryBuffer>
ssm::dsl::readSourceFile(llvm::StringRef path, bool isMLIR,
                         llvm::raw_ostream &errors) {
  if (path != "-") {
    uint64_t size = 0;
    const std::string problem =
        ssm::inputFileProblem(path.str(), ssm::kMaxSourceBytes, size);
    if (!problem.empty()) {
      llvm::WithColor::error(errors)
          << "model file '" << path << "' " << problem << "\n";
      return nullptr;
    }
  }
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> buffer = openInputFile(path, &error);
  if (!buffer) {
    llvm::WithColor::error(errors) << error << "\n";
    return nullptr;
  }
  return isMLIR ? guardMLIRText(std::move(buffer), errors) : std::move(buffer);
}

std::unique_ptr<llvm::MemoryBuffer>
ssm::dsl::guardMLIRText(std::unique_ptr<llvm::MemoryBuffer> buffer,
                        llvm::raw_ostream &errors) {
  // A string literal cut by the end of the file leaves MLIR's lexer past the
  // buffer's terminator (Lexer::lexString), reading beyond the buffer; a
  // final newline ends any string first.
  if (!buffer->getBuffer().ends_with("\n"))
    buffer = llvm::MemoryBuffer::getMemBufferCopy(
        buffer->getBuffer().str() + "\n", buffer->getBufferIdentifier());
  // The check prints through a SourceMgr of its own, so that the caller's
  // still gets the buffer when it is sound.
  llvm::SourceMgr checkMgr;
  checkMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBuffer(buffer->getMemBufferRef(),
                                       /*RequiresNullTerminator=*/false),
      llvm::SMLoc());
  checkMgr.setDiagHandler(
      [](const llvm::SMDiagnostic &diag, void *os) {
        diag.print(nullptr, *static_cast<llvm::raw_ostream *>(os));
      },
      &errors);
  if (!checkNesting(*buffer, checkMgr) ||
      !checkResourceBlobs(*buffer, checkMgr) ||
      !checkNoSparseLiterals(*buffer, checkMgr))
    return nullptr;
  return buffer;
}

bool ssm::dsl::addSourceFile(llvm::StringRef path, llvm::SourceMgr &sourceMgr,
                             llvm::raw_ostream &errors) {
  std::unique_ptr<llvm::MemoryBuffer> buffer =
      readSourceFile(path, isMLIRPath(path), errors);
  if (!buffer)
    return false;
  sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  return true;
}

bool ssm::dsl::isMLIRPath(llvm::StringRef path) {
  return path.ends_with(".mlir");
}

/// Loads the model in `sourceMgr`'s main buffer, named `path`.
static OwningOpRef<ModuleOp> loadModel(llvm::SourceMgr &sourceMgr,
                                       llvm::StringRef path,
                                       MLIRContext &context,
                                       const ssm::dsl::LoadOptions &options,
                                       llvm::raw_ostream &errors) {
  using namespace ssm::dsl;
  DialectRegistry registry;
  ssm::registerAllDialects(registry);
  context.appendDialectRegistry(registry);
  context.loadAllAvailableDialects();
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context, errors);

  if (isMLIRPath(path)) {
    OwningOpRef<ModuleOp> module =
        parseSourceFile<ModuleOp>(sourceMgr, &context);
    if (!module || failed(verify(*module)))
      return nullptr;
    return module;
  }
  Parser parser(sourceMgr, errors);
  std::unique_ptr<ModelAST> model = parser.parseModel();
  if (!model)
    return nullptr;
  MLIRGenOptions genOptions;
  genOptions.baseDir = modelBaseDir(path);
  genOptions.strictWeights = options.strictWeights;
  genOptions.initMissing = options.initMissing;
  return mlirGen(context, *model, sourceMgr, genOptions);
}

OwningOpRef<ModuleOp> ssm::dsl::loadModelFile(llvm::StringRef path,
                                              MLIRContext &context,
                                              const LoadOptions &options,
                                              llvm::raw_ostream &errors) {
  if (isNIRPath(path)) {
    uint64_t size = 0;
    const std::string problem =
        ssm::inputFileProblem(path.str(), kMaxNIRBytes, size);
    if (!problem.empty()) {
      llvm::WithColor::error(errors)
          << "NIR file '" << path << "' " << problem << "\n";
      return nullptr;
    }
    llvm::SourceMgr sourceMgr;
    SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context, errors);
    return importNIR(path, context, NIRImportOptions{options.nirDt}, errors);
  }
  llvm::SourceMgr sourceMgr;
  if (!addSourceFile(path, sourceMgr, errors))
    return nullptr;
  return loadModel(sourceMgr, path, context, options, errors);
}

OwningOpRef<ModuleOp> ssm::dsl::loadModelText(llvm::StringRef text,
                                              llvm::StringRef name,
                                              MLIRContext &context,
                                              const LoadOptions &options,
                                              llvm::raw_ostream &errors) {
  if (text.size() > ssm::kMaxSourceBytes) {
    llvm::WithColor::error(errors)
        << "model text '" << name << "' has " << text.size()
        << " bytes, more than the " << ssm::kMaxSourceBytes
        << " a model source may have\n";
    return nullptr;
  }
  std::unique_ptr<llvm::MemoryBuffer> buffer =
      llvm::MemoryBuffer::getMemBufferCopy(text, name);
  if (isMLIRPath(name))
    buffer = guardMLIRText(std::move(buffer), errors);
  if (!buffer)
    return nullptr;
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  return loadModel(sourceMgr, name, context, options, errors);
}
