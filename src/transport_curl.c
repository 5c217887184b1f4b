/* transport_curl.c - not written yet */
