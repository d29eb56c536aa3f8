//===- Parser.h - recursive-descent parser of the model DSL -----*- C++ -*-===//
//
// Parses one model file into a ModelAST. Syntax errors are printed through
// the SourceMgr (file:line:col, source line, caret); the parser recovers at
// the next statement so that one run reports several errors, up to a limit.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_FRONTEND_PARSER_H
#define SSM_FRONTEND_PARSER_H

#include "ssm/Frontend/AST.h"
#include "ssm/Frontend/Lexer.h"

#include "llvm/Support/SourceMgr.h"

#include <memory>
#include <optional>

namespace ssm::dsl {

class Parser {
public:
  /// Parses the main buffer of `sourceMgr`; diagnostics go to `os`.
  Parser(llvm::SourceMgr &sourceMgr, llvm::raw_ostream &os);

  /// Returns the model, or null when there were syntax errors.
  std::unique_ptr<ModelAST> parseModel();

  /// Errors printed before the parser gives up on a file.
  static constexpr unsigned kMaxErrors = 20;
  /// The deepest nesting of `repeat` blocks (the parser recurses into each).
  static constexpr unsigned kMaxRepeatDepth = 64;
  /// The most arguments one layer call takes.
  static constexpr unsigned kMaxArguments = 256;

private:
  void consume();
  bool expect(TokenKind kind, llvm::StringRef what);
  void error(llvm::SMLoc loc, const llvm::Twine &message);
  void errorExpected(llvm::StringRef what);
  void note(llvm::SMLoc loc, const llvm::Twine &message);
  bool tooManyErrors() const { return numErrors >= kMaxErrors; }

  void parseBody(StmtList &body, llvm::SMLoc openLoc, bool topLevel);
  std::unique_ptr<StmtAST> parseStatement(bool topLevel);
  std::unique_ptr<StmtAST> parseInput();
  std::unique_ptr<StmtAST> parseWeights();
  std::unique_ptr<StmtAST> parseSeed();
  std::unique_ptr<StmtAST> parseCalibration();
  std::unique_ptr<StmtAST> parseOutput();
  std::unique_ptr<StmtAST> parseRepeat();
  std::unique_ptr<StmtAST> parseAssignment();
  bool parseValue(ValueAST &value);
  /// A name token as an identifier value, or an error naming `what`.
  std::optional<ValueAST> parseName(llvm::StringRef what);
  bool parseInteger(int64_t &value, llvm::StringRef what);
  bool endOfStatement();
  void skipToNextStatement();
  void skipNewlines();

  llvm::SourceMgr &sourceMgr;
  llvm::raw_ostream &os;
  Lexer lexer;
  Token tok;
  unsigned numErrors = 0;
  unsigned repeatDepth = 0;
};

} // namespace ssm::dsl

#endif // SSM_FRONTEND_PARSER_H
