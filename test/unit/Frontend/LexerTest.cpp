//===- LexerTest.cpp - tokens of the model DSL ----------------------------===//

#include "ssm/Frontend/Lexer.h"

#include <gtest/gtest.h>

#include <vector>

using namespace ssm::dsl;

namespace {
std::vector<TokenKind> kinds(llvm::StringRef text) {
  Lexer lexer(text);
  std::vector<TokenKind> result;
  for (Token tok = lexer.next(); !tok.is(TokenKind::Eof); tok = lexer.next())
    result.push_back(tok.kind);
  return result;
}

TEST(LexerTest, KeywordsNamesAndPunctuation) {
  using K = TokenKind;
  EXPECT_EQ(kinds("model m { input u : 1 }"),
            (std::vector<K>{K::KwModel, K::Identifier, K::LBrace, K::KwInput,
                            K::Identifier, K::Colon, K::Integer, K::RBrace}));
}

TEST(LexerTest, BlankAndCommentLinesFoldIntoOneNewline) {
  using K = TokenKind;
  EXPECT_EQ(kinds("a\n\n  # comment\n// more\n\nb"),
            (std::vector<K>{K::Identifier, K::Newline, K::Identifier}));
}

TEST(LexerTest, NewlinesInsideParenthesesAreSkipped) {
  using K = TokenKind;
  EXPECT_EQ(kinds("f(a,\n  b)\nc"),
            (std::vector<K>{K::Identifier, K::LParen, K::Identifier, K::Comma,
                            K::Identifier, K::RParen, K::Newline,
                            K::Identifier}));
}

TEST(LexerTest, Numbers) {
  Lexer lexer("64 0.5 1e-3 .25 2E+2");
  std::vector<std::pair<TokenKind, std::string>> tokens;
  for (Token tok = lexer.next(); !tok.is(TokenKind::Eof); tok = lexer.next())
    tokens.emplace_back(tok.kind, tok.spelling.str());
  using K = TokenKind;
  EXPECT_EQ(tokens, (std::vector<std::pair<K, std::string>>{
                        {K::Integer, "64"},
                        {K::Float, "0.5"},
                        {K::Float, "1e-3"},
                        {K::Float, ".25"},
                        {K::Float, "2E+2"}}));
}

TEST(LexerTest, ErrorsCarryMessagesAndLocations) {
  llvm::StringRef text = "x = 3abc";
  Lexer lexer(text);
  lexer.next();
  lexer.next();
  Token bad = lexer.next();
  ASSERT_TRUE(bad.is(TokenKind::Error));
  EXPECT_EQ(bad.loc.getPointer(), text.data() + 4);
  EXPECT_NE(bad.message.find("malformed number '3abc'"), std::string::npos);

  Lexer unterminated("\"abc\ndef\"");
  Token str = unterminated.next();
  ASSERT_TRUE(str.is(TokenKind::Error));
  EXPECT_NE(str.message.find("unterminated string"), std::string::npos);
}

TEST(LexerTest, StringSpellingExcludesQuotes) {
  Lexer lexer(R"("w \"1\".h5")");
  Token tok = lexer.next();
  ASSERT_TRUE(tok.is(TokenKind::String));
  EXPECT_EQ(tok.spelling, R"(w \"1\".h5)");
}
} // namespace
