//===- FixPlan.cpp - fix's plans, joined over the run, and its edit sets ---===//
#include "FixWork.h"
#include "FormatEdits.h"
#include "findings/CheckResult.h"
#include "findings/SafeFileWriter.h"

#include "vmaprep/ApiDetection.h"
#include "vmaprep/SourceResolution.h"
#include "vmaprep/TranslationUnitAnalysis.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <algorithm>
#include <functional>

using namespace clang;

namespace vmaprep {

std::string relativeTo(llvm::StringRef Path, llvm::StringRef Root) {
  llvm::SmallString<256> R(Root);
  llvm::sys::path::remove_dots(R, true);
  if (!R.empty() && Path.starts_with(R) && Path.size() > R.size() && Path[R.size()] == '/')
    return Path.substr(R.size() + 1).str();
  return Path.str();
}

namespace {

/// Whether \p Fn has a return that is not a negative constant (an errno):
/// snd_compr_mmap() and snd_disconnect_mmap() have none, and their error
/// paths are the whole of what validation can prove.
bool maySucceed(const FunctionDecl *Fn, ASTContext &Ctx) {
  struct Returns : RecursiveASTVisitor<Returns> {
    ASTContext &Ctx;
    bool Success = false;
    explicit Returns(ASTContext &Ctx) : Ctx(Ctx) {}
    bool VisitReturnStmt(ReturnStmt *RS) {
      Expr::EvalResult R;
      const Expr *V = RS->getRetValue();
      if (!V || V->isValueDependent() || !V->EvaluateAsInt(R, Ctx) || !R.Val.getInt().isNegative())
        Success = true;
      return !Success;
    }
  } R(Ctx);
  if (!Fn->hasBody())
    return true; // generic_file_mmap: the model runs the kernel's own
  R.TraverseStmt(Fn->getBody());
  return R.Success;
}

/// Every file \p SM read, absolute with dots removed (as SourceSite::File).
std::set<std::string> includedFiles(const SourceManager &SM) {
  std::set<std::string> Out;
  for (auto It = SM.fileinfo_begin(); It != SM.fileinfo_end(); ++It) {
    llvm::SmallString<256> Path(It->first.getName());
    SM.getFileManager().makeAbsolutePath(Path);
    llvm::sys::path::remove_dots(Path, /*remove_dot_dot=*/true);
    Out.insert(std::string(Path));
  }
  return Out;
}

/// Step 1: one plan per legacy handler defined (or, for generic_file_mmap,
/// registered) in each TU's main file; for a handler with external linkage,
/// also the part each registering TU plans, joined afterwards
/// (joinAcrossFiles()).
} // namespace

void planAll(CompilationInputs &In, const FixOptions &Opt, std::vector<FileWork> &Work,
             std::vector<TranslationUnitStatus> &Status) {
  Work.resize(In.Files.size());
  Status = runOnTranslationUnits(
      *In.Database, In.Files, Opt.Inputs.Jobs,
      [&](size_t I, ASTContext &Ctx) {
        const SourceManager &SM = Ctx.getSourceManager();
        FileWork &W = Work[I];
        W.Path = In.Files[I];
        W.Original = SM.getBufferData(SM.getMainFileID()).str();
        W.Target = Opt.Inputs.Target;
        bool Predates = false;
        if (Opt.Inputs.AutoApi) {
          DetectedApi Found = detectApiLevel(Ctx);
          W.Target = Found.Level.value_or(NewestApiLevel);
          W.Detection = Found.Evidence;
          Predates = !Found.Level;
        }
        TranslationUnitAnalysis Analysis = analyzeTranslationUnit(Ctx, W.Target);
        // Without a compile database (`--` flags) nothing tells which other
        // files may name a handler with external linkage: such a handler is
        // refused, as the clang-tidy check refuses it.
        MigrationScope Scope = In.DatabasePath.empty() ? MigrationScope::TranslationUnit : MigrationScope::Database;
        auto Plan = [&](const AnalyzedHandler &A, bool Unregistered) {
          if (A.Handler.Kind != HookKind::LegacyMmap)
            return;
          const FunctionDecl *Fn = A.Summary.Function ? A.Summary.Function : A.Handler.Function;
          bool Here = A.Summary.BodyVisible
                          ? SM.isInMainFile(SM.getExpansionLoc(Fn->getLocation()))
                          : !A.Handler.Sites.empty() &&
                                SM.isInMainFile(SM.getExpansionLoc(A.Handler.Sites.front().Init->getBeginLoc()));
          if (!Here)
            return;
          HandlerOutcome O;
          O.Plan = planMigration(A, Analysis, Ctx, W.Target, Scope);
          // Refused only for code under one macro's condition that this parse
          // skipped: planned here without it, and in that configuration by
          // planVariants(), which merges the two or refuses.
          if (!O.Plan.Applicable && O.Plan.SkippedVariant && !Predates) {
            MigrationPlan Here = planMigration(A, Analysis, Ctx, W.Target, Scope, {O.Plan.SkippedVariant->Macro});
            if (Here.Applicable) {
              O.Variant = O.Plan.SkippedVariant;
              O.Plan = std::move(Here);
            }
          }
          O.External = Fn->isExternallyVisible();
          O.Unregistered = Unregistered;
          for (const FunctionDecl *D : Fn->redecls())
            if (!D->isThisDeclarationADefinition())
              O.Declarations.push_back(resolveSite(D->getLocation(), SM, Ctx.getLangOpts()));
          if (awaitsDefinitionElsewhere(A))
            O.Registration = planRegistration(A, Ctx, W.Target);
          if (Predates) {
            O.Plan = MigrationPlan();
            O.Plan.Function = Fn->getName().str();
            O.Plan.Refusal = predatesRefusal(W.Detection);
            O.Plan.Kind = RefusalKind::Semantic;
            O.Registration.reset();
          }
          if (O.Plan.Applicable && Opt.Validate) {
            O.Original = lowerHandler(Fn, Ctx);
            O.MaySucceed = maySucceed(Fn, Ctx);
          }
          O.Where = A.Summary.BodyVisible ? resolveSite(Fn->getLocation(), SM, Ctx.getLangOpts())
                                          : A.Handler.Sites.front().Where;
          W.Handlers.push_back(std::move(O));
        };
        for (const AnalyzedHandler &A : Analysis.Handlers)
          Plan(A, false);
        for (const AnalyzedHandler &A : Analysis.ExternalDefinitions)
          Plan(A, true);
        W.Uses = externalHandlerUses(Analysis, Ctx);
        W.Included = includedFiles(SM);
      },
      {}, FunctionBodies::All, /*KeepWarnings=*/true);
  // A TU that crashed half way left half its plans: none of them is trusted.
  for (size_t I = 0; I < Status.size(); ++I)
    if (!Status[I].Analysed)
      Work[I] = FileWork();
  for (size_t I = 0; I < Work.size(); ++I)
    Work[I].OriginalWarnings = Status[I].Warnings;
}

namespace {

/// Adds \p Edits of \p File to \p Into (one file's edits, by file), once:
/// the same prototype edited by two parts of a plan is one edit. False when
/// they collide with different text, or the file was read differently.
bool addFileEdits(std::map<std::string, FileEdits> &Into, const FileEdits &Edits) {
  FileEdits &To = Into[Edits.File];
  if (To.File.empty()) {
    To = Edits;
    return true;
  }
  if (To.Original != Edits.Original)
    return false;
  for (const TextEdit &E : Edits.Edits) {
    bool Same = false;
    for (const TextEdit &K : To.Edits) {
      if (K.Offset == E.Offset && K.Length == E.Length && K.Text == E.Text) {
        Same = true;
        break;
      }
      if (E.Offset < K.Offset + K.Length && K.Offset < E.Offset + E.Length)
        return false;
    }
    if (!Same)
      To.Edits.push_back(E);
  }
  std::sort(To.Edits.begin(), To.Edits.end(), [](const TextEdit &A, const TextEdit &B) { return A.Offset < B.Offset; });
  return true;
}

} // namespace

VariantHeader variantHeader(const ConfigurationVariant &V) {
  VariantHeader H;
  H.Path = "/vmaprep-variant/" + V.Macro + (V.Defined ? "-on.h" : "-off.h");
  // After the command's own -include's (kconfig.h brings autoconf.h), so an
  // #undef wins over autoconf's #define; a Kconfig symbol's _MODULE twin
  // goes with it (IS_ENABLED() reads both).
  H.Text = V.Defined ? "#define " + V.Macro + " 1\n" : "#undef " + V.Macro + "\n#undef " + V.Macro + "_MODULE\n";
  H.Args = {"-include", H.Path};
  return H;
}

namespace {

/// \p Main's plan with \p Variant's edits added: an edit both make is made
/// once; two that differ on one place refuse, with the reason in \p Why.
bool mergeVariantPlan(MigrationPlan &Main, const MigrationPlan &Variant, const std::string &Original,
                      std::string &Why) {
  std::vector<TextEdit> Merged = Main.Edits;
  for (const TextEdit &E : Variant.Edits) {
    bool Same = false, Clash = false;
    for (const TextEdit &K : Main.Edits) {
      if (K.Offset == E.Offset && K.Length == E.Length && K.Text == E.Text)
        Same = true;
      else if ((E.Offset < K.Offset + K.Length && K.Offset < E.Offset + E.Length) ||
               (E.Offset == K.Offset && (E.Length == 0 || K.Length == 0)))
        Clash = true;
    }
    if (Clash) {
      Why = "the two configurations need different edits at line " +
            std::to_string(
                1 + std::count(Original.begin(), Original.begin() + std::min<size_t>(E.Offset, Original.size()), '\n'));
      return false;
    }
    if (!Same)
      Merged.push_back(E);
  }
  std::map<std::string, FileEdits> Others;
  for (const FileEdits &F : Main.OtherFiles)
    addFileEdits(Others, F);
  for (const FileEdits &F : Variant.OtherFiles)
    if (!addFileEdits(Others, F)) {
      Why = "the two configurations need different edits of " + F.File;
      return false;
    }
  std::sort(Merged.begin(), Merged.end(), [](const TextEdit &A, const TextEdit &B) { return A.Offset < B.Offset; });
  Main.Edits = std::move(Merged);
  Main.OtherFiles.clear();
  for (auto &[File, F] : Others)
    Main.OtherFiles.push_back(std::move(F));
  for (const std::string &C : Variant.Changes)
    if (!llvm::is_contained(Main.Changes, C))
      Main.Changes.push_back(C);
  for (const std::string &D : Variant.Differences)
    if (!llvm::is_contained(Main.Differences, D))
      Main.Differences.push_back(D);
  return true;
}

} // namespace

void planVariants(CompilationInputs &In, const FixOptions &Opt, std::vector<FileWork> &Work) {
  std::map<std::pair<std::string, bool>, std::vector<size_t>> Files; // by variant: Work indexes
  for (size_t I = 0; I < Work.size(); ++I)
    for (const HandlerOutcome &H : Work[I].Handlers)
      if (H.Variant && H.Plan.Applicable) {
        std::vector<size_t> &F = Files[{H.Variant->Macro, H.Variant->Defined}];
        if (F.empty() || F.back() != I)
          F.push_back(I);
      }
  MigrationScope Scope = In.DatabasePath.empty() ? MigrationScope::TranslationUnit : MigrationScope::Database;
  for (const auto &Entry : Files) {
    ConfigurationVariant V{Entry.first.first, Entry.first.second, ""};
    const std::vector<size_t> &Indexes = Entry.second;
    VariantHeader Header = variantHeader(V);
    std::vector<std::string> Paths;
    for (size_t I : Indexes)
      Paths.push_back(Work[I].Path);
    std::vector<std::map<std::string, MigrationPlan>> Plans(Indexes.size());
    std::vector<TranslationUnitStatus> Status = runOnTranslationUnits(
        *In.Database, Paths, Opt.Inputs.Jobs,
        [&](size_t K, ASTContext &Ctx) {
          const SourceManager &SM = Ctx.getSourceManager();
          FileWork &W = Work[Indexes[K]];
          // The same text as the first parse: the edits of both are of it.
          if (SM.getBufferData(SM.getMainFileID()) != W.Original)
            return;
          TranslationUnitAnalysis Analysis = analyzeTranslationUnit(Ctx, W.Target);
          auto Plan = [&](const AnalyzedHandler &A) {
            if (A.Handler.Kind != HookKind::LegacyMmap || !A.Summary.BodyVisible || !A.Summary.Function)
              return;
            const FunctionDecl *Fn = A.Summary.Function;
            if (!SM.isInMainFile(SM.getExpansionLoc(Fn->getLocation())))
              return;
            for (const HandlerOutcome &H : W.Handlers)
              if (H.Variant && H.Variant->Macro == V.Macro && H.Variant->Defined == V.Defined &&
                  H.Plan.Function == Fn->getName())
                Plans[K][H.Plan.Function] = planMigration(A, Analysis, Ctx, W.Target, Scope, {V.Macro});
          };
          for (const AnalyzedHandler &A : Analysis.Handlers)
            Plan(A);
          for (const AnalyzedHandler &A : Analysis.ExternalDefinitions)
            Plan(A);
        },
        {{Header.Path, Header.Text}}, FunctionBodies::All, /*KeepWarnings=*/true, Header.Args);
    for (size_t K = 0; K < Indexes.size(); ++K) {
      FileWork &W = Work[Indexes[K]];
      for (HandlerOutcome &H : W.Handlers) {
        if (!H.Variant || H.Variant->Macro != V.Macro || H.Variant->Defined != V.Defined || !H.Plan.Applicable)
          continue;
        std::string Why;
        auto Found = Plans[K].find(H.Plan.Function);
        if (!Status[K].Analysed)
          Why = "the file does not compile there: " +
                (Status[K].Crash.empty() ? Status[K].Error : "vmaprep crashed with " + Status[K].Crash);
        else if (Found == Plans[K].end())
          Why = "no legacy handler '" + H.Plan.Function + "' is defined and registered there";
        else if (!Found->second.Applicable)
          Why = Found->second.Refusal;
        else
          mergeVariantPlan(H.Plan, Found->second, W.Original, Why);
        if (Why.empty()) {
          H.VariantWarnings = Status[K].Warnings;
          // A reviewer must know the patch also edits code this build did not
          // compile, and how far that part was checked.
          H.Plan.Changes.push_back("the configuration " + describeVariant(*H.Variant) + " (" + H.Variant->Condition +
                                   ") converted too, from a second parse: compiled and analysed there, not run on "
                                   "the model");
          continue;
        }
        MigrationPlan Refused;
        Refused.Function = H.Plan.Function;
        Refused.NewFunction = H.Plan.NewFunction;
        Refused.File = H.Plan.File;
        Refused.RefusalSite = H.Where;
        Refused.Refusal = "'" + H.Plan.Function + "' also has code under " + H.Variant->Condition +
                          ", which this parse did not compile; parsed again " + describeVariant(*H.Variant) + ": " +
                          Why;
        H.Plan = std::move(Refused);
        H.Variant.reset();
      }
    }
  }
}

/// The whole-database plan of each handler with external linkage: every
/// registration another TU made of it, and every other use, joined to its
/// definition by name and shared prototype (the rule check's merge uses). The
/// handler converts only when every part does: its definition, its
/// prototypes, each registering table; any other use of its name refuses it.
/// A definition nothing registers is no handler and is dropped.
void joinAcrossFiles(std::vector<FileWork> &Work, const std::vector<std::string> &Unanalysed) {
  struct Definition {
    size_t W, H;
  };
  std::map<std::string, std::vector<Definition>> Definitions;
  for (size_t I = 0; I < Work.size(); ++I)
    for (size_t J = 0; J < Work[I].Handlers.size(); ++J) {
      const HandlerOutcome &O = Work[I].Handlers[J];
      if (O.External && !O.Registration && !O.Plan.Function.empty())
        Definitions[O.Plan.Function].push_back({I, J});
    }
  auto Candidates = [&](const std::string &Name, const std::vector<SourceSite> &Declarations,
                        const std::string &OwnFile) {
    std::vector<Definition> Out;
    auto Found = Definitions.find(Name);
    if (Found == Definitions.end())
      return Out;
    for (const Definition &D : Found->second) {
      const FileWork &DW = Work[D.W];
      const HandlerOutcome &Def = DW.Handlers[D.H];
      if (mayBeOneFunction(Declarations, OwnFile, Def.Declarations, Def.Where.File))
        Out.push_back(D);
    }
    return Out;
  };
  auto Refuse = [](HandlerOutcome &O, const std::string &Why, const SourceSite &At) {
    if (!O.Plan.Applicable)
      return;
    O.Plan.Applicable = false;
    O.Plan.Refusal = Why;
    O.Plan.RefusalSite = At;
    O.Plan.Kind = RefusalKind::Edit;
    O.Plan.Edits.clear();
    O.Plan.OtherFiles.clear();
    O.Plan.Differences.clear();
  };
  // The parts of each definition's plan that other TUs made.
  std::map<std::pair<size_t, size_t>, std::vector<std::pair<size_t, size_t>>> Parts;
  for (size_t I = 0; I < Work.size(); ++I)
    for (size_t J = 0; J < Work[I].Handlers.size(); ++J) {
      HandlerOutcome &R = Work[I].Handlers[J];
      if (!R.Registration)
        continue;
      std::vector<Definition> Found = Candidates(R.Plan.Function, R.Declarations, R.Where.File);
      if (Found.size() == 1) {
        Parts[{Found[0].W, Found[0].H}].push_back({I, J});
        R.Joined = true;
        continue;
      }
      // Two definitions it could mean: converting either would leave this
      // table naming a function that may be gone.
      for (const Definition &D : Found)
        Refuse(Work[D.W].Handlers[D.H],
               "'" + R.Plan.Function + "' is also registered in " + R.Where.str() +
                   ", which could mean another definition of that name in the compile database",
               R.Where);
    }
  for (const FileWork &UW : Work)
    for (const ExternalHandlerUse &U : UW.Uses)
      for (const Definition &D : Candidates(U.Function, U.Declarations, U.Where.File))
        Refuse(Work[D.W].Handlers[D.H],
               "the handler is used in " + U.Where.str() +
                   " outside ops tables (called or stored); its signature cannot change",
               U.Where);
  for (auto &[Key, Registrations] : Parts) {
    FileWork &DW = Work[Key.first];
    HandlerOutcome &D = DW.Handlers[Key.second];
    D.Unregistered = false;
    std::map<std::string, FileEdits> Other;
    for (const FileEdits &F : D.Plan.OtherFiles)
      addFileEdits(Other, F);
    for (const auto &[I, J] : Registrations) {
      const HandlerOutcome &R = Work[I].Handlers[J];
      D.Registrars.insert(I);
      if (!R.Registration->Applicable) {
        Refuse(D, R.Registration->Refusal, R.Registration->RefusalSite);
        continue;
      }
      bool Fits = addFileEdits(Other, {Work[I].Path, Work[I].Original, R.Registration->Edits});
      for (const FileEdits &F : R.Registration->OtherFiles)
        Fits &= addFileEdits(Other, F);
      for (const std::string &C : R.Registration->Changes)
        if (std::find(D.Plan.Changes.begin(), D.Plan.Changes.end(), C) == D.Plan.Changes.end())
          D.Plan.Changes.push_back(C);
      if (!Fits)
        Refuse(D, "internal: the edits of the registration in " + R.Where.str() + " collide with the definition's",
               R.Where);
    }
    if (!D.Plan.Applicable)
      continue;
    D.Plan.OtherFiles.clear();
    for (auto &[File, F] : Other)
      D.Plan.OtherFiles.push_back(std::move(F));
  }
  // The database's files this run did not parse may name the handler too
  // (`fix -p DB file.c`): a word-for-word search of their text, since only a
  // parse could tell a use from a comment.
  std::map<std::string, std::vector<HandlerOutcome *>> Open;
  for (FileWork &W : Work)
    for (HandlerOutcome &O : W.Handlers)
      if (O.External && O.Plan.Applicable && !O.Unregistered)
        Open[O.Plan.Function].push_back(&O);
  for (const std::string &Path : Unanalysed) {
    if (Open.empty())
      break;
    auto Text = llvm::MemoryBuffer::getFile(Path);
    if (!Text)
      continue;
    llvm::StringRef Buf = (*Text)->getBuffer();
    for (auto It = Open.begin(); It != Open.end();) {
      bool Named = false;
      for (size_t At = Buf.find(It->first); At != llvm::StringRef::npos && !Named; At = Buf.find(It->first, At + 1)) {
        auto Ident = [](char C) { return llvm::isAlnum(C) || C == '_'; };
        size_t End = At + It->first.size();
        Named = (At == 0 || !Ident(Buf[At - 1])) && (End >= Buf.size() || !Ident(Buf[End]));
      }
      if (!Named) {
        ++It;
        continue;
      }
      for (HandlerOutcome *O : It->second)
        Refuse(*O,
               "'" + It->first + "' is also named in " + Path +
                   ", which this run did not analyse: run fix over every file of the database that names it",
               SourceSite());
      It = Open.erase(It);
    }
  }
  for (FileWork &W : Work)
    llvm::erase_if(W.Handlers, [](const HandlerOutcome &O) { return O.Unregistered || O.Joined || O.Suppressed; });
}

namespace {

/// Every file a plan edits, with the text it was planned on: the
/// definition's main file, then its headers and registering TUs.
std::vector<FileEdits> filesOf(const FileWork &W, const HandlerOutcome &H) {
  std::vector<FileEdits> Out{{W.Path, W.Original, H.Plan.Edits}};
  Out.insert(Out.end(), H.Plan.OtherFiles.begin(), H.Plan.OtherFiles.end());
  return Out;
}

bool overlaps(std::vector<TextEdit> &Merged) {
  std::sort(Merged.begin(), Merged.end(), [](const TextEdit &A, const TextEdit &B) { return A.Offset < B.Offset; });
  for (size_t K = 1; K < Merged.size(); ++K)
    if (Merged[K].Offset < Merged[K - 1].Offset + Merged[K - 1].Length)
      return true;
  return false;
}

} // namespace

/// Combines the applicable plans into one edit set per file; a plan whose
/// edits overlap an earlier one's in any of its files is dropped whole.
EditedFiles combine(std::vector<FileWork> &Work, bool Format) {
  EditedFiles Out;
  for (FileWork &W : Work)
    for (HandlerOutcome &H : W.Handlers) {
      if (!H.Plan.Applicable || !H.VerifyError.empty())
        continue;
      std::vector<FileEdits> Files = filesOf(W, H);
      std::vector<std::vector<TextEdit>> Merged;
      bool Overlap = false;
      for (const FileEdits &F : Files) {
        auto Known = Out.Files.find(F.File);
        std::vector<TextEdit> M = Known == Out.Files.end() ? std::vector<TextEdit>() : Known->second.Edits;
        M.insert(M.end(), F.Edits.begin(), F.Edits.end());
        Overlap |= overlaps(M) || (Known != Out.Files.end() && Known->second.Original != F.Original);
        Merged.push_back(std::move(M));
      }
      if (Overlap) {
        H.VerifyError = "its edits overlap another handler's in the same file";
        continue;
      }
      for (size_t K = 0; K < Files.size(); ++K) {
        EditedFile &E = Out.at(Files[K].File);
        E.Original = Files[K].Original;
        E.Edits = std::move(Merged[K]);
      }
    }
  for (auto &[Path, E] : Out.Files) {
    if (Format)
      E.Edits = formatChangedLines(Path, E.Original, E.Edits, E.FormatNote);
    E.Rewritten = applyEdits(E.Original, E.Edits);
  }
  return Out;
}

/// The edited files, grouped so that the files one handler's rewrite spans
/// (its definition, the headers with its prototypes, the TUs that register
/// it) are one group: one change, one patch, written together or not at all.
std::vector<std::vector<std::string>> fileGroups(const std::vector<FileWork> &Work, const EditedFiles &Edited) {
  std::map<std::string, std::string> Parent;
  for (const std::string &Path : Edited.Order)
    if (!Edited.Files.at(Path).Edits.empty())
      Parent[Path] = Path;
  std::function<std::string(const std::string &)> Find = [&](const std::string &P) -> std::string {
    std::string &Up = Parent[P];
    if (Up != P)
      Up = Find(Up);
    return Up;
  };
  for (const FileWork &W : Work)
    for (const HandlerOutcome &H : W.Handlers) {
      if (!H.Verified || !Parent.count(W.Path))
        continue;
      for (const FileEdits &F : filesOf(W, H))
        if (Parent.count(F.File))
          Parent[Find(F.File)] = Find(W.Path);
    }
  std::vector<std::vector<std::string>> Groups;
  std::map<std::string, size_t> GroupOf;
  for (const std::string &Path : Edited.Order) {
    if (!Parent.count(Path))
      continue;
    auto [It, New] = GroupOf.try_emplace(Find(Path), Groups.size());
    if (New)
      Groups.emplace_back();
    Groups[It->second].push_back(Path);
  }
  return Groups;
}

/// What the patch writers need to know of the verified rewrites: one entry
/// per group of files (fileGroups()), with the handlers defined in them.
std::vector<ConvertedFile> convertedFiles(const std::vector<FileWork> &Work, const EditedFiles &Edited,
                                          const std::string &Root) {
  std::vector<ConvertedFile> Out;
  for (const std::vector<std::string> &Group : fileGroups(Work, Edited)) {
    ConvertedFile C;
    for (const std::string &Path : Group) {
      const EditedFile &E = Edited.Files.at(Path);
      if (C.Path.empty()) {
        C.Path = Path;
        C.Rel = relativeTo(Path, Root);
        C.Original = E.Original;
        C.Edits = E.Edits;
      } else {
        C.Also.push_back({Path, relativeTo(Path, Root), E.Original, E.Edits});
      }
      for (const FileWork &W : Work) {
        if (W.Path != Path)
          continue;
        C.Target = W.Target;
        for (const HandlerOutcome &H : W.Handlers)
          if (H.Verified)
            C.Handlers.push_back({H.Plan.Function, H.Plan.NewFunction, H.Plan.Changes, H.Validation});
      }
    }
    Out.push_back(std::move(C));
  }
  return Out;
}

/// In place, one group at a time: every file of a group must be unchanged
/// since it was analysed, and a group is written whole or not at all (a
/// failed write restores the files of the group already written).
void writeInPlace(const std::vector<FileWork> &Work, const EditedFiles &Edited, unsigned &NotWritten, bool &Errors) {
  for (const std::vector<std::string> &Group : fileGroups(Work, Edited)) {
    std::string Others;
    for (const std::string &Path : Group)
      Others += (Others.empty() ? "" : ", ") + Path;
    auto GiveUp = [&](const std::string &Why) {
      llvm::errs() << "vmaprep: error: " << Why
                   << (Group.size() > 1 ? " (none of the files of this rewrite is written: " + Others + ")" : "")
                   << "\n";
      Errors = true;
      NotWritten += Group.size();
    };
    bool Unchanged = true;
    for (const std::string &Path : Group) {
      auto Now = llvm::MemoryBuffer::getFile(Path);
      if (!Now || (*Now)->getBuffer() != Edited.Files.at(Path).Original) {
        GiveUp(Path + ": changed while vmaprep ran; not written");
        Unchanged = false;
        break;
      }
    }
    if (!Unchanged)
      continue;
    for (size_t K = 0; K < Group.size(); ++K) {
      std::string Note;
      std::string Err = writeFileSafely(Group[K], Edited.Files.at(Group[K]).Rewritten, &Note);
      if (!Note.empty())
        llvm::errs() << "vmaprep: note: " << Note << "\n";
      if (Err.empty())
        continue;
      for (size_t Back = 0; Back < K; ++Back)
        if (std::string E = writeFileSafely(Group[Back], Edited.Files.at(Group[Back]).Original); !E.empty())
          llvm::errs() << "vmaprep: error: " << E << " (while restoring it)\n";
      GiveUp(Err);
      break;
    }
  }
}

} // namespace vmaprep
