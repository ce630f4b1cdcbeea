//===- IntegerArithmetic.h - the kernel's C integer arithmetic ------------===//
//
// What the interpreter computes for a binary operator on integers, as the
// kernel's C does it: values are held in 64 bits (sign-extended when signed)
// and truncated to their type afterwards. Signed overflow wraps (the kernel
// builds with -fno-strict-overflow); a division by zero and the minimum value
// divided by -1 trap on x86 (a divide error, an oops); a shift by the width of
// the promoted left operand or more, or by a negative count, is undefined.
// Those three are reported as a trap, never computed: the caller refuses the
// run. Nothing here has undefined behaviour in C++ for any input (the
// fuzz target test/fuzz/FuzzIntegerArithmetic.cpp checks it under UBSan).
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_VALIDATION_INTEGERARITHMETIC_H
#define VMAPREP_VALIDATION_INTEGERARITHMETIC_H

#include <cstdint>
#include <string>

namespace vmaprep {

struct ArithmeticResult {
  uint64_t Value = 0;
  /// Why the kernel would trap or the C is undefined; empty when Value holds.
  std::string Trap;
};

/// \p Op is the C spelling ("+", "<<", "<=", ...); \p Width the width in bits
/// of the type the operation is done in (the usual arithmetic conversions, or
/// the promoted left operand for a shift), at least 32 by integer promotion.
ArithmeticResult integerArithmetic(const std::string &Op, uint64_t L, uint64_t R, bool Signed, unsigned Width);

/// \p V truncated to \p Bits (1 is _Bool), sign-extended when \p Signed.
uint64_t truncateInteger(uint64_t V, unsigned Bits, bool Signed);

} // namespace vmaprep

#endif
