/* render.c - not written yet */
