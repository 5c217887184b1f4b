/* errlog.c - not written yet */
