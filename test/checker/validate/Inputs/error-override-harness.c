/* What test/checker/fix/error-override.c (/dev/mem) declares but does not define: every physical
 * range is allowed and keeps the protection it asks for. */
const struct vm_operations_struct mmap_mem_ops = { };

int phys_mem_access_prot_allowed(struct file *file, unsigned long pfn, unsigned long size, pgprot_t *vma_prot)
{
	return 1;
}

pgprot_t phys_mem_access_prot(struct file *file, unsigned long pfn, unsigned long size, pgprot_t vma_prot)
{
	return vma_prot;
}
