//===- NestingLimit.h - refuse input nested too deep to parse -------------===//
//
// LLVM's JSON and YAML parsers recurse once per level of nesting: a
// 100,000-deep `[[[...` in a compile database, a JSON shard or .vmaprep.yaml
// overflows the stack before a parser could say anything. Every reader of
// those files asks here first, on the text, without recursion.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_FINDINGS_NESTINGLIMIT_H
#define VMAPREP_FINDINGS_NESTINGLIMIT_H

#include "llvm/ADT/StringRef.h"
#include <string>

namespace vmaprep {

/// Far above anything vmaprep writes or reads (a compile database is 3 deep,
/// vmaprep's JSON 6), far below what overflows a parser.
constexpr unsigned MaxInputNesting = 512;

/// "" when \p Text nests at most \p Limit levels, else why not ("nested more
/// than 512 levels deep at line 3"). Counts JSON's and YAML's flow brackets
/// outside strings and, for YAML, a bound on block nesting (indentation plus
/// compact "- " entries), so it never counts fewer levels than a parser sees.
std::string checkNesting(llvm::StringRef Text, bool Yaml, unsigned Limit = MaxInputNesting);

} // namespace vmaprep

#endif
