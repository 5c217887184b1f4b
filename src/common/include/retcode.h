/* SPDX-License-Identifier: MIT */
/* retcode.h - the API's documented common RetCodes (compshare-api.md), named
 * once for the client's retry and errno rules and for compshare-sim's gateway.
 * Product errors have no published numbers and are matched by message words. */
#ifndef COMPSHAREFS_RETCODE_H
#define COMPSHAREFS_RETCODE_H

enum retcode {
    RETCODE_OK = 0,
    RETCODE_GATEWAY_TIMEOUT = 110,  /* the backend did not answer the gateway in 60 s */
    RETCODE_GATEWAY_FAILURE = 130,
    RETCODE_UNAVAILABLE = 150,      /* retry later */
    RETCODE_THROTTLED = 153,        /* rate limit: refused before anything ran */
    RETCODE_MISSING_ACTION = 160,
    RETCODE_UNKNOWN_ACTION = 161,
    RETCODE_MISSING_SIGNATURE = 170,
    RETCODE_BAD_SIGNATURE = 171,
    RETCODE_NO_SUCH_USER = 172,
    RETCODE_NO_SUCH_TOKEN = 174,
    RETCODE_MISSING_PARAM = 230,
    RETCODE_INVALID_PARAM = 231,
    RETCODE_NO_SUCH_PROJECT = 292,
    RETCODE_ZONE_DENIED = 293,
    RETCODE_IP_DENIED = 294,
    RETCODE_SECURITY_LOCK = 295,
    RETCODE_IAM_DENIED = 299,
};

/* Ranges the client maps as a whole. */
#define RETCODE_AUTH_FIRST RETCODE_MISSING_SIGNATURE /* 170..174: keys and users */
#define RETCODE_AUTH_LAST RETCODE_NO_SUCH_TOKEN
#define RETCODE_ACCESS_FIRST RETCODE_NO_SUCH_PROJECT /* 292..299: projects, zones, IAM */
#define RETCODE_ACCESS_LAST RETCODE_IAM_DENIED
#define RETCODE_PARAM_FIRST RETCODE_MISSING_PARAM    /* 230..299: the request's parameters */
#define RETCODE_PARAM_LAST 299

#endif
