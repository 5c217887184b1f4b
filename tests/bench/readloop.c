/* SPDX-License-Identifier: MIT */
/* readloop.c - time N open+read+close cycles of one file, as `cat` does them.
 *
 *   readloop FILE [N]   prints: "<ns per cycle> <bytes per read>"
 *
 * Used by scripts/bench.sh to compare a compsharefs file against the same
 * loop on a tmpfs file; a shell loop would measure fork+exec instead. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: readloop FILE [N]\n");
        return 2;
    }
    long n = argc > 2 ? atol(argv[2]) : 10000;
    char buf[65536];
    ssize_t got = 0;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < n; i++) {
        int fd = open(argv[1], O_RDONLY);
        if (fd < 0) {
            perror(argv[1]);
            return 1;
        }
        ssize_t r;
        got = 0;
        while ((r = read(fd, buf, sizeof buf)) > 0) /* until EOF, like cat */
            got += r;
        close(fd);
        if (r < 0) {
            perror("read");
            return 1;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ns = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / (double)n;
    printf("%.0f %zd\n", ns, got);
    return 0;
}
