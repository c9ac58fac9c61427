/* A C finding made deep in a recursion: winsan unwinds at most 64 machine frames and
   says when the program's frames go on past the last it names (the C library's start-up
   below main does not count). Each call unlinks a file the program still has open (the
   C runtime's _open does not share delete): 5 deep, named whole; 100 deep, cut with the
   mark. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

__attribute__((noinline)) static void down(const char *p, int depth) {
    if (depth > 0)
        down(p, depth - 1); /* recursing */
    else
        unlink(p); /* the call */
    __asm__ volatile(""); /* no tail call: each level keeps its frame */
}

int main(int argc, char **argv) {
    static const struct { const char *name; int depth; } calls[] = {{"shallow", 5}, {"deep", 100}};
    for (int i = 0; i < 2; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", argv[1], calls[i].name);
        int fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, 0644);
        if (fd < 0) { perror("open"); return 1; }
        down(p, calls[i].depth); /* main's call */
        close(fd);
    }
    return 0;
}
