/* Source: C17 6.10.1 (conditional inclusion) and Microsoft's "Predefined macros" (every
   Windows compiler defines _WIN32; none defines __linux__ or __unix__); DeleteFileW of a
   file the C runtime has open (_open shares read and write, not delete):
   ERROR_SHARING_VIOLATION. The POSIX idiom of unlinking a temporary file while it is
   open is fine where the preprocessor keeps it out of a Windows build (by the system's
   macros, by the program's own macro derived from them, or after a return only Windows
   compiles); one finding: the unlink that a Windows build runs (in `everywhere`). */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static char dir[4096];

/* Create dir/name, keep it open, and return the fd; the path in p. */
static int held(const char *name, char *p, size_t n) {
    snprintf(p, n, "%s/%s", dir, name);
    int fd = open(p, O_CREAT | O_RDWR | O_TRUNC, 0644);
    if (fd < 0) { perror("open"); _exit(1); }
    return fd;
}

#ifndef _WIN32
static void anonymous_temp(void) {
    char p[4200];
    int fd = held("ifndef", p, sizeof p);
    unlink(p); /* the POSIX way to an anonymous temporary file */
    close(fd);
}
#endif

static void by_system(void) {
    char p[4200];
    int fd = held("elif", p, sizeof p);
#if defined(_WIN32)
    close(fd);
    _unlink(p);
#elif defined(__linux__) || \
      defined(__APPLE__)
    unlink(p);
    close(fd);
#endif
}

#if defined(_WIN32)
#define OS_WINDOWS 1
#else
#define OS_WINDOWS 0
#endif

/* The program's own macro, derived from _WIN32. */
static void by_own_macro(void) {
    char p[4200];
    int fd = held("own-macro", p, sizeof p);
#if !OS_WINDOWS
    unlink(p);
#endif
    close(fd);
}

/* Windows closes and removes, and returns: the unlink after is Linux's alone. */
static void returns_on_windows(void) {
    char p[4200];
    int fd = held("early-return", p, sizeof p);
#ifdef _WIN32
    close(fd); _unlink(p); return;
#endif
    unlink(p);
    close(fd);
}

static void everywhere(void) {
    char p[4200];
    int fd = held("plain", p, sizeof p);
    unlink(p); /* refused on Windows */
    close(fd);
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    snprintf(dir, sizeof dir, "%s", argv[1]);
#if !defined(_WIN32)
    anonymous_temp();
#endif
    by_system();
    by_own_macro();
    returns_on_windows();
    everywhere();
    puts("done");
    return 0;
}
