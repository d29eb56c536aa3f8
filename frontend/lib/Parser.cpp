//===- Parser.cpp - recursive-descent parser of the model DSL -------------===//
//
// Grammar (docs/dsl.md has the reference with examples):
//
//   file      := NL* 'model' NAME '{' body '}' NL* EOF
//   body      := (statement? NL)*
//   statement := 'input' NAME ':' (INT | 'tokens' '(' INT ')')
//              | 'weights' STRING | 'seed' INT          (top level only)
//              | 'calibration' STRING                   (top level only)
//              | 'output' NAME (',' NAME)*
//              | 'repeat' INT 'as' NAME '{' body '}'
//              | NAME '=' NAME                          (alias)
//              | NAME '=' NAME '(' [arg (',' arg)*] ')' (layer)
//   arg       := [NAME '='] value
//   value     := NAME | STRING | ['-'] (INT | FLOAT)
//
//===----------------------------------------------------------------------===//

#include "ssm/Frontend/Parser.h"

#include "llvm/ADT/StringExtras.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

using namespace ssm::dsl;
using llvm::SMLoc;

Parser::Parser(llvm::SourceMgr &sourceMgr, llvm::raw_ostream &os)
    : sourceMgr(sourceMgr), os(os),
      lexer(sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID())
                ->getBuffer()) {
  consume();
}

void Parser::consume() {
  tok = lexer.next();
  // Lexical errors are reported once, where they occur; the parser then
  // sees an Error token and recovers like after any syntax error.
  if (tok.is(TokenKind::Error))
    error(tok.loc, tok.message);
}

void Parser::error(SMLoc loc, const llvm::Twine &message) {
  if (numErrors < kMaxErrors)
    sourceMgr.PrintMessage(os, loc, llvm::SourceMgr::DK_Error, message);
  if (++numErrors == kMaxErrors)
    os << "error: too many errors; stopping\n";
}

void Parser::note(SMLoc loc, const llvm::Twine &message) {
  if (numErrors <= kMaxErrors)
    sourceMgr.PrintMessage(os, loc, llvm::SourceMgr::DK_Note, message);
}

void Parser::errorExpected(llvm::StringRef what) {
  // An Error token was already reported by consume().
  if (tok.is(TokenKind::Error))
    return;
  error(tok.loc, "expected " + what + ", got " + describe(tok.kind));
}

bool Parser::expect(TokenKind kind, llvm::StringRef what) {
  if (tok.is(kind)) {
    consume();
    return true;
  }
  errorExpected(what);
  return false;
}

void Parser::skipNewlines() {
  while (tok.is(TokenKind::Newline))
    consume();
}

void Parser::skipToNextStatement() {
  // Skip the rest of the line; a '{' opened on it is skipped with its body so
  // that a broken `repeat` header does not derail the enclosing block.
  unsigned braces = 0;
  while (!tok.is(TokenKind::Eof)) {
    if (tok.is(TokenKind::LBrace))
      ++braces;
    else if (tok.is(TokenKind::RBrace)) {
      if (braces == 0)
        return; // the enclosing block's '}'
      --braces;
    } else if (tok.is(TokenKind::Newline) && braces == 0) {
      return;
    }
    consume();
  }
}

bool Parser::endOfStatement() {
  if (tok.is(TokenKind::Newline) || tok.is(TokenKind::RBrace) ||
      tok.is(TokenKind::Eof))
    return true;
  errorExpected("end of line after the statement");
  return false;
}

std::unique_ptr<ModelAST> Parser::parseModel() {
  skipNewlines();
  auto model = std::make_unique<ModelAST>();
  model->loc = tok.loc;
  if (!tok.is(TokenKind::KwModel)) {
    errorExpected("'model NAME { ... }' at the start of the file");
    return nullptr;
  }
  consume();
  if (!tok.is(TokenKind::Identifier)) {
    errorExpected("the model's name after 'model'");
    return nullptr;
  }
  model->name = tok.spelling.str();
  consume();
  SMLoc openLoc = tok.loc;
  if (!expect(TokenKind::LBrace, "'{' to open the model's body"))
    return nullptr;
  parseBody(model->body, openLoc, /*topLevel=*/true);
  if (tooManyErrors())
    return nullptr;
  if (!tok.is(TokenKind::RBrace)) {
    error(tok.loc, "expected '}' to close model '" + model->name + "'");
    note(openLoc, "the model's body opens here");
    return nullptr;
  }
  consume();
  skipNewlines();
  if (!tok.is(TokenKind::Eof))
    errorExpected("end of file after the model (one model per file)");
  return numErrors ? nullptr : std::move(model);
}

void Parser::parseBody(StmtList &body, SMLoc openLoc, bool topLevel) {
  while (!tooManyErrors()) {
    skipNewlines();
    if (tok.is(TokenKind::RBrace) || tok.is(TokenKind::Eof))
      return;
    std::unique_ptr<StmtAST> stmt = parseStatement(topLevel);
    if (stmt && endOfStatement()) {
      body.push_back(std::move(stmt));
      continue;
    }
    skipToNextStatement();
  }
}

std::unique_ptr<StmtAST> Parser::parseStatement(bool topLevel) {
  switch (tok.kind) {
  case TokenKind::KwInput:
    return parseInput();
  case TokenKind::KwOutput:
    return parseOutput();
  case TokenKind::KwRepeat:
    return parseRepeat();
  case TokenKind::KwWeights:
  case TokenKind::KwSeed:
  case TokenKind::KwCalibration:
    if (!topLevel) {
      error(tok.loc, "'" + tok.spelling +
                         "' is only allowed at the top level of a model");
      return nullptr;
    }
    if (tok.is(TokenKind::KwWeights))
      return parseWeights();
    return tok.is(TokenKind::KwSeed) ? parseSeed() : parseCalibration();
  case TokenKind::Identifier:
    return parseAssignment();
  default:
    errorExpected("a statement ('input', 'output', 'repeat', 'weights', "
                  "'seed', 'calibration' or 'NAME = ...')");
    return nullptr;
  }
}

bool Parser::parseInteger(int64_t &value, llvm::StringRef what) {
  if (!tok.is(TokenKind::Integer)) {
    errorExpected(what);
    return false;
  }
  if (tok.spelling.getAsInteger(10, value)) {
    error(tok.loc, "integer '" + tok.spelling + "' is too large");
    return false;
  }
  consume();
  return true;
}

std::unique_ptr<StmtAST> Parser::parseInput() {
  SMLoc loc = tok.loc;
  consume();
  if (!tok.is(TokenKind::Identifier)) {
    errorExpected("the input's name after 'input'");
    return nullptr;
  }
  std::string name = tok.spelling.str();
  consume();
  int64_t channels;
  if (!expect(TokenKind::Colon, "':' and the channel count, as in "
                                "'input pixels : 1'"))
    return nullptr;
  if (tok.is(TokenKind::Identifier) && tok.spelling == "tokens") {
    // A token stream: one channel holding the id of a word of V.
    consume();
    int64_t vocabulary;
    if (!expect(TokenKind::LParen, "'(' and the vocabulary size, as in "
                                   "'input words : tokens(10000)'") ||
        !parseInteger(vocabulary, "the vocabulary size") ||
        !expect(TokenKind::RParen, "')' after the vocabulary size"))
      return nullptr;
    return std::make_unique<InputStmtAST>(loc, std::move(name), 1, vocabulary);
  }
  if (!parseInteger(channels, "the input's channel count, or tokens(V)"))
    return nullptr;
  return std::make_unique<InputStmtAST>(loc, std::move(name), channels);
}

std::unique_ptr<StmtAST> Parser::parseWeights() {
  SMLoc loc = tok.loc;
  consume();
  if (!tok.is(TokenKind::String)) {
    errorExpected("the weights file as a quoted path, as in "
                  "'weights \"model.h5\"'");
    return nullptr;
  }
  std::string path = tok.spelling.str();
  consume();
  return std::make_unique<WeightsStmtAST>(loc, std::move(path));
}

std::unique_ptr<StmtAST> Parser::parseSeed() {
  SMLoc loc = tok.loc;
  consume();
  int64_t seed;
  if (!parseInteger(seed, "the initialization seed (an integer)"))
    return nullptr;
  return std::make_unique<SeedStmtAST>(loc, static_cast<uint64_t>(seed));
}

std::unique_ptr<StmtAST> Parser::parseCalibration() {
  SMLoc loc = tok.loc;
  consume();
  if (!tok.is(TokenKind::String)) {
    errorExpected("the calibration data spec as a quoted string, as in "
                  "'calibration \"mnist:train\"'");
    return nullptr;
  }
  std::string spec = tok.spelling.str();
  consume();
  return std::make_unique<CalibrationStmtAST>(loc, std::move(spec));
}

std::unique_ptr<StmtAST> Parser::parseOutput() {
  auto stmt = std::make_unique<OutputStmtAST>(tok.loc);
  consume();
  do {
    std::optional<ValueAST> name = parseName("the name of a stream to output");
    if (!name)
      return nullptr;
    stmt->names.push_back(std::move(*name));
  } while (tok.is(TokenKind::Comma) && (consume(), true));
  return stmt;
}

std::unique_ptr<StmtAST> Parser::parseRepeat() {
  SMLoc loc = tok.loc;
  consume();
  int64_t count;
  if (!parseInteger(count, "the repeat count, as in 'repeat 4 as block { ... }'"))
    return nullptr;
  if (!expect(TokenKind::KwAs, "'as' and a name prefix for the repeated "
                               "layers, as in 'repeat 4 as block { ... }'"))
    return nullptr;
  if (!tok.is(TokenKind::Identifier)) {
    errorExpected("a name prefix after 'as'");
    return nullptr;
  }
  auto stmt = std::make_unique<RepeatStmtAST>(loc, count, tok.spelling.str());
  consume();
  SMLoc openLoc = tok.loc;
  if (!expect(TokenKind::LBrace, "'{' to open the repeated block"))
    return nullptr;
  if (repeatDepth == kMaxRepeatDepth) {
    // Bounded before recursing: a file nested thousands deep would
    // otherwise overflow the stack.
    error(loc, "'repeat' blocks nested deeper than " +
                   llvm::Twine(kMaxRepeatDepth) + " levels");
    for (unsigned open = 1; open && !tok.is(TokenKind::Eof); consume())
      open += tok.is(TokenKind::LBrace) ? 1 : tok.is(TokenKind::RBrace) ? -1 : 0;
    return nullptr;
  }
  ++repeatDepth;
  parseBody(stmt->body, openLoc, /*topLevel=*/false);
  --repeatDepth;
  if (!tok.is(TokenKind::RBrace)) {
    if (!tooManyErrors()) {
      error(tok.loc, "expected '}' to close the repeat block");
      note(openLoc, "the block opens here");
    }
    return nullptr;
  }
  consume();
  return stmt;
}

std::optional<ValueAST> Parser::parseName(llvm::StringRef what) {
  if (!tok.is(TokenKind::Identifier)) {
    errorExpected(what);
    return std::nullopt;
  }
  ValueAST name;
  name.text = tok.spelling.str();
  name.loc = tok.loc;
  consume();
  return name;
}

bool Parser::parseValue(ValueAST &value) {
  value.loc = tok.loc;
  bool negative = false;
  if (tok.is(TokenKind::Minus)) {
    negative = true;
    consume();
    if (!tok.is(TokenKind::Integer) && !tok.is(TokenKind::Float)) {
      errorExpected("a number after '-'");
      return false;
    }
  }
  switch (tok.kind) {
  case TokenKind::Identifier:
    value.kind = ValueAST::Kind::Identifier;
    value.text = tok.spelling.str();
    break;
  case TokenKind::String:
    value.kind = ValueAST::Kind::String;
    value.text = tok.spelling.str();
    break;
  case TokenKind::Integer: {
    value.kind = ValueAST::Kind::Integer;
    if (tok.spelling.getAsInteger(10, value.intValue)) {
      error(tok.loc, "integer '" + tok.spelling + "' is too large");
      return false;
    }
    if (negative)
      value.intValue = -value.intValue;
    value.floatValue = static_cast<double>(value.intValue);
    break;
  }
  case TokenKind::Float: {
    value.kind = ValueAST::Kind::Float;
    std::string text = tok.spelling.str();
    errno = 0;
    value.floatValue = std::strtod(text.c_str(), nullptr);
    if (errno == ERANGE || !std::isfinite(value.floatValue)) {
      error(tok.loc, "number '" + tok.spelling + "' is out of range");
      return false;
    }
    if (negative)
      value.floatValue = -value.floatValue;
    break;
  }
  default:
    errorExpected("a value (a name, a number or a string)");
    return false;
  }
  consume();
  return true;
}

std::unique_ptr<StmtAST> Parser::parseAssignment() {
  SMLoc loc = tok.loc;
  std::string name = tok.spelling.str();
  consume();
  if (!expect(TokenKind::Equal, "'=' after '" + name + "' (statements are "
                                "'NAME = layer(...)')"))
    return nullptr;
  std::optional<ValueAST> target =
      parseName("a layer kind or a stream name after '='");
  if (!target)
    return nullptr;
  if (!tok.is(TokenKind::LParen))
    return std::make_unique<AliasStmtAST>(loc, std::move(name),
                                          std::move(*target));

  auto layer = std::make_unique<LayerStmtAST>(loc, std::move(name),
                                              target->text, target->loc);
  SMLoc openLoc = tok.loc;
  consume();
  while (!tok.is(TokenKind::RParen)) {
    ArgAST arg;
    if (tok.is(TokenKind::Identifier)) {
      // `key = value` or a positional name.
      Token first = tok;
      consume();
      if (tok.is(TokenKind::Equal)) {
        consume();
        arg.key = first.spelling.str();
        arg.keyLoc = first.loc;
        if (!parseValue(arg.value))
          return nullptr;
      } else {
        arg.value.kind = ValueAST::Kind::Identifier;
        arg.value.text = first.spelling.str();
        arg.value.loc = first.loc;
      }
    } else if (!parseValue(arg.value)) {
      return nullptr;
    }
    if (layer->args.size() == kMaxArguments) {
      error(arg.value.loc, "'" + layer->kindName + "' has more than " +
                               llvm::Twine(kMaxArguments) + " arguments");
      return nullptr;
    }
    layer->args.push_back(std::move(arg));
    if (tok.is(TokenKind::Comma)) {
      consume();
      continue;
    }
    if (!tok.is(TokenKind::RParen)) {
      if (tok.is(TokenKind::Eof)) {
        error(tok.loc, "expected ')' to close the arguments of '" +
                           layer->kindName + "'");
        note(openLoc, "the arguments open here");
      } else {
        errorExpected("',' or ')' in the arguments of '" + layer->kindName +
                      "'");
        note(openLoc, "the arguments open here");
      }
      return nullptr;
    }
  }
  consume();
  return layer;
}
