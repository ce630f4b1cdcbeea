// Compiles only with VMAPREP_WITH_WRITE_LOCK: a mutation needs the WriteGuard; a ReadGuard must not do.
#include "vmaprep/model/AddressSpace.h"

int main() {
  vmaprep::model::AddressSpace as;
#ifdef VMAPREP_WITH_WRITE_LOCK
  vmaprep::model::WriteGuard lock = as.write_lock();
#else
  vmaprep::model::ReadGuard lock = as.read_lock();
#endif
  return as.munmap(lock, 0x10000000UL, 4096);
}
