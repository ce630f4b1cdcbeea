/* Device state for test/checker/fix/mapped-open.c (tcmu with -DMAPPED_OPEN_TCMU, else comedi) and
 * test/checker/legacy-mmap/mon-bin-direct-open.c (-DMAPPED_OPEN_MON). The krefs start at one,
 * outside the ledger, so the ledger shows exactly the references the mappings take and drop. */
#if defined(MAPPED_OPEN_MON)
static struct mon_reader_bin vmaprep_dev;
#elif defined(MAPPED_OPEN_TCMU)
static struct tcmu_dev vmaprep_dev = { .kref = KREF_INIT(1), .mmap_pages = 2 };
#else
static struct comedi_buf_map vmaprep_dev = { .refcount = KREF_INIT(1) };
#endif
int vmaprep_validate_open(struct inode *inode, struct file *file)
{
	file->private_data = &vmaprep_dev;
	return 0;
}
