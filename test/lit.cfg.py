# lit configuration for vmaprep's tool tests: annotated source files whose
# RUN lines call the built tools and whose CHECK lines sit next to the code
# they are about.
import os
import lit.formats
from lit.llvm import llvm_config

config.name = "vmaprep"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".c", ".test"]
config.excludes = ["Inputs", "model", "e2e", "kernel-vm", "fuzz", "install", "CMakeLists.txt"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.vmaprep_binary_dir, "test")

llvm_config.use_default_substitutions()
llvm_config.add_tool_substitutions(["FileCheck", "not", "count", "split-file"],
                                   [config.llvm_tools_dir])

# The one kernel header tree (runtime-model/kshim/include: the kernel's spellings, gated by
# VMAPREP_KAPI) and its parse-only overlay of subsystem headers only the analysis needs.
kshim = os.path.join(config.vmaprep_source_dir, "runtime-model", "kshim")
kernel_headers = os.path.join(kshim, "include")
kernel_overlay = os.path.join(kshim, "parse-only")
config.substitutions.append(("%vmaprep", config.vmaprep_bin))
config.substitutions.append(("%kheaders", kernel_headers))
config.substitutions.append(("%koverlay", kernel_overlay))
# clang-tidy-19 by full name: the unversioned clang-tidy on these machines is 14.
# A sanitized plugin needs the sanitizer's runtime in the uninstrumented
# clang-tidy-19 that loads it.
tidy_env = ""
if getattr(config, "vmaprep_sanitize", "") and config.vmaprep_asan_runtime:
    tidy_env = "env LD_PRELOAD=" + config.vmaprep_asan_runtime + " ASAN_OPTIONS=detect_leaks=0 "
config.substitutions.append(("%clang_tidy", tidy_env + "clang-tidy-19 --load=" + config.vmaprep_tidy_plugin))
config.substitutions.append(("%run_clang_tidy", tidy_env + "run-clang-tidy-19 -load " + config.vmaprep_tidy_plugin))
# Flags a fixture driver compiles with: the kernel headers and the overlay, no C library, C as the
# kernel writes it.
config.substitutions.append(("%kflags", "-nostdinc -I" + kernel_headers + " -I" + kernel_overlay +
                             " -std=gnu11 -D__KERNEL__"))
# The same tree as vmaprep validate compiles handlers against (hosted, without the overlay).
config.substitutions.append(("%kshim", kernel_headers))

# Tests that hand files to other owners (chown) need root, as CI has.
if hasattr(os, "geteuid") and os.geteuid() == 0:
    config.available_features.add("root")

# The kernel's checkpatch.pl, from a kernel tree the e2e tests prepared (test/e2e/prepare-kernel-tree.sh):
# the patch tests run it when it is there, and say so when it is not (the kernel fix e2e runs it too).
import glob
checkpatch = sorted(glob.glob(os.path.expanduser("~/.cache/vmaprep/kernel/*/linux-source-*/scripts/checkpatch.pl")))
if checkpatch:
    config.available_features.add("checkpatch")
    config.substitutions.append(("%checkpatch", "perl " + checkpatch[-1] + " --no-tree --strict"))
else:
    lit_config.note("no kernel tree with scripts/checkpatch.pl under ~/.cache/vmaprep/kernel: "
                    "fix/checkpatch.test is UNSUPPORTED here; test/e2e/run-fix-e2e.sh runs checkpatch")
