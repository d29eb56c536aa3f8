//===- AST.cpp - printing the model DSL's AST -----------------------------===//

#include "ssm/Frontend/AST.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

using namespace ssm::dsl;

namespace {
class ASTDumper {
public:
  ASTDumper(const llvm::SourceMgr &sourceMgr, llvm::raw_ostream &os)
      : sourceMgr(sourceMgr), os(os) {}

  void dump(const ModelAST &model) {
    os << "Model '" << model.name << "' " << at(model.loc) << "\n";
    dumpBody(model.body, 1);
  }

private:
  std::string at(llvm::SMLoc loc) {
    unsigned id = sourceMgr.FindBufferContainingLoc(loc);
    if (!id)
      return "@<unknown>";
    auto [line, col] = sourceMgr.getLineAndColumn(loc, id);
    return ("@" + sourceMgr.getMemoryBuffer(id)->getBufferIdentifier() + ":" +
            llvm::Twine(line) + ":" + llvm::Twine(col))
        .str();
  }

  void value(const ValueAST &v) {
    switch (v.kind) {
    case ValueAST::Kind::Identifier:
      os << v.text;
      break;
    case ValueAST::Kind::Integer:
      os << v.intValue;
      break;
    case ValueAST::Kind::Float:
      os << llvm::format("%g", v.floatValue);
      break;
    case ValueAST::Kind::String:
      os << '"' << v.text << '"';
      break;
    }
  }

  void dumpBody(const StmtList &body, unsigned indent) {
    for (const auto &stmt : body)
      dumpStmt(*stmt, indent);
  }

  void dumpStmt(const StmtAST &stmt, unsigned indent) {
    os.indent(2 * indent);
    if (auto *s = llvm::dyn_cast<InputStmtAST>(&stmt)) {
      os << "Input '" << s->name << "' channels=" << s->channels;
    } else if (auto *s = llvm::dyn_cast<WeightsStmtAST>(&stmt)) {
      os << "Weights \"" << s->path << "\"";
    } else if (auto *s = llvm::dyn_cast<SeedStmtAST>(&stmt)) {
      os << "Seed " << s->seed;
    } else if (auto *s = llvm::dyn_cast<CalibrationStmtAST>(&stmt)) {
      os << "Calibration \"" << s->spec << "\"";
    } else if (auto *s = llvm::dyn_cast<OutputStmtAST>(&stmt)) {
      os << "Output";
      for (const ValueAST &name : s->names)
        os << " '" << name.text << "'";
    } else if (auto *s = llvm::dyn_cast<AliasStmtAST>(&stmt)) {
      os << "Alias '" << s->name << "' = '" << s->target.text << "'";
    } else if (auto *s = llvm::dyn_cast<LayerStmtAST>(&stmt)) {
      os << "Layer '" << s->name << "' = " << s->kindName << "(";
      llvm::interleaveComma(s->args, os, [&](const ArgAST &arg) {
        if (!arg.key.empty())
          os << arg.key << "=";
        value(arg.value);
      });
      os << ")";
    } else if (auto *s = llvm::dyn_cast<RepeatStmtAST>(&stmt)) {
      os << "Repeat " << s->count << " as '" << s->prefix << "' "
         << at(stmt.getLoc()) << "\n";
      dumpBody(s->body, indent + 1);
      return;
    }
    os << " " << at(stmt.getLoc()) << "\n";
  }

  const llvm::SourceMgr &sourceMgr;
  llvm::raw_ostream &os;
};
} // namespace

void ssm::dsl::dump(const ModelAST &model, const llvm::SourceMgr &sourceMgr,
                    llvm::raw_ostream &os) {
  ASTDumper(sourceMgr, os).dump(model);
}
