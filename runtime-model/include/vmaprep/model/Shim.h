// How C++ code hands driver code (written in C against the kshim headers) to the model: open a file
// whose file_operations are the driver's, then run mmap scenarios on an AddressSpace.
//
//   Kernel kernel;  KernelScope scope(kernel);
//   AddressSpace as;
//   FileHandle file = FileHandle::open({&my_fops, FMODE_READ | FMODE_WRITE, 70100});
//   WriteGuard lock = as.write_lock();
//   long addr = as.mmap(lock, file.get(), 0, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
#pragma once

#include "vmaprep/model/Kernel.h"

extern "C" {
#include <linux/fs.h>
#include <linux/mm.h>
#include <vmaprep/kapi.h>
}

namespace vmaprep::model {

// What the file is, as far as mmap(2) cares: the offset limit of mm/mmap.c file_mmap_size_max() is
// MAX_LFS_FILESIZE for regular files, block devices and sockets, ULONG_MAX for other files (character
// devices: most drivers), and none for a file whose fops set FOP_UNSIGNED_OFFSET (/dev/mem, /dev/kmem).
enum class FileKind { Regular, Block, Char, Socket, UnsignedOffset };
const char* file_kind_name(FileKind kind);

struct FileSpec {
  const struct file_operations* fops = nullptr;
  fmode_t mode = FMODE_READ | FMODE_WRITE;
  // The API level the handler's translation unit was compiled at (its VMAPREP_KAPI).
  int kapi = VMAPREP_KAPI_LATEST;
  void* inode_private = nullptr;
  dev_t rdev = 0;
  // A driver's mmap handler is normally reached through a character device.
  FileKind kind = FileKind::Char;
};

// open(2): a struct file with one reference, after fops->open() if the driver has one.
// Returns null with *error set if ->open fails.
struct file* open_file(const FileSpec& spec, int* error = nullptr);
// Drops one core reference; the last one calls fops->release() and frees the file.
void file_ref_get(struct file* file);
// The name of a vm_operations_struct the shim itself provides ("dummy", "shmem_anon", "generic_file"),
// or null for a driver's.
const char* shim_vm_ops_name(const vm_operations_struct* ops);
bool is_shmem_file(const struct file* file);
void file_ref_put(struct file* file);

class FileHandle {
 public:
  FileHandle() = default;
  static FileHandle open(const FileSpec& spec, int* error = nullptr) { return FileHandle(open_file(spec, error)); }
  explicit FileHandle(struct file* file) : file_(file) {}
  FileHandle(FileHandle&& other) noexcept : file_(other.file_) { other.file_ = nullptr; }
  FileHandle& operator=(FileHandle&& other) noexcept {
    reset();
    file_ = other.file_;
    other.file_ = nullptr;
    return *this;
  }
  ~FileHandle() { reset(); }
  void reset() {
    if (file_) file_ref_put(file_);
    file_ = nullptr;
  }
  struct file* get() const { return file_; }

 private:
  struct file* file_ = nullptr;
};

}  // namespace vmaprep::model
