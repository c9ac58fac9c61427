/*
 * Per-call cost of the calls winsan traps most, for bench/per-call.sh:
 *   calls N   prints the mean time per call of
 *     unlink        unlinkat(dirfd, name, 0) of N files nobody holds
 *     open+rename   openat(dirfd, "t", O_WRONLY|O_CREAT|O_TRUNC) + write + close +
 *                   renameat onto one of 10 existing names, N times
 *     rmdir         unlinkat(dirfd, name, AT_REMOVEDIR) of N empty directories
 * The files are created with O_EXCL and the directories with mkdirat: untrapped.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 10000;
    const char *base = getenv("BENCH_DIR") ? getenv("BENCH_DIR") : "/dev/shm";
    char dir[256], name[32];
    snprintf(dir, sizeof dir, "%s/winsan-calls.%d", base, getpid());
    if (mkdir(dir, 0755)) { perror(dir); return 1; }
    int d = open(dir, O_RDONLY | O_DIRECTORY);

    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof name, "f%d", i);
        close(openat(d, name, O_CREAT | O_EXCL | O_WRONLY, 0644));
    }
    double t0 = now();
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof name, "f%d", i);
        unlinkat(d, name, 0);
    }
    double t1 = now();
    for (int i = 0; i < n; i++) {
        int f = openat(d, "t", O_CREAT | O_TRUNC | O_WRONLY, 0644);
        if (write(f, "x", 1) != 1) return 1;
        close(f);
        snprintf(name, sizeof name, "g%d", i % 10);
        renameat(d, "t", d, name);
    }
    double t2 = now();
    for (int i = 0; i < 10; i++) {
        snprintf(name, sizeof name, "g%d", i);
        unlinkat(d, name, 0);
    }
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof name, "d%d", i);
        mkdirat(d, name, 0755);
    }
    double t3 = now();
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof name, "d%d", i);
        unlinkat(d, name, AT_REMOVEDIR);
    }
    double t4 = now();
    printf("%.2f %.2f %.2f\n", (t1 - t0) / n * 1e6, (t2 - t1) / n * 1e6, (t4 - t3) / n * 1e6);
    close(d);
    return rmdir(dir) ? 1 : 0;
}
