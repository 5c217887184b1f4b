/* fs_fuse.c - not written yet */
