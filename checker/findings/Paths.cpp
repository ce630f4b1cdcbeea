//===- Paths.cpp ----------------------------------------------------------===//
#include "findings/Paths.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace vmaprep {

std::string absolutePath(const std::string &Path) {
  llvm::SmallString<256> P(Path);
  // make_absolute fails only when the current directory cannot be read (removed under the process): the
  // path then stays as given, and whatever opens it reports the error with that name.
  if (llvm::sys::fs::make_absolute(P))
    P = Path;
  llvm::sys::path::remove_dots(P, /*remove_dot_dot=*/true);
  return std::string(P);
}

std::string resolveSourceRoot(const std::string &Explicit, const std::string &BuildPath) {
  llvm::SmallString<256> Dir;
  if (!Explicit.empty()) {
    Dir = Explicit;
  } else if (!BuildPath.empty()) {
    Dir = BuildPath;
    if (!llvm::sys::fs::is_directory(Dir))
      llvm::sys::path::remove_filename(Dir);
    if (Dir.empty())
      Dir = ".";
    // An out-of-tree kernel build (make O=) links its sources as `source`.
    llvm::SmallString<256> Sources;
    if (!llvm::sys::fs::real_path(Dir + "/source", Sources) && llvm::sys::fs::is_directory(Sources))
      Dir = Sources;
  } else {
    Dir = ".";
  }
  Dir = absolutePath(std::string(Dir));
  while (Dir.size() > 1 && llvm::sys::path::is_separator(Dir.back()))
    Dir.pop_back();
  return std::string(Dir);
}

std::string relativeToRoot(const std::string &File, const std::string &Root) {
  llvm::StringRef F(File);
  if (Root == "/")
    return F.starts_with("/") ? F.drop_front().str() : "";
  if (!F.consume_front(Root) || !F.consume_front("/") || F.empty())
    return "";
  return F.str();
}

std::string uriPathEncode(const std::string &Path) {
  std::string Out;
  for (unsigned char C : Path) {
    if (llvm::isAlnum(C) || C == '-' || C == '.' || C == '_' || C == '~' || C == '/')
      Out += char(C);
    else
      Out += "%" + llvm::utohexstr(C, /*LowerCase=*/false, /*Width=*/2);
  }
  return Out;
}

} // namespace vmaprep
