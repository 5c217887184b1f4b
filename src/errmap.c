/* errmap.c - not written yet */
