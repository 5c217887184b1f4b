/* retry.c - not written yet */
