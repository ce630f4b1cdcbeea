//===- AcceptedDifferences.cpp --------------------------------------------===//
#include "validation/AcceptedDifferences.h"

#include <charconv>
#include <string_view>
#include <system_error>

namespace vmaprep {

namespace {

/// A whole decimal number, blanks around it allowed.
bool parseNumber(std::string_view Text, long long &Out) {
  constexpr std::string_view Blanks = " \t\n\v\f\r";
  const size_t First = Text.find_first_not_of(Blanks);
  if (First == std::string_view::npos)
    return false;
  Text = Text.substr(First, Text.find_last_not_of(Blanks) - First + 1);
  const char *End = Text.data() + Text.size();
  // NOLINTNEXTLINE(bugprone-suspicious-stringview-data-usage): from_chars reads [data(), End), no NUL needed
  auto [Stop, Error] = std::from_chars(Text.data(), End, Out);
  return Error == std::errc() && Stop == End;
}

/// A range as the model's trace prints it: "[B, E)".
bool parseRange(std::string_view Range, long long &B, long long &E) {
  if (Range.size() < 2 || Range.front() != '[' || Range.back() != ')')
    return false;
  Range = Range.substr(1, Range.size() - 2);
  const size_t Comma = Range.find(',');
  const std::string_view Lo = Range.substr(0, Comma);
  const std::string_view Hi = Comma == std::string_view::npos ? std::string_view() : Range.substr(Comma + 1);
  return parseNumber(Lo, B) && parseNumber(Hi, E);
}

} // namespace

bool isIntendedMerge(const ValidateDivergence &D) {
  if (D.Field != "mapped vma range")
    return false;
  long long OB, OE, RB, RE;
  return parseRange(D.Original, OB, OE) && parseRange(D.Rewrite, RB, RE) && RB <= OB && RE >= OE &&
         (RB < OB || RE > OE);
}

bool failsWhereOriginalMapped(const ValidateDivergence &D) {
  const bool OriginalMapped = D.Original == "ok" || (!D.Original.empty() && D.Original[0] != '-');
  return (D.Field == "mmap" || D.Field == "setup") && OriginalMapped && !D.Rewrite.empty() && D.Rewrite[0] == '-';
}

bool isMappingCall(const std::string &N) {
  return N == "remap_pfn_range" || N == "io_remap_pfn_range" || N == "vm_iomap_memory" || N == "vm_map_pages" ||
         N == "vm_map_pages_zero" || N == "vm_insert_pages" || N == "vm_insert_page";
}

} // namespace vmaprep
