/* api_types.c - not written yet */
