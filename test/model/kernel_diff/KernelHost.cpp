// The kernel side of the differential test: a zygote forked before the harness does any work, and per
// sequence an executor forked from it that runs raw system calls and reports /proc/self/smaps after each.
// The executor must not change its own address space other than through the operations it is given, so
// after its setup it allocates nothing: fixed buffers, raw system calls, a stack touched in advance.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csetjmp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "KernelDiff.h"

namespace vmaprep::kdiff {

const char* const kMnemonics[kMnemonicCount] = {"rd", "wr", "ex", "sh", "mr", "mw", "me", "ms", "gd", "pf", "lo", "io",
                                                "sr", "rr", "dc", "de", "lf", "ac", "nr", "ht", "sf", "ar", "wf", "dd",
                                                "sd", "mm", "hg", "nh", "mg", "um", "uw", "ui", "ss", "dp", "sl", "bt",
                                                "mt", "gu", "lk", "xx", "xx", "xx", "xx", "xx", "xx", "xx", "xx", "??"};

int mnemonic_index(const char* two) {
  for (int i = 0; i < kMnemonicCount - 1; ++i)
    if (kMnemonics[i][0] == two[0] && kMnemonics[i][1] == two[1]) return i;
  return -1;
}

std::string describe(const Op& op) {
  char buf[256];
  static const char* const kinds[] = {"mmap", "munmap", "mprotect", "brk", "fork", "touch"};
  static const char* const fds[] = {"-1", "memfd", "zero"};
  switch (op.kind) {
    case OpKind::Mmap:
      std::snprintf(buf, sizeof buf, "mmap(%#lx%s, %#lx, prot=%#lx, flags=%#lx, fd=%s, off=%#lx)", op.addr,
                    op.ref >= 0 ? "+ref" : "", op.len, op.prot, op.flags, fds[static_cast<int>(op.fd)], op.off);
      break;
    case OpKind::Munmap:
    case OpKind::Mprotect:
      std::snprintf(buf, sizeof buf, "%s(%#lx%s, %#lx, %#lx)", kinds[static_cast<int>(op.kind)], op.addr,
                    op.ref >= 0 ? "+ref" : "", op.len, op.prot);
      break;
    case OpKind::Brk:
    case OpKind::Touch:
      std::snprintf(buf, sizeof buf, "%s(%#lx%s)", kinds[static_cast<int>(op.kind)], op.addr,
                    op.ref >= 0 ? "+ref" : "");
      break;
    case OpKind::Fork: std::snprintf(buf, sizeof buf, "fork()"); break;
  }
  return buf;
}

namespace {

constexpr unsigned long kPage = 4096;
constexpr unsigned long kTaskSize = (1UL << 47) - kPage;

struct Shared {
  Op op;
  long result;
  HostInfo info;
  Snapshot after;
  Snapshot child;
};

Shared* shared = nullptr;
int spawn_pipe[2], cmd_pipe[2], ack_pipe[2];
pid_t zygote = -1;

// --- executor: no allocation from here on ---

char text[16 << 20];  // /proc/self/smaps

long raw(long ret) { return ret == -1 ? -errno : ret; }

bool read_all(const char* path, long* size) {
  const int fd = static_cast<int>(syscall(SYS_open, path, O_RDONLY | O_CLOEXEC));
  if (fd < 0) return false;
  long n = 0;
  for (;;) {
    // Chunks of at most 1 MiB: /proc/sys refuses reads larger than it can kmalloc.
    const long want = std::min<long>(1L << 20, static_cast<long>(sizeof text) - 1 - n);
    if (want <= 0) break;
    const long got = syscall(SYS_read, fd, text + n, want);
    if (got <= 0) break;
    n += got;
  }
  syscall(SYS_close, fd);
  text[n] = 0;
  *size = n;
  return true;
}

unsigned long parse_hex(const char*& p) {
  unsigned long v = 0;
  for (;; ++p) {
    const char c = *p;
    if (c >= '0' && c <= '9')
      v = v * 16 + (c - '0');
    else if (c >= 'a' && c <= 'f')
      v = v * 16 + (c - 'a' + 10);
    else
      return v;
  }
}

unsigned long parse_dec(const char*& p) {
  unsigned long v = 0;
  for (; *p >= '0' && *p <= '9'; ++p) v = v * 10 + (*p - '0');
  return v;
}

bool starts_with(const char* p, const char* prefix) { return std::strncmp(p, prefix, std::strlen(prefix)) == 0; }

void snapshot(Snapshot* out) {
  out->count = 0;
  out->truncated = false;
  long size = 0;
  if (!read_all("/proc/self/smaps", &size)) return;
  const char* p = text;
  KernelVma* current = nullptr;
  while (*p) {
    const char* line = p;
    while (*p && *p != '\n') ++p;
    const char* next = *p ? p + 1 : p;
    const bool header = (*line >= '0' && *line <= '9') || (*line >= 'a' && *line <= 'f');
    if (header) {
      if (out->count == kMaxVmas) {
        out->truncated = true;
        current = nullptr;
      } else {
        current = &out->vmas[out->count++];
        const char* q = line;
        current->start = parse_hex(q);
        ++q;  // '-'
        current->end = parse_hex(q);
        q += 6;  // " rwxp "
        current->pgoff = parse_hex(q) / kPage;
        ++q;
        current->dev_major = parse_hex(q);
        ++q;  // ':'
        current->dev_minor = parse_hex(q);
        ++q;
        current->inode = parse_dec(q);
        while (q < p && *q == ' ') ++q;
        current->flags = 0;
        if (q >= p || *q == '[')
          current->path = PathKind::None;
        else if (starts_with(q, "/dev/zero (deleted)") || starts_with(q, "/SYSV"))
          current->path = PathKind::DeletedShmem;
        else
          current->path = PathKind::File;
      }
    } else if (current && starts_with(line, "VmFlags:")) {
      for (const char* q = line + 8; q < p; ++q) {
        if (*q == ' ') continue;
        if (q + 1 < p) {
          const int i = mnemonic_index(q);
          current->flags |= 1ULL << (i < 0 ? kMnemonicCount - 1 : i);
        }
        ++q;
      }
    }
    p = next;
  }
}

sigjmp_buf touch_jump;
void on_fault(int sig) { siglongjmp(touch_jump, sig); }

__attribute__((noinline)) void touch_stack_in_advance() {
  volatile char pad[512 << 10];
  for (unsigned long i = 0; i < sizeof pad; i += kPage) pad[i] = 0;
}

int memfd = -1, zero_fd = -1;

void executor_setup() {
  HostInfo& info = shared->info;
  std::memset(&info, 0, sizeof info);
  memfd = static_cast<int>(syscall(SYS_memfd_create, "kdiff", 0));
  info.memfd_pages = 64;
  syscall(SYS_ftruncate, memfd, info.memfd_pages * kPage);
  zero_fd = static_cast<int>(syscall(SYS_open, "/dev/zero", O_RDWR | O_CLOEXEC));
  struct stat st;
  syscall(SYS_fstat, memfd, &st);
  info.memfd_major = major(st.st_dev);
  info.memfd_minor = minor(st.st_dev);
  info.memfd_inode = st.st_ino;
  syscall(SYS_fstat, zero_fd, &st);
  info.zero_major = major(st.st_dev);
  info.zero_minor = minor(st.st_dev);
  info.zero_inode = st.st_ino;
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_fault;
  sigaction(SIGSEGV, &sa, nullptr);
  sigaction(SIGBUS, &sa, nullptr);
  touch_stack_in_advance();

  long size = 0;
  if (read_all("/proc/self/stat", &size)) {
    // Fields after the command name (which may hold spaces): start_data is field 45, end_data 46, start_brk 47.
    const char* p = std::strrchr(text, ')');
    int field = 2;
    unsigned long start_data = 0;
    for (p = p ? p + 1 : text; *p; ++p) {
      if (*p != ' ') continue;
      ++field;
      const char* q = p + 1;
      if (field == 45) start_data = parse_dec(q);
      if (field == 46) info.end_data = parse_dec(q);
      if (field == 47) info.start_brk = parse_dec(q);
    }
    (void)start_data;
  }
  info.brk = static_cast<unsigned long>(syscall(SYS_brk, 0));
  if (read_all("/proc/self/status", &size)) {
    if (const char* cap = std::strstr(text, "CapEff:")) {
      cap += 7;
      while (*cap == '\t' || *cap == ' ') ++cap;
      info.cap_sys_rawio = (parse_hex(cap) >> 17) & 1;  // CAP_SYS_RAWIO
    }
  }
  auto read_number = [&](const char* path, unsigned long fallback) {
    long n = 0;
    if (!read_all(path, &n)) return fallback;
    const char* q = text;
    return parse_dec(q);
  };
  info.dac_mmap_min_addr = read_number("/proc/sys/vm/mmap_min_addr", 65536);
  // The effective mmap_min_addr may be raised by CONFIG_LSM_MMAP_MIN_ADDR: a hint below it is rounded up
  // to it (round_hint_to_min()), which a one-page probe shows.
  info.mmap_min_addr = info.dac_mmap_min_addr;
  const long probe = syscall(SYS_mmap, kPage, kPage, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (probe > 0 && static_cast<unsigned long>(probe) < (1UL << 20)) {
    info.mmap_min_addr = static_cast<unsigned long>(probe);
  }
  if (probe > 0) syscall(SYS_munmap, probe, kPage);
  info.max_map_count = read_number("/proc/sys/vm/max_map_count", 65530);
  info.stack_guard_gap_pages = 256;  // mm/mmap.c default; the stack_guard_gap= boot option changes it
  if (read_all("/proc/cmdline", &size)) {
    if (const char* gap = std::strstr(text, "stack_guard_gap=")) {
      gap += std::strlen("stack_guard_gap=");
      info.stack_guard_gap_pages = parse_dec(gap);
    }
  }
  struct rlimit rl;
  getrlimit(RLIMIT_STACK, &rl);
  info.rlimit_stack = rl.rlim_cur;
  info.thp = syscall(SYS_access, "/sys/kernel/mm/transparent_hugepage/enabled", F_OK) == 0;
  info.hugetlb_1g = syscall(SYS_access, "/sys/kernel/mm/hugepages/hugepages-1048576kB", F_OK) == 0;
  struct utsname uts;
  uname(&uts);
  std::snprintf(info.release, sizeof info.release, "%s %s", uts.release, uts.version);
  snapshot(&shared->after);
  if (std::getenv("VMAPREP_KDIFF_DUMP")) {  // the starting layout as the kernel prints it, for debugging
    long n = 0;
    if (read_all("/proc/self/maps", &n)) syscall(SYS_write, 2, text, n);
  }
}

long execute(const Op& op) {
  const int fd = op.fd == FdKind::Memfd ? memfd : op.fd == FdKind::Zero ? zero_fd : -1;
  switch (op.kind) {
    case OpKind::Mmap: return raw(syscall(SYS_mmap, op.addr, op.len, op.prot, op.flags, fd, op.off));
    case OpKind::Munmap: return raw(syscall(SYS_munmap, op.addr, op.len));
    case OpKind::Mprotect: return raw(syscall(SYS_mprotect, op.addr, op.len, op.prot));
    case OpKind::Brk: return syscall(SYS_brk, op.addr);
    case OpKind::Fork: {
      const long pid = syscall(SYS_fork);
      if (pid == 0) {
        snapshot(&shared->child);
        syscall(SYS_exit_group, 0);
      }
      if (pid < 0) return -errno;
      int status = 0;
      syscall(SYS_wait4, pid, &status, 0, nullptr);
      return 0;
    }
    case OpKind::Touch: {
      const int sig = sigsetjmp(touch_jump, 1);
      if (sig == 0) {
        (void)*reinterpret_cast<volatile const char*>(op.addr);
        return 0;
      }
      return sig == SIGBUS ? -EBUSY : -EFAULT;
    }
  }
  return -ENOSYS;
}

[[noreturn]] void executor() {
  executor_setup();
  char byte = 'r';
  syscall(SYS_write, ack_pipe[1], &byte, 1);
  for (;;) {
    if (syscall(SYS_read, cmd_pipe[0], &byte, 1) != 1 || byte == 'x') syscall(SYS_exit_group, 0);
    shared->result = execute(shared->op);
    snapshot(&shared->after);
    syscall(SYS_write, ack_pipe[1], &byte, 1);
  }
}

[[noreturn]] void zygote_loop() {
  close(spawn_pipe[1]);
  close(cmd_pipe[1]);
  close(ack_pipe[0]);
  char byte;
  while (read(spawn_pipe[0], &byte, 1) == 1) {
    const pid_t pid = fork();
    if (pid == 0) {
      close(spawn_pipe[0]);
      executor();
    }
    int status = 0;
    if (pid > 0) waitpid(pid, &status, 0);
    // An executor that died (rather than exiting when told to) leaves the harness waiting: say so.
    if (pid < 0 || !WIFEXITED(status)) {
      byte = 'D';
      if (write(ack_pipe[1], &byte, 1) != 1) _exit(1);
    }
  }
  _exit(0);
}

}  // namespace

bool host_start(int argc, char** argv, std::string* why) {
  (void)argc;
  const int persona = personality(0xffffffff);
  if (persona == -1) {
    *why = "personality() failed";
    return false;
  }
  if (!(persona & ADDR_NO_RANDOMIZE)) {
    // Without randomisation mmap_base is known, and every executor starts from the same layout.
    struct rlimit rl;
    if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur == RLIM_INFINITY) {
      rl.rlim_cur = 8UL << 20;  // an unlimited stack selects the legacy bottom-up layout
      setrlimit(RLIMIT_STACK, &rl);
    }
    if (personality(persona | ADDR_NO_RANDOMIZE) == -1) {
      *why = "personality(ADDR_NO_RANDOMIZE) failed";
      return false;
    }
    execv("/proc/self/exe", argv);
    *why = std::string("re-exec without randomisation failed: ") + std::strerror(errno);
    return false;
  }
  void* region = mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (region == MAP_FAILED || pipe(spawn_pipe) || pipe(cmd_pipe) || pipe(ack_pipe)) {
    *why = "cannot set up the executor's channels";
    return false;
  }
  shared = static_cast<Shared*>(region);
  std::fflush(nullptr);
  zygote = fork();
  if (zygote < 0) {
    *why = "fork failed";
    return false;
  }
  if (zygote == 0) zygote_loop();
  close(spawn_pipe[0]);
  close(cmd_pipe[0]);
  close(ack_pipe[1]);
  return true;
}

bool host_begin(Snapshot* baseline, HostInfo* info, std::string* why) {
  char byte = 's';
  if (write(spawn_pipe[1], &byte, 1) != 1 || read(ack_pipe[0], &byte, 1) != 1) {
    *why = "the executor did not start";
    return false;
  }
  *info = shared->info;
  std::memcpy(baseline, &shared->after, sizeof(Snapshot));
  return true;
}

long host_run(const Op& op, Snapshot* after, Snapshot* child) {
  shared->op = op;
  shared->child.count = 0;
  char byte = 'o';
  if (write(cmd_pipe[1], &byte, 1) != 1 || read(ack_pipe[0], &byte, 1) != 1) {
    after->count = -1;  // the executor died
    return -ENOSYS;
  }
  if (byte == 'D') {
    after->count = -1;  // the executor died
    return -ENOSYS;
  }
  after->count = shared->after.count;
  after->truncated = shared->after.truncated;
  std::memcpy(after->vmas, shared->after.vmas, sizeof(KernelVma) * shared->after.count);
  if (child) {
    child->count = shared->child.count;
    child->truncated = shared->child.truncated;
    std::memcpy(child->vmas, shared->child.vmas, sizeof(KernelVma) * shared->child.count);
  }
  return shared->result;
}

void host_end() {
  char byte = 'x';
  if (write(cmd_pipe[1], &byte, 1) != 1) return;
}

unsigned long host_mmap_base(const HostInfo& info) {
  unsigned long gap = info.rlimit_stack;
  const unsigned long pad = info.stack_guard_gap_pages * kPage;  // stack_maxrandom_size() is 0 unrandomised
  if (gap + pad > gap) gap += pad;
  const unsigned long gap_min = 128UL << 20, gap_max = kTaskSize / 6 * 5;
  if (gap < gap_min) gap = gap_min;
  if (gap > gap_max) gap = gap_max;
  return (kTaskSize - gap) & ~(kPage - 1);
}

}  // namespace vmaprep::kdiff
