// The JSON document (schema "vmaprep-check", version 1): top-level fields,
// one handler object with its ops sites, effects and reasons, and reasons
// citing effects by index. The handler is drivers/char/hpet.c (6.12)-shaped
// with drivers/hwtracing/stm's runtime-PM get: size from vma_pages(), a flag
// test, an uncached protection, and a remap done in a static helper whose
// error is turned into -EAGAIN.
// RUN: not %vmaprep check --format json %s -- %kflags | FileCheck %s --strict-whitespace
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pm_runtime.h>

struct hpet_dev { struct device dev; unsigned long phys; };

static int hpet_remap(struct vm_area_struct *vma, unsigned long pfn)
{
	return remap_pfn_range(vma, vma->vm_start, pfn, vma_pages(vma) << PAGE_SHIFT,
			       vma->vm_page_prot);
}

static int hpet_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct hpet_dev *devp = file->private_data;
	unsigned long size = vma_pages(vma);

	if (size != 1 || !(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	pm_runtime_get_sync(&devp->dev);
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	if (hpet_remap(vma, devp->phys >> PAGE_SHIFT))
		return -EAGAIN;
	return 0;
}

static const struct file_operations hpet_fops = {
	.owner = THIS_MODULE,
	.mmap = hpet_mmap,
};
// RUN: not %vmaprep check --format json %s -- %kflags | grep -E '^ +"kind"|^ +"id"|^ +[0-9]+,?$' | FileCheck %s --check-prefix=IDX

// Top level: keys in order (llvm::json sorts them), the handler object.
// CHECK: {{^}}{
// CHECK-NEXT: {{^}}  "api_detection": [],
// CHECK-NEXT: {{^}}  "api_level": "7.1",
// CHECK-NEXT: {{^}}  "dropped_flags": [],
// CHECK-NEXT: {{^}}  "errors": [],
// CHECK-NEXT: {{^}}  "handlers": [
// CHECK-NEXT: {{^}}    {
// CHECK-NEXT: {{^}}      "body_visible": true,
// CHECK-NEXT: {{^}}      "column": 12,
// CHECK-NEXT: {{^}}      "contract": [],
// CHECK-NEXT: {{^}}      "declarations": [],
// CHECK-NEXT: {{^}}      "effects": [
// The first effect, every field; the comparison `size != 1` of the local it
// initialises, as an extent bound:
// CHECK-NEXT: {{^}}        {
// CHECK-NEXT: {{^}}          "bounds": [
// CHECK-NEXT: {{^}}            {
// CHECK-NEXT: {{^}}              "constant": 0,
// CHECK-NEXT: {{^}}              "divisor": 1,
// CHECK-NEXT: {{^}}              "op": "!=",
// CHECK-NEXT: {{^}}              "pages": 1,
// CHECK-NEXT: {{^}}              "pgoff": 0,
// CHECK-NEXT: {{^}}              "size": 0,
// CHECK-NEXT: {{^}}              "value": 1
// CHECK-NEXT: {{^}}            }
// CHECK-NEXT: {{^}}          ],
// CHECK-NEXT: {{^}}          "column": 23,
// CHECK-NEXT: {{^}}          "detail": "",
// CHECK-NEXT: {{^}}          "end_column": 37,
// CHECK-NEXT: {{^}}          "end_line": 23,
// CHECK-NEXT: {{^}}          "file": "{{.*}}json-schema.c",
// CHECK-NEXT: {{^}}          "in_loop": false,
// CHECK-NEXT: {{^}}          "kind": "size-query",
// CHECK-NEXT: {{^}}          "line": 23,
// CHECK-NEXT: {{^}}          "macro": null,
// CHECK-NEXT: {{^}}          "name": "vma_pages",
// CHECK-NEXT: {{^}}          "operands": [],
// CHECK-NEXT: {{^}}          "text": "vma_pages(vma)",
// CHECK-NEXT: {{^}}          "via": []
// CHECK-NEXT: {{^}}        },
// A mapping effect reached through the helper, every field:
// CHECK:      {{^}}          "column": 9,
// CHECK-NEXT: {{^}}          "detail": "",
// CHECK-NEXT: {{^}}          "end_column": 29,
// CHECK-NEXT: {{^}}          "end_line": 17,
// CHECK-NEXT: {{^}}          "error_value": "-EAGAIN",
// CHECK-NEXT: {{^}}          "fed_by": [],
// CHECK-NEXT: {{^}}          "file": "{{.*}}json-schema.c",
// CHECK-NEXT: {{^}}          "in_loop": false,
// CHECK-NEXT: {{^}}          "kind": "mapping",
// CHECK-NEXT: {{^}}          "line": 16,
// CHECK-NEXT: {{^}}          "macro": null,
// CHECK-NEXT: {{^}}          "name": "remap_pfn_range",
// CHECK-NEXT: {{^}}          "operands": [
// CHECK-NEXT: {{^}}            "vma->vm_start",
// CHECK-NEXT: {{^}}            "pfn",
// CHECK-NEXT: {{^}}            "vma_pages(vma) << PAGE_SHIFT"
// CHECK-NEXT: {{^}}          ],
// CHECK-NEXT: {{^}}          "range": "whole-vma",
// CHECK-NEXT: {{^}}          "result_use": "error-mapped",
// CHECK-NEXT: {{^}}          "text": "remap_pfn_range(vma, vma->vm_start, pfn, vma_pages(vma) << PAGE_SHIFT, vma->vm_page_prot)",
// CHECK-NEXT: {{^}}          "via": [
// CHECK-NEXT: {{^}}            {
// CHECK-NEXT: {{^}}              "callee": "hpet_remap",
// CHECK-NEXT: {{^}}              "column": 6,
// CHECK-NEXT: {{^}}              "end_column": 47,
// CHECK-NEXT: {{^}}              "end_line": 29,
// CHECK-NEXT: {{^}}              "file": "{{.*}}json-schema.c",
// CHECK-NEXT: {{^}}              "line": 29,
// CHECK-NEXT: {{^}}              "macro": null
// CHECK-NEXT: {{^}}            }
// CHECK-NEXT: {{^}}          ]
// CHECK-NEXT: {{^}}        },
// The handler's own fields after its effects:
// CHECK:      {{^}}      ],
// CHECK-NEXT: {{^}}      "end_column": 21,
// CHECK-NEXT: {{^}}      "end_line": 20,
// CHECK-NEXT: {{^}}      "file": "{{.*}}json-schema.c",
// CHECK-NEXT: {{^}}      "function": "hpet_mmap",
// CHECK-NEXT: {{^}}      "hook": "mmap",
// CHECK-NEXT: {{^}}      "line": 20,
// CHECK-NEXT: {{^}}      "macro": null,
// CHECK-NEXT: {{^}}      "needed_api_level": null,
// CHECK-NEXT: {{^}}      "ops": [
// CHECK-NEXT: {{^}}        {
// CHECK-NEXT: {{^}}          "column": 2,
// CHECK-NEXT: {{^}}          "end_column": 19,
// CHECK-NEXT: {{^}}          "end_line": 36,
// CHECK-NEXT: {{^}}          "file": "{{.*}}json-schema.c",
// CHECK-NEXT: {{^}}          "form": "designated-initializer",
// CHECK-NEXT: {{^}}          "line": 36,
// CHECK-NEXT: {{^}}          "macro": null,
// CHECK-NEXT: {{^}}          "member": "mmap",
// CHECK-NEXT: {{^}}          "record": "file_operations",
// CHECK-NEXT: {{^}}          "table": "hpet_fops"
// CHECK-NEXT: {{^}}        }
// CHECK-NEXT: {{^}}      ],
// CHECK-NEXT: {{^}}      "reasons": [
// CHECK-NEXT: {{^}}        {
// CHECK-NEXT: {{^}}          "effects": [
// CHECK-NEXT: {{^}}            5
// CHECK-NEXT: {{^}}          ],
// CHECK-NEXT: {{^}}          "id": "mapped-state-with-action",
// CHECK-NEXT: {{^}}          "text": "the mapping action can fail after the VMA exists; the core then unmaps it and runs vm_ops->close without ->mapped having run, so the state cannot move to ->mapped"
// CHECK-NEXT: {{^}}        },
// CHECK-NEXT: {{^}}        {
// CHECK-NEXT: {{^}}          "effects": [],
// CHECK-NEXT: {{^}}          "id": "fails-after-state",
// CHECK-NEXT: {{^}}          "text": "the handler can still fail after it takes the state (line 30); ->mapped runs only on success"
// CHECK-NEXT: {{^}}        }
// CHECK-NEXT: {{^}}      ],
// What `vmaprep fix` would do (the rewriter's plan; null for mmap_prepare handlers):
// CHECK-NEXT: {{^}}      "rewrite": {
// CHECK-NEXT: {{^}}        "available": false,
// CHECK-NEXT: {{^}}        "differences": [],
// CHECK-NEXT: {{^}}        "new_function": "hpet_mmap_prepare",
// CHECK-NEXT: {{^}}        "refusal": {
// CHECK-NEXT: {{^}}          "column": 12,
// CHECK-NEXT: {{^}}          "end_column": 21,
// CHECK-NEXT: {{^}}          "end_line": 20,
// CHECK-NEXT: {{^}}          "file": "{{.*}}json-schema.c",
// CHECK-NEXT: {{^}}          "kind": "semantic",
// CHECK-NEXT: {{^}}          "line": 20,
// CHECK-NEXT: {{^}}          "macro": null,
// CHECK-NEXT: {{^}}          "text": "the verdict is blocked, not auto-convertible at API level 7.1 (the mapping action can fail after the VMA exists; the core then unmaps it and runs vm_ops->close without ->mapped having run, so the state cannot move to ->mapped)"
// CHECK-NEXT: {{^}}        }
// CHECK-NEXT: {{^}}      },
// CHECK-NEXT: {{^}}      "static": true,
// CHECK-NEXT: {{^}}      "verdict": "blocked"
// CHECK-NEXT: {{^}}    }
// CHECK-NEXT: {{^}}  ],
// CHECK-NEXT: {{^}}  "schema": "vmaprep-check",
// CHECK-NEXT: {{^}}  "subsystem_hooks": [],
// CHECK-NEXT: {{^}}  "summary": {
// CHECK-NEXT: {{^}}    "duplicate_database_entries": 0,
// CHECK-NEXT: {{^}}    "files_analysed": 1,
// CHECK-NEXT: {{^}}    "handlers": 1,
// CHECK-NEXT: {{^}}    "input_errors": 0,
// CHECK-NEXT: {{^}}    "subsystem_hooks": 0,
// CHECK-NEXT: {{^}}    "verdicts": {
// CHECK-NEXT: {{^}}      "blocked": 1
// CHECK-NEXT: {{^}}    }
// CHECK-NEXT: {{^}}  },
// CHECK-NEXT: {{^}}  "tables_with_both_hooks": [],
// CHECK-NEXT: {{^}}  "unresolved": [],
// CHECK-NEXT: {{^}}  "version": 1
// CHECK-NEXT: {{^}}}

// The reasons cite effects by index: 5 is the remap, 2 the PM get. (The
// x86 pgprot_noncached() macro expands its argument twice; the read is kept once.)
// IDX:      "kind": "size-query"
// IDX-NEXT: "kind": "flags-test"
// IDX-NEXT: "kind": "state-change"
// IDX-NEXT: "kind": "field-write"
// IDX-NEXT: "kind": "field-read"
// IDX-NEXT: "kind": "mapping"
// IDX-NEXT: "kind": "field-read"
// IDX-NEXT: "kind": "size-query"
// IDX-NEXT: "kind": "field-read"
// IDX-NEXT: {{^ +}}5{{$}}
// IDX-NEXT: "id": "mapped-state-with-action"
// IDX-NEXT: "id": "fails-after-state"
// The runtime-PM get cannot move to ->mapped (the action can fail after the
// VMA exists, the hook can fail after the get): blocked, with one reason
// citing an effect and one citing a line in its text.
