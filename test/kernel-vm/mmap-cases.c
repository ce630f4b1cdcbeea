// mmap-cases: runs a table of mmap cases on one device node or file and prints what user space sees, one line per
// observation, so that the transcripts of an original and a converted kernel can be compared with diff.
//
//   mmap-cases TAG PATH [--open rdonly|rdwr] [--base PAGES] [--pages N] [--probe usbmon] [--hash-bytes N]
//              [--fail-nth CASE] [--cases FILE]
//   mmap-cases mkzonefs DEV
//   mmap-cases eckey SIG
//
// TAG names the target in every line. PATH "memfd_secret" is not a file: the cases run on a memfd_secret(2) file
// of --pages pages (mm/secretmem.c). PATH "io_setup" is not a file either: io_setup(2) makes the kernel map an aio
// ring through the ring file's ->mmap (fs/aio.c), and that mapping is exercised like a case's, then io_destroy(2).
// --fail-nth CASE runs no table: it sweeps /proc/thread-self/fail-nth over the one case's mmap (io_setup for the
// ring), failing its first, second, ... allocation until the call runs to its end (sweepFailNth()).
// `mmap-cases mkzonefs DEV` writes a zonefs super block to DEV and exits. --base is the page offset the cases start from (for /dev/mem, the BIOS ROM),
// --pages the size the cases are scaled to (the device's size in pages, or any size for files without one; only the
// "whole and one" case maps more than that, so a one-page device such as /dev/hpet gets one-page cases).
// --hash-bytes hashes only the first N bytes of a page: the registers of a device that change on their own (the HPET's
// main counter at 0xf0) would make every boot's hash differ.
// --probe usbmon asks the driver whether it counts a mapping (MON_IOCT_RING_SIZE answers EBUSY while mmap_active is
// non-zero), the driver-visible effect of ->mmap's vma_open call that the rewrite moves to ->mapped.
//
// Per case: the mmap result and errno; the range's /proc/self/maps entries (protection, offset, backing file) and smaps VmFlags
// (addresses left out: they differ between boots); a read of the first and last page (a hash of the page, or the
// signal); a write where the protection allows it; mprotect to read-write; mremap to one more page in place
// (VM_DONTEXPAND); munmap of a middle page; a fork whose child reads the first page; munmap. Addresses never appear
// in the output.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *Tag;
static int Fd = -1;
static const char *Probe = "";
static long PageSize;
static long HashBytes; // of a page, in touch(); default the whole page

static const char *errName(int E) {
  switch (E) {
  case 0: return "0";
  case EPERM: return "EPERM";
  case ENOENT: return "ENOENT";
  case EIO: return "EIO";
  case ENXIO: return "ENXIO";
  case EBADF: return "EBADF";
  case EAGAIN: return "EAGAIN";
  case ENOMEM: return "ENOMEM";
  case EACCES: return "EACCES";
  case EFAULT: return "EFAULT";
  case EBUSY: return "EBUSY";
  case ENODEV: return "ENODEV";
  case EINVAL: return "EINVAL";
  case EOVERFLOW: return "EOVERFLOW";
  case ENOTTY: return "ENOTTY";
  case ENOSPC: return "ENOSPC";
  default: {
    static char Buf[32];
    snprintf(Buf, sizeof Buf, "errno%d", E);
    return Buf;
  }
  }
}

static void out(const char *Case, const char *Fmt, ...) __attribute__((format(printf, 2, 3)));
static void out(const char *Case, const char *Fmt, ...) {
  va_list Ap;
  printf("%s %s: ", Tag, Case);
  va_start(Ap, Fmt);
  vprintf(Fmt, Ap);
  va_end(Ap);
  putchar('\n');
  fflush(stdout);
}

// The driver's own view of the mapping count, where it has one.
static void probe(const char *Case, const char *When) {
  if (!strcmp(Probe, "usbmon")) {
    // MON_IOCQ_RING_SIZE and MON_IOCT_RING_SIZE (drivers/usb/mon/mon_bin.c): setting the current size again
    // succeeds only while no mapping is counted.
    int Size = ioctl(Fd, _IO(0x92, 5));
    int R = ioctl(Fd, _IO(0x92, 4), (unsigned long)Size);
    out(Case, "probe %s: ring %d, resize %s", When, Size, R == 0 ? "ok" : errName(errno));
  }
}

static sigjmp_buf FaultJump;
static volatile sig_atomic_t FaultSignal;
static void onFault(int Sig) {
  FaultSignal = Sig;
  siglongjmp(FaultJump, 1);
}

// A page's content as a hash, or the signal its access raised.
static void touch(const char *Case, const char *What, volatile unsigned char *P, int Write) {
  char Res[64];
  FaultSignal = 0;
  if (sigsetjmp(FaultJump, 1) == 0) {
    // Read in 32-bit words: device registers may not answer narrower reads (QEMU's HPET returns 0 to a byte read).
    uint32_t H = 2166136261u;
    volatile uint32_t *W = (volatile uint32_t *)P;
    for (long I = 0; I < HashBytes / 4; ++I) {
      uint32_t V = W[I];
      for (int B = 0; B < 4; ++B)
        H = (H ^ ((V >> (8 * B)) & 0xff)) * 16777619u;
    }
    if (Write) {
      unsigned char Old = P[0];
      P[0] = (unsigned char)(Old ^ 0x5a);
      int Kept = P[0] == (unsigned char)(Old ^ 0x5a);
      P[0] = Old;
      snprintf(Res, sizeof Res, "hash %08x, write %s", H, Kept ? "kept" : "lost");
    } else {
      snprintf(Res, sizeof Res, "hash %08x", H);
    }
  } else {
    snprintf(Res, sizeof Res, "%s", FaultSignal == SIGBUS ? "SIGBUS" : FaultSignal == SIGSEGV ? "SIGSEGV" : "signal");
  }
  out(Case, "%s %s", What, Res);
}

// The /proc/self/maps entries inside [Lo, Hi) with their smaps VmFlags, addresses left out.
static void maps(const char *Case, uintptr_t Lo, uintptr_t Hi) {
  FILE *F = fopen("/proc/self/smaps", "r");
  if (!F) {
    out(Case, "maps: cannot open /proc/self/smaps: %s", errName(errno));
    return;
  }
  char Line[512];
  int In = 0, Count = 0;
  char Entry[256] = "";
  while (fgets(Line, sizeof Line, F)) {
    unsigned long Start, End, Off;
    char Perms[8];
    int NameAt = 0;
    if (sscanf(Line, "%lx-%lx %7s %lx %*s %*u %n", &Start, &End, Perms, &Off, &NameAt) == 4) {
      In = Start >= Lo && End <= Hi;
      if (In) {
        ++Count;
        // The backing object as maps names it ("/dev/zero", "/dev/zero (deleted)" for the shmem file
        // shmem_zero_setup() puts in its place, nothing for anonymous memory); not the inode, which a boot picks.
        char *Name = NameAt ? Line + NameAt : (char *)"";
        Name[strcspn(Name, "\n")] = 0;
        snprintf(Entry, sizeof Entry, "[+%lu pages, %lu pages] %s off %lx %s", (unsigned long)((Start - Lo) / PageSize),
                 (unsigned long)((End - Start) / PageSize), Perms, Off, *Name ? Name : "(anonymous)");
      }
    } else if (In && !strncmp(Line, "VmFlags:", 8)) {
      Line[strcspn(Line, "\n")] = 0;
      out(Case, "maps %s flags%s", Entry, Line + 8);
    }
  }
  fclose(F);
  if (!Count)
    out(Case, "maps: none");
}

struct Case {
  const char *Name;
  long Off;   // pages from --base; negative: from the end of --pages
  long Len;   // pages; -1: one more than --pages
  int Prot;
  int Flags;
  int Exact; // a --cases case: Off and Len as given, not scaled to --pages
};

// Everything after a successful mmap: the range's maps, reads and writes, mprotect, mremap, munmap of a middle page,
// fork, and (Unmap) munmap. Shared by the table's cases and by mappings the kernel made itself (io_setup's ring).
static void exercise(const char *N, unsigned char *P, size_t Len, long Count, int Prot, int Unmap) {
  uintptr_t Lo = (uintptr_t)P, Hi = Lo + Len;
  maps(N, Lo, Hi);
  probe(N, "mapped");
  if (Prot & PROT_READ) {
    touch(N, "first page", P, (Prot & PROT_WRITE) != 0);
    touch(N, "last page", P + Len - PageSize, (Prot & PROT_WRITE) != 0);
  }
  int R = mprotect(P, Len, PROT_READ | PROT_WRITE);
  out(N, "mprotect(rw) = %s", R == 0 ? "ok" : errName(errno));
  if (R == 0) {
    maps(N, Lo, Hi);
    mprotect(P, Len, Prot);
  }
  void *M = mremap(P, Len, Len + PageSize, 0);
  out(N, "mremap(+1 page, in place) = %s", M == MAP_FAILED ? errName(errno) : "ok");
  if (M != MAP_FAILED) {
    maps(N, Lo, Hi + PageSize);
    M = mremap(P, Len + PageSize, Len, 0);
    out(N, "mremap(back) = %s", M == MAP_FAILED ? errName(errno) : "ok");
  }
  if (Count >= 3) {
    long Mid = Count / 2;
    R = munmap(P + Mid * PageSize, PageSize);
    out(N, "munmap(middle page %ld) = %s", Mid, R == 0 ? "ok" : errName(errno));
    maps(N, Lo, Hi);
    probe(N, "split");
  }
  fflush(stdout);
  pid_t Child = fork();
  if (Child == 0) {
    int Status = 0;
    if (Prot & PROT_READ) {
      if (sigsetjmp(FaultJump, 1) == 0) {
        volatile unsigned char V = *(volatile unsigned char *)P;
        (void)V;
      } else {
        Status = FaultSignal == SIGBUS ? 2 : 3;
      }
    }
    _exit(Status);
  }
  int WS = 0;
  if (Child < 0) {
    out(N, "fork = %s", errName(errno));
  } else {
    waitpid(Child, &WS, 0);
    out(N, "fork: child read %s", !WIFEXITED(WS) ? "killed" : WEXITSTATUS(WS) == 0 ? "ok" : WEXITSTATUS(WS) == 2 ? "SIGBUS" : "SIGSEGV");
    probe(N, "after child exit");
  }
  if (Unmap) {
    R = munmap(P, Len);
    out(N, "munmap = %s", R == 0 ? "ok" : errName(errno));
    probe(N, "unmapped");
  }
}

// Where the case maps: its page offset from the file's start and its length in pages.
static void caseExtent(const struct Case *C, long Base, long Pages, long *Off, long *Count) {
  *Off = Base + (C->Off >= 0 || C->Exact ? C->Off : Pages + C->Off);
  *Count = C->Exact ? C->Len : C->Len < 0 ? Pages + 1 : C->Len > Pages ? Pages : C->Len;
}

// A hint with a free page on either side, so that mremap in place can grow the mapping unless the driver forbids it.
static void *freeHint(size_t Len) {
  void *Hole = mmap(NULL, Len + 2 * PageSize, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (Hole == MAP_FAILED)
    return NULL;
  munmap(Hole, Len + 2 * PageSize);
  return (char *)Hole + PageSize;
}

static void runCase(const struct Case *C, long Base, long Pages) {
  long Off, Count;
  caseExtent(C, Base, Pages, &Off, &Count);
  size_t Len = (size_t)Count * PageSize;
  const char *N = C->Name;
  out(N, "mmap(pages %ld, offset +%ld, prot %s%s%s, %s)", Count, Off - Base, C->Prot & PROT_READ ? "r" : "-",
      C->Prot & PROT_WRITE ? "w" : "-", C->Prot & PROT_EXEC ? "x" : "-",
      C->Flags & MAP_SHARED ? "shared" : "private");
  void *Hint = freeHint(Len);
  errno = 0;
  unsigned char *P = mmap(Hint, Len, C->Prot, C->Flags, Fd, (off_t)Off * PageSize);
  if (P == MAP_FAILED) {
    out(N, "mmap = %s", errName(errno));
    probe(N, "after failed mmap");
    return;
  }
  out(N, "mmap = ok%s", (void *)P == Hint ? "" : " (not at the hint)");
  exercise(N, P, Len, Count, C->Prot, 1);
}

// ---------------------------------------------------------------- io_setup(2)'s ring
static long sysIoSetup(unsigned NrEvents, unsigned long *Ctx) { return syscall(SYS_io_setup, NrEvents, Ctx); }
static long sysIoDestroy(unsigned long Ctx) { return syscall(SYS_io_destroy, Ctx); }

// The number of "[aio]" mappings (the ring file's name) in /proc/self/maps.
static int aioMappings(void) {
  FILE *F = fopen("/proc/self/maps", "r");
  if (!F)
    return -1;
  char Line[512];
  int N = 0;
  while (fgets(Line, sizeof Line, F))
    N += strstr(Line, "[aio]") != NULL;
  fclose(F);
  return N;
}

// The length of the mapping that starts at Start, from /proc/self/maps.
static size_t mappingLength(uintptr_t Start) {
  FILE *F = fopen("/proc/self/maps", "r");
  if (!F)
    return 0;
  char Line[512];
  size_t Len = 0;
  unsigned long S, E;
  while (!Len && fgets(Line, sizeof Line, F))
    if (sscanf(Line, "%lx-%lx", &S, &E) == 2 && S == Start)
      Len = E - S;
  fclose(F);
  return Len;
}

// io_setup(2) maps the context's ring through the ring file's ->mmap (fs/aio.c aio_setup_ring: do_mmap of
// aio_ring_fops), so the handler runs without a file user space could open. The mapping is then exercised like a
// case's, and io_destroy(2) unmaps it.
static void runAioRing(unsigned NrEvents) {
  const char *N = "ring";
  unsigned long Ctx = 0;
  errno = 0;
  long R = sysIoSetup(NrEvents, &Ctx);
  out(N, "io_setup(%u) = %s", NrEvents, R == 0 ? "ok" : errName(errno));
  if (R != 0)
    return;
  size_t Len = mappingLength(Ctx);
  long Count = (long)(Len / PageSize);
  // What aio_setup_ring() asked do_mmap() for, in a case's words (case-coverage.py reads it).
  out(N, "mmap(pages %ld, offset +0, prot rw-, shared)", Count);
  if (Count > 0)
    exercise(N, (unsigned char *)Ctx, Len, Count, PROT_READ | PROT_WRITE, 0);
  R = sysIoDestroy(Ctx);
  out(N, "io_destroy = %s", R == 0 ? "ok" : errName(errno));
  out(N, "[aio] mappings left: %d", aioMappings());
}

// ---------------------------------------------------------------- failure injection
// /proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION): writing N makes the N-th fault-injection point this thread
// reaches fail (failslab and fail_page_alloc, which the init script configures through debugfs to cover sleeping
// allocations of any order), and reading it back says whether that point was reached (0: the failure was injected).
static int FailNthFd = -1;

static void armFailNth(long N) {
  char B[32];
  int L = snprintf(B, sizeof B, "%ld", N);
  if (pwrite(FailNthFd, B, (size_t)L, 0) != L) {
    perror("mmap-cases: writing fail-nth");
    exit(1);
  }
}

// Disarms fail-nth and says whether the armed failure was injected.
static int failureInjected(void) {
  char B[32] = "";
  ssize_t R = pread(FailNthFd, B, sizeof B - 1, 0);
  int Injected = R > 0 && strtol(B, NULL, 10) == 0;
  armFailNth(0);
  return Injected;
}

// Sweeps fail-nth over one case's mmap (or io_setup for the ring): N = 1, 2, ... until the call runs to its end
// without reaching the N-th injection point. Each step prints the result, whether the failure was injected, what is
// left mapped in the range after a failed call (nothing may be), and the driver's count where it has one; a
// successful mapping is unmapped at once. The lines differ between kernels wherever the allocation order does, so
// run-kernel-vm.sh checks them for what must hold (nothing left, counts balanced, a clean dmesg), not for equality.
static void sweepFailNth(const struct Case *C, long Base, long Pages, int Aio) {
  const char *N = "fail-nth";
  FailNthFd = open("/proc/thread-self/fail-nth", O_RDWR);
  if (FailNthFd < 0) {
    out(N, "open /proc/thread-self/fail-nth = %s", errName(errno));
    exit(1);
  }
  long Off = 0, Count = 0;
  if (!Aio) {
    caseExtent(C, Base, Pages, &Off, &Count);
    out(N, "case %s", C->Name);
  } else {
    out(N, "case io_setup");
  }
  size_t Len = (size_t)Count * PageSize;
  long Failed = 0;
  for (long I = 1; I <= 400; ++I) {
    void *Hint = Aio ? NULL : freeHint(Len);
    unsigned long Ctx = 0;
    unsigned char *P = MAP_FAILED;
    int Err;
    armFailNth(I);
    errno = 0;
    if (Aio) {
      Err = sysIoSetup(128, &Ctx) == 0 ? 0 : errno;
    } else {
      P = mmap(Hint, Len, C->Prot, C->Flags, Fd, (off_t)Off * PageSize);
      Err = P == MAP_FAILED ? errno : 0;
    }
    int Inj = failureInjected();
    Failed += Inj && Err;
    char Left[64];
    if (Aio)
      snprintf(Left, sizeof Left, "[aio] mappings %d", aioMappings());
    else if (Err && Hint) {
      // What is left in the range the failed mmap would have used (a half-made VMA would show here).
      int Entries = 0;
      FILE *F = fopen("/proc/self/maps", "r");
      char Line[512];
      unsigned long S, E;
      while (F && fgets(Line, sizeof Line, F))
        Entries += sscanf(Line, "%lx-%lx", &S, &E) == 2 && S < (uintptr_t)Hint + Len && E > (uintptr_t)Hint;
      if (F)
        fclose(F);
      snprintf(Left, sizeof Left, "left in range %d", Entries);
    } else {
      Left[0] = 0;
    }
    out(N, "nth %ld: %s = %s, %s%s%s", I, Aio ? "io_setup" : "mmap", Err ? errName(Err) : "ok",
        Inj ? "injected" : "not reached", *Left ? ", " : "", Left);
    probe(N, Err ? "after failed call" : "mapped");
    if (!Err) {
      if (Aio)
        sysIoDestroy(Ctx);
      else
        munmap(P, Len);
      probe(N, "unmapped");
    }
    if (!Inj) {
      out(N, "done: %ld points reached, %ld injected failures failed the call", I - 1, Failed);
      return;
    }
  }
  out(N, "done: more than 400 injection points");
}

// Offsets are pages from --base; a negative one counts from the end of --pages.
static const struct Case Cases[] = {
    {"shared-r", 0, 4, PROT_READ, MAP_SHARED, 0},
    {"private-r", 0, 4, PROT_READ, MAP_PRIVATE, 0},
    {"shared-rw", 0, 4, PROT_READ | PROT_WRITE, MAP_SHARED, 0},
    {"private-rw", 0, 4, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0},
    {"shared-none", 0, 2, PROT_NONE, MAP_SHARED, 0},
    {"shared-rx", 0, 1, PROT_READ | PROT_EXEC, MAP_SHARED, 0},
    {"shared-r-one", 1, 1, PROT_READ, MAP_SHARED, 0},
    {"shared-r-tail", -5, 5, PROT_READ, MAP_SHARED, 0},
    {"shared-r-past-end", -2, 4, PROT_READ, MAP_SHARED, 0},
    {"shared-r-whole-and-one", 0, -1, PROT_READ, MAP_SHARED, 0},
};

// --cases FILE: more cases, one a line, "NAME OFFSET PAGES PROT shared|private" (OFFSET in pages from --base, PROT
// as rwx with - for a missing right), run after the table and exactly as given. test/kernel-vm/gen-cases.py writes
// them from what the analysis says the handler compares the mapping's extent with.
static struct Case *ExtraCases;
static size_t ExtraCount;
static int readCases(const char *Path) {
  FILE *F = fopen(Path, "r");
  if (!F) {
    fprintf(stderr, "mmap-cases: %s: %s\n", Path, strerror(errno));
    return -1;
  }
  char Name[64], Prot[4], Sharing[16];
  long Off, Len;
  int N;
  while ((N = fscanf(F, "%63s %ld %ld %3s %15s", Name, &Off, &Len, Prot, Sharing)) == 5) {
    if (strlen(Prot) != 3 || Off < 0 || Len <= 0 || (strcmp(Sharing, "shared") && strcmp(Sharing, "private"))) {
      fprintf(stderr, "mmap-cases: %s: bad case '%s'\n", Path, Name);
      fclose(F);
      return -1;
    }
    struct Case *Grown = realloc(ExtraCases, (ExtraCount + 1) * sizeof *Grown);
    if (!Grown)
      return -1;
    ExtraCases = Grown;
    ExtraCases[ExtraCount++] = (struct Case){strdup(Name), Off, Len,
                                             (Prot[0] == 'r' ? PROT_READ : 0) | (Prot[1] == 'w' ? PROT_WRITE : 0) |
                                                 (Prot[2] == 'x' ? PROT_EXEC : 0),
                                             !strcmp(Sharing, "shared") ? MAP_SHARED : MAP_PRIVATE, 1};
  }
  fclose(F);
  if (N != EOF) {
    fprintf(stderr, "mmap-cases: %s: a line is not NAME OFFSET PAGES PROT SHARING\n", Path);
    return -1;
  }
  return 0;
}

// `mmap-cases mkzonefs DEV`: writes a zonefs super block (fs/zonefs/zonefs.h struct zonefs_super: magic, the
// kernel's crc32_le(~0) of the 4 KiB block with the crc field zero, no features) at sector 0 of DEV, a zoned block
// device whose first zone is conventional. Debian bookworm has no mkzonefs; zonefs needs nothing else.
static int mkzonefs(const char *Dev) {
  unsigned char Super[4096];
  memset(Super, 0, sizeof Super);
  const uint32_t Magic = 0x5a4f4653; // ZONEFS_MAGIC
  memcpy(Super, &Magic, 4);          // little-endian host: the on-disk __le32
  memcpy(Super + 8, "vmaprep", 7);   // s_label
  uint32_t Crc = ~0u;                // lib/crc32.c crc32_le(~0U, ...): no final inversion
  for (size_t I = 0; I < sizeof Super; ++I) {
    Crc ^= Super[I];
    for (int B = 0; B < 8; ++B)
      Crc = (Crc >> 1) ^ (0xedb88320u & -(Crc & 1));
  }
  memcpy(Super + 4, &Crc, 4);
  int F = open(Dev, O_RDWR);
  if (F < 0 || pwrite(F, Super, sizeof Super, 0) != (ssize_t)sizeof Super || fsync(F) != 0) {
    out("mkzonefs", "%s = %s", Dev, errName(errno));
    return 1;
  }
  close(F);
  return 0;
}

// `mmap-cases eckey SIG`: adds an eCryptfs passphrase token (include/linux/ecryptfs.h struct ecryptfs_auth_tok,
// version 0.4, a 16-byte session-key encryption key) as a "user" key described by SIG to the user session keyring,
// where ecryptfs's mount (ecryptfs_sig=SIG) finds it with request_key(). What ecryptfs-utils' mount helper does
// from a passphrase; the key bytes here are fixed, so every boot encrypts alike.
struct EcryptfsSessionKey {
  uint32_t Flags, EncryptedKeySize, DecryptedKeySize;
  uint8_t EncryptedKey[512], DecryptedKey[64];
} __attribute__((packed));
struct EcryptfsPassword {
  uint32_t PasswordBytes;
  int32_t HashAlgo;
  uint32_t HashIterations, SessionKeyEncryptionKeyBytes, Flags;
  uint8_t SessionKeyEncryptionKey[64], Signature[17], Salt[8];
} __attribute__((packed));
struct EcryptfsAuthTok {
  uint16_t Version, TokenType;
  uint32_t Flags;
  struct EcryptfsSessionKey SessionKey;
  uint8_t Reserved[32];
  union {
    struct EcryptfsPassword Password;
    uint8_t PrivateKey[4 + 4 + 17 + 16 + 2]; // struct ecryptfs_private_key, for the union's size
  } Token;
} __attribute__((packed));
static int ecryptfsKey(const char *Sig) {
  struct EcryptfsAuthTok Tok;
  memset(&Tok, 0, sizeof Tok);
  Tok.Version = 0x0004;  // ECRYPTFS_VERSION_MAJOR 0x00, ECRYPTFS_VERSION_MINOR 0x04
  Tok.TokenType = 0;     // ECRYPTFS_PASSWORD
  Tok.Token.Password.SessionKeyEncryptionKeyBytes = 16;
  Tok.Token.Password.Flags = 0x02; // ECRYPTFS_SESSION_KEY_ENCRYPTION_KEY_SET
  for (int I = 0; I < 16; ++I)
    Tok.Token.Password.SessionKeyEncryptionKey[I] = (uint8_t)(0x5a + I);
  snprintf((char *)Tok.Token.Password.Signature, sizeof Tok.Token.Password.Signature, "%s", Sig);
  memcpy(Tok.Token.Password.Salt, "vmaprep!", 8);
  long Id = syscall(SYS_add_key, "user", Sig, &Tok, sizeof Tok, -5 /* KEY_SPEC_USER_SESSION_KEYRING */);
  if (Id < 0) {
    out("eckey", "add_key(user, %s) = %s", Sig, errName(errno));
    return 1;
  }
  return 0;
}

int main(int Argc, char **Argv) {
  if (Argc < 3) {
    fprintf(stderr, "usage: mmap-cases TAG PATH [--open rdonly|rdwr] [--base PAGES] [--pages N] [--probe usbmon] "
                    "[--hash-bytes N] [--fail-nth CASE] [--cases FILE]\n");
    return 2;
  }
  Tag = Argv[1];
  const char *Path = Argv[2];
  if (!strcmp(Tag, "mkzonefs"))
    return mkzonefs(Path);
  if (!strcmp(Tag, "eckey"))
    return ecryptfsKey(Path);
  const char *FailNthCase = NULL;
  int OpenFlags = O_RDWR;
  long Base = 0, Pages = 16;
  for (int I = 3; I < Argc; I += 2) {
    if (I + 1 >= Argc) {
      fprintf(stderr, "mmap-cases: option '%s' needs a value\n", Argv[I]);
      return 2;
    }
    if (!strcmp(Argv[I], "--open"))
      OpenFlags = !strcmp(Argv[I + 1], "rdonly") ? O_RDONLY : O_RDWR;
    else if (!strcmp(Argv[I], "--base"))
      Base = strtol(Argv[I + 1], NULL, 0);
    else if (!strcmp(Argv[I], "--pages"))
      Pages = strtol(Argv[I + 1], NULL, 0);
    else if (!strcmp(Argv[I], "--probe"))
      Probe = Argv[I + 1];
    else if (!strcmp(Argv[I], "--hash-bytes"))
      HashBytes = strtol(Argv[I + 1], NULL, 0);
    else if (!strcmp(Argv[I], "--fail-nth"))
      FailNthCase = Argv[I + 1];
    else if (!strcmp(Argv[I], "--cases")) {
      if (readCases(Argv[I + 1]) != 0)
        return 2;
    }
    else {
      fprintf(stderr, "mmap-cases: unknown option '%s'\n", Argv[I]);
      return 2;
    }
  }
  PageSize = sysconf(_SC_PAGESIZE);
  if (HashBytes <= 0 || HashBytes > PageSize)
    HashBytes = PageSize;
  HashBytes &= ~3L;
  struct sigaction SA;
  memset(&SA, 0, sizeof SA);
  SA.sa_handler = onFault;
  sigaction(SIGBUS, &SA, NULL);
  sigaction(SIGSEGV, &SA, NULL);

  const struct Case *FailNth = NULL;
  if (FailNthCase) {
    for (size_t I = 0; I < sizeof Cases / sizeof Cases[0]; ++I)
      if (!strcmp(Cases[I].Name, FailNthCase))
        FailNth = &Cases[I];
    if (!FailNth && strcmp(Path, "io_setup")) {
      fprintf(stderr, "mmap-cases: --fail-nth: no case '%s'\n", FailNthCase);
      return 2;
    }
  }

  if (!strcmp(Path, "io_setup")) {
    // --pages is not a size here: the ring's size follows from the number of events.
    if (FailNthCase)
      sweepFailNth(NULL, 0, 0, 1);
    else
      runAioRing(128);
    out("close", "done");
    return 0;
  }
  if (!strcmp(Path, "memfd_secret")) {
#ifndef SYS_memfd_secret
#define SYS_memfd_secret 447
#endif
    Fd = (int)syscall(SYS_memfd_secret, 0);
    if (Fd >= 0 && ftruncate(Fd, Pages * PageSize) != 0) {
      out("open", "%s: ftruncate = %s", Path, errName(errno));
      return 1;
    }
  } else {
    Fd = open(Path, OpenFlags);
  }
  if (Fd < 0) {
    out("open", "%s = %s", Path, errName(errno));
    return 1;
  }
  // The open mode is part of the transcript: a shared mapping of a file opened read-only is the only way to have
  // VM_MAYSHARE without VM_SHARED (case-coverage.py reads it).
  // So is the base: the cases' offsets are from it, the handler's vm_pgoff is not.
  if (Base)
    out("open", "%s%s, base page %ld = ok", Path, OpenFlags == O_RDONLY ? " (read-only)" : "", Base);
  else
    out("open", "%s%s = ok", Path, OpenFlags == O_RDONLY ? " (read-only)" : "");
  probe("open", "opened");
  if (FailNth)
    sweepFailNth(FailNth, Base, Pages, 0);
  else
  {
    for (size_t I = 0; I < sizeof Cases / sizeof Cases[0]; ++I)
      runCase(&Cases[I], Base, Pages);
    for (size_t I = 0; I < ExtraCount; ++I)
      runCase(&ExtraCases[I], Base, Pages);
  }
  close(Fd);
  out("close", "done");
  return 0;
}
