/* SPDX-License-Identifier: MIT */
/* sim_http.h - compshare-sim's HTTP server (libmicrohttpd). */
#ifndef SIM_HTTP_H
#define SIM_HTTP_H

#include <stddef.h>

#include "sim_server.h"

/* Start serving on listen ("ADDR:PORT", "[V6]:PORT"); writes the URL served
 * into url. Returns 0, or -1 with a message on stderr. */
int sim_http_start(sim_server *s, const char *listen, char *url, size_t urllen);
/* Close hung and delayed requests, then stop the server. */
void sim_http_stop(sim_server *s);

#endif
