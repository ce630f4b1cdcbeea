//===- IntegerArithmetic.cpp ----------------------------------------------===//
#include "validation/IntegerArithmetic.h"

#include <algorithm>

namespace vmaprep {

ArithmeticResult integerArithmetic(const std::string &Op, uint64_t L, uint64_t R, bool Signed, unsigned Width) {
  Width = std::clamp(Width, 32u, 64u);
  const int64_t SL = int64_t(L), SR = int64_t(R);
  ArithmeticResult Out;
  auto Trap = [&](std::string Why) {
    Out.Trap = std::move(Why);
    return Out;
  };
  auto Is = [&](uint64_t V) {
    Out.Value = V;
    return Out;
  };
  if (Op == "+")
    return Is(L + R);
  if (Op == "-")
    return Is(L - R);
  if (Op == "*")
    return Is(L * R);
  if (Op == "/" || Op == "%") {
    if (R == 0)
      return Trap("a division by zero (a divide error in the kernel)");
    if (Signed && truncateInteger(R, Width, true) == ~uint64_t(0)) {
      if (truncateInteger(L, Width, true) == ~uint64_t(0) << (Width - 1))
        return Trap("the minimum " + std::to_string(Width) + "-bit value divided by -1 (a divide error in the kernel)");
      return Is(Op == "/" ? uint64_t(0) - L : 0); // L / -1, without INT64_MIN / -1
    }
    if (Signed)
      return Is(Op == "/" ? uint64_t(SL / SR) : uint64_t(SL % SR));
    return Is(Op == "/" ? L / R : L % R);
  }
  if (Op == "&")
    return Is(L & R);
  if (Op == "|")
    return Is(L | R);
  if (Op == "^")
    return Is(L ^ R);
  if (Op == "<<" || Op == ">>") {
    if (R >= Width)
      return Trap("a shift by " + (Signed && SR < 0 ? std::to_string(SR) : std::to_string(R)) + " of a " +
                  std::to_string(Width) + "-bit value (undefined in C)");
    if (Op == "<<")
      return Is(L << R);
    // An arithmetic shift of a negative value, spelled without relying on it.
    if (Signed && SL < 0)
      return Is(~(~L >> R));
    return Is(L >> R);
  }
  if (Op == "==")
    return Is(L == R);
  if (Op == "!=")
    return Is(L != R);
  if (Op == "<")
    return Is(Signed ? SL < SR : L < R);
  if (Op == ">")
    return Is(Signed ? SL > SR : L > R);
  if (Op == "<=")
    return Is(Signed ? SL <= SR : L <= R);
  if (Op == ">=")
    return Is(Signed ? SL >= SR : L >= R);
  return Trap("the operator '" + Op + "'");
}

uint64_t truncateInteger(uint64_t V, unsigned Bits, bool Signed) {
  if (Bits >= 64)
    return V;
  if (Bits <= 1)
    return V != 0;
  const uint64_t Mask = (uint64_t(1) << Bits) - 1;
  V &= Mask;
  if (Signed && (V >> (Bits - 1)) & 1)
    V |= ~Mask;
  return V;
}

} // namespace vmaprep
