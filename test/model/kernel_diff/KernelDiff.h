// The differential test of the runtime model against the machine's kernel: what the two halves share.
// KernelHost.cpp drives the real kernel (system headers only: the kernel API shim shadows <linux/*.h>),
// KernelDiff.cpp drives the model and compares (model headers only). Everything here is plain data.
#pragma once

#include <string>

namespace vmaprep::kdiff {

enum class OpKind : int { Mmap, Munmap, Mprotect, Brk, Fork, Touch };
enum class FdKind : int { None, Memfd, Zero };

// One system call (or a fork, or a read access that may grow a stack) with its raw arguments. ref >= 0
// adds the result of an earlier step of the sequence to addr (hand-written sequences unmap what a
// placement returned).
struct Op {
  OpKind kind = OpKind::Mmap;
  FdKind fd = FdKind::None;
  unsigned long addr = 0, len = 0, prot = 0, flags = 0, off = 0;
  int ref = -1;
};
std::string describe(const Op& op);

// One VMA as /proc/self/smaps shows it. flags is a bit set over kMnemonics (VmFlags); pgoff is what the
// kernel prints (0 for anonymous memory, which hides vm_pgoff).
enum class PathKind : int { None, File, DeletedShmem };
struct KernelVma {
  unsigned long start, end, pgoff;
  unsigned long long flags;
  unsigned long dev_major, dev_minor, inode;
  PathKind path;
};
inline constexpr int kMaxVmas = 4096;
struct Snapshot {
  int count;
  bool truncated;
  KernelVma vmas[kMaxVmas];
};
inline constexpr int kMnemonicCount = 48;
extern const char* const kMnemonics[kMnemonicCount];
int mnemonic_index(const char* two_letters);  // -1 if unknown

// What the model needs to mirror the process the sequence runs in.
struct HostInfo {
  unsigned long start_brk, end_data, brk;
  unsigned long mmap_min_addr, dac_mmap_min_addr, max_map_count, rlimit_stack, stack_guard_gap_pages;
  unsigned long memfd_major, memfd_minor, memfd_inode, memfd_pages;
  unsigned long zero_major, zero_minor, zero_inode;
  bool thp, hugetlb_1g, cap_sys_rawio;
  char release[128];
};

// The kernel side. start() re-executes the program without address-space randomisation (so mmap_base and
// start_brk are known and every sequence starts from the same layout) and forks a zygote that forks one
// executor per sequence; executors run raw system calls and report /proc/self/smaps after each.
bool host_start(int argc, char** argv, std::string* why);
// Starts an executor; fills the layout it starts from.
bool host_begin(Snapshot* baseline, HostInfo* info, std::string* why);
// Runs one operation in the executor; returns the raw result (an address, a brk value, or -errno; a
// touch returns 0 or -EFAULT for SIGSEGV). For a fork, *child is the child's layout.
long host_run(const Op& op, Snapshot* after, Snapshot* child);
void host_end();
// The mmap_base of a process without randomisation (arch/x86/mm/mmap.c mmap_base()).
unsigned long host_mmap_base(const HostInfo& info);

}  // namespace vmaprep::kdiff
