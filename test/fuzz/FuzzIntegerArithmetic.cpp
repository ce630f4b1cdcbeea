//===- FuzzIntegerArithmetic.cpp - the interpreter's integer arithmetic ---===//
//
// Any operator, operands, signedness and width: integerArithmetic() must not
// have undefined behaviour (UBSan aborts), must trap exactly where the
// kernel's C traps or is undefined, and must agree with a 128-bit reference
// everywhere else.
//
//===----------------------------------------------------------------------===//
#include "validation/IntegerArithmetic.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>

using namespace vmaprep;

namespace {

const char *const Ops[] = {"+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>", "==", "!=", "<", ">", "<=", ">="};

void check(bool Ok) {
  if (!Ok)
    abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  if (Size < 19)
    return 0;
  uint64_t L, R;
  memcpy(&L, Data, 8);
  memcpy(&R, Data + 8, 8);
  const char *Op = Ops[Data[16] % (sizeof(Ops) / sizeof(Ops[0]))];
  const bool Signed = Data[17] & 1;
  const unsigned Width = (Data[18] & 1) ? 64 : 32;
  // Operands as the interpreter holds them: truncated to the width.
  L = truncateInteger(L, Width, Signed);
  R = truncateInteger(R, Width, Signed);
  const ArithmeticResult Out = integerArithmetic(Op, L, R, Signed, Width);

  const __int128 SL = Signed ? __int128(int64_t(L)) : __int128(L);
  const __int128 SR = Signed ? __int128(int64_t(R)) : __int128(R);
  const bool Div = !strcmp(Op, "/") || !strcmp(Op, "%");
  const bool Shift = !strcmp(Op, "<<") || !strcmp(Op, ">>");
  const __int128 Min = -(__int128(1) << (Width - 1));
  bool Traps = false;
  if (Div)
    Traps = R == 0 || (Signed && SR == -1 && SL == Min);
  if (Shift)
    Traps = SR < 0 || SR >= Width;
  check(Traps == !Out.Trap.empty());
  if (Traps)
    return 0;
  const uint64_t Got = truncateInteger(Out.Value, Width, Signed);
  __int128 Want = 0;
  if (!strcmp(Op, "+"))
    Want = SL + SR;
  else if (!strcmp(Op, "-"))
    Want = SL - SR;
  else if (!strcmp(Op, "*"))
    Want = __int128(uint64_t(L) * uint64_t(R)); // wraps, as -fwrapv
  else if (!strcmp(Op, "/"))
    Want = SL / SR;
  else if (!strcmp(Op, "%"))
    Want = SL % SR;
  else if (!strcmp(Op, "<<"))
    Want = __int128(uint64_t(L) << unsigned(R));
  else if (!strcmp(Op, ">>"))
    Want = SL >> unsigned(R);
  else if (!strcmp(Op, "&"))
    Want = SL & SR;
  else if (!strcmp(Op, "|"))
    Want = SL | SR;
  else if (!strcmp(Op, "^"))
    Want = SL ^ SR;
  else if (!strcmp(Op, "=="))
    Want = SL == SR;
  else if (!strcmp(Op, "!="))
    Want = SL != SR;
  else if (!strcmp(Op, "<"))
    Want = SL < SR;
  else if (!strcmp(Op, ">"))
    Want = SL > SR;
  else if (!strcmp(Op, "<="))
    Want = SL <= SR;
  else if (!strcmp(Op, ">="))
    Want = SL >= SR;
  const bool Comparison = Op[0] == '=' || Op[0] == '!' || ((Op[0] == '<' || Op[0] == '>') && Op[1] != Op[0]);
  check(Comparison ? Out.Value == uint64_t(Want) : Got == truncateInteger(uint64_t(Want), Width, Signed));
  return 0;
}
