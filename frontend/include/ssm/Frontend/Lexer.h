//===- Lexer.h - tokens of the ssmc model DSL -------------------*- C++ -*-===//
//
// A hand-written lexer (Toy's pattern) over a buffer owned by an
// llvm::SourceMgr, so that every token has an SMLoc that diagnostics turn
// into file:line:col with the source line and a caret. Statements end at a
// newline, except inside parentheses.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_FRONTEND_LEXER_H
#define SSM_FRONTEND_LEXER_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"

#include <string>

namespace ssm::dsl {

enum class TokenKind {
  Eof,
  Newline,
  Identifier,
  Integer,
  Float,
  String,
  LBrace,
  RBrace,
  LParen,
  RParen,
  Comma,
  Colon,
  Equal,
  Minus,
  Error, // the lexer's message is in Token::message
  // Keywords.
  KwModel,
  KwInput,
  KwOutput,
  KwWeights,
  KwSeed,
  KwCalibration,
  KwRepeat,
  KwAs,
};

/// Human-readable name of a token kind, for "expected X, got Y" messages.
llvm::StringRef describe(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::Eof;
  /// The token's spelling in the buffer (for strings: without the quotes,
  /// escapes not yet resolved).
  llvm::StringRef spelling;
  llvm::SMLoc loc;
  /// For Error tokens: what is wrong.
  std::string message;

  bool is(TokenKind k) const { return kind == k; }
};

class Lexer {
public:
  /// Lexes `buffer`, which must outlive the lexer (a SourceMgr buffer).
  explicit Lexer(llvm::StringRef buffer);

  /// Returns the next token; Eof forever once the buffer is exhausted.
  /// Consecutive newlines (and comments) fold into one Newline token;
  /// newlines inside parentheses are skipped.
  Token next();

private:
  Token make(TokenKind kind, const char *start);
  Token error(const char *start, std::string message);
  Token lexNumber(const char *start);
  Token lexString(const char *start);
  void skipSpaceAndComments();

  const char *cur;
  const char *end;
  int parenDepth = 0;
};

} // namespace ssm::dsl

#endif // SSM_FRONTEND_LEXER_H
