//===- Lexer.cpp - tokens of the ssmc model DSL ---------------------------===//

#include "ssm/Frontend/Lexer.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cctype>

using namespace ssm::dsl;

llvm::StringRef ssm::dsl::describe(TokenKind kind) {
  switch (kind) {
  case TokenKind::Eof:
    return "end of file";
  case TokenKind::Newline:
    return "end of line";
  case TokenKind::Identifier:
    return "a name";
  case TokenKind::Integer:
    return "an integer";
  case TokenKind::Float:
    return "a number";
  case TokenKind::String:
    return "a string";
  case TokenKind::LBrace:
    return "'{'";
  case TokenKind::RBrace:
    return "'}'";
  case TokenKind::LParen:
    return "'('";
  case TokenKind::RParen:
    return "')'";
  case TokenKind::Comma:
    return "','";
  case TokenKind::Colon:
    return "':'";
  case TokenKind::Equal:
    return "'='";
  case TokenKind::Minus:
    return "'-'";
  case TokenKind::Error:
    return "an invalid token";
  case TokenKind::KwModel:
    return "'model'";
  case TokenKind::KwInput:
    return "'input'";
  case TokenKind::KwOutput:
    return "'output'";
  case TokenKind::KwWeights:
    return "'weights'";
  case TokenKind::KwSeed:
    return "'seed'";
  case TokenKind::KwCalibration:
    return "'calibration'";
  case TokenKind::KwRepeat:
    return "'repeat'";
  case TokenKind::KwAs:
    return "'as'";
  }
  return "a token";
}

Lexer::Lexer(llvm::StringRef buffer)
    : cur(buffer.begin()), end(buffer.end()) {}

Token Lexer::make(TokenKind kind, const char *start) {
  Token token;
  token.kind = kind;
  token.spelling = llvm::StringRef(start, cur - start);
  token.loc = llvm::SMLoc::getFromPointer(start);
  return token;
}

Token Lexer::error(const char *start, std::string message) {
  Token token = make(TokenKind::Error, start);
  token.message = std::move(message);
  return token;
}

void Lexer::skipSpaceAndComments() {
  while (cur < end) {
    char c = *cur;
    if (c == ' ' || c == '\t' || c == '\r') {
      ++cur;
    } else if (c == '#' || (c == '/' && cur + 1 < end && cur[1] == '/')) {
      while (cur < end && *cur != '\n')
        ++cur;
    } else if (c == '\n' && parenDepth > 0) {
      ++cur;
    } else {
      return;
    }
  }
}

Token Lexer::next() {
  skipSpaceAndComments();
  const char *start = cur;
  if (cur >= end)
    return make(TokenKind::Eof, start);

  char c = *cur++;
  if (c == '\n') {
    // Fold blank lines and comment lines into one statement separator.
    while (true) {
      skipSpaceAndComments();
      if (cur < end && *cur == '\n')
        ++cur;
      else
        break;
    }
    return make(TokenKind::Newline, start);
  }
  if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
    while (cur < end && (std::isalnum(static_cast<unsigned char>(*cur)) ||
                         *cur == '_'))
      ++cur;
    llvm::StringRef word(start, cur - start);
    TokenKind kind = llvm::StringSwitch<TokenKind>(word)
                         .Case("model", TokenKind::KwModel)
                         .Case("input", TokenKind::KwInput)
                         .Case("output", TokenKind::KwOutput)
                         .Case("weights", TokenKind::KwWeights)
                         .Case("seed", TokenKind::KwSeed)
                         .Case("calibration", TokenKind::KwCalibration)
                         .Case("repeat", TokenKind::KwRepeat)
                         .Case("as", TokenKind::KwAs)
                         .Default(TokenKind::Identifier);
    return make(kind, start);
  }
  if (std::isdigit(static_cast<unsigned char>(c)) ||
      (c == '.' && cur < end && std::isdigit(static_cast<unsigned char>(*cur))))
    return lexNumber(start);
  switch (c) {
  case '"':
    return lexString(start);
  case '{':
    return make(TokenKind::LBrace, start);
  case '}':
    return make(TokenKind::RBrace, start);
  case '(':
    ++parenDepth;
    return make(TokenKind::LParen, start);
  case ')':
    if (parenDepth > 0)
      --parenDepth;
    return make(TokenKind::RParen, start);
  case ',':
    return make(TokenKind::Comma, start);
  case ':':
    return make(TokenKind::Colon, start);
  case '=':
    return make(TokenKind::Equal, start);
  case '-':
    return make(TokenKind::Minus, start);
  default:
    break;
  }
  std::string message;
  llvm::raw_string_ostream os(message);
  if (std::isprint(static_cast<unsigned char>(c)))
    os << "unexpected character '" << c << "'";
  else
    os << "unexpected byte " << llvm::format_hex(static_cast<uint8_t>(c), 4)
       << " (is this a text file?)";
  return error(start, message);
}

Token Lexer::lexNumber(const char *start) {
  auto digits = [&] {
    while (cur < end && std::isdigit(static_cast<unsigned char>(*cur)))
      ++cur;
  };
  cur = start;
  digits();
  bool isFloat = false;
  if (cur < end && *cur == '.') {
    isFloat = true;
    ++cur;
    digits();
  }
  if (cur < end && (*cur == 'e' || *cur == 'E')) {
    const char *exponent = cur++;
    if (cur < end && (*cur == '+' || *cur == '-'))
      ++cur;
    if (cur >= end || !std::isdigit(static_cast<unsigned char>(*cur))) {
      cur = exponent + 1;
      return error(start, "malformed number: exponent has no digits");
    }
    isFloat = true;
    digits();
  }
  if (cur < end && (std::isalpha(static_cast<unsigned char>(*cur)) ||
                    *cur == '_')) {
    while (cur < end && (std::isalnum(static_cast<unsigned char>(*cur)) ||
                         *cur == '_'))
      ++cur;
    return error(start, "malformed number '" +
                            std::string(start, cur - start) +
                            "' (names cannot start with a digit)");
  }
  return make(isFloat ? TokenKind::Float : TokenKind::Integer, start);
}

Token Lexer::lexString(const char *start) {
  while (cur < end && *cur != '"' && *cur != '\n') {
    if (*cur == '\\' && cur + 1 < end && cur[1] != '\n')
      ++cur;
    ++cur;
  }
  if (cur >= end || *cur != '"')
    return error(start, "unterminated string (a string ends on its line)");
  ++cur;
  Token token = make(TokenKind::String, start);
  token.spelling = token.spelling.drop_front().drop_back();
  return token;
}
