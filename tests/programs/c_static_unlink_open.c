/* A static C program (no libc.so: only the executable itself is mapped) unlinks the file
   it has open: the C runtime's _open does not share delete. Prints the fd. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
int main(int argc, char **argv) {
    char p[4096];
    snprintf(p, sizeof p, "%s/c.dat", argv[1]);
    int fd = open(p, O_CREAT | O_RDWR | O_TRUNC, 0644);
    if (fd < 0) { perror("open"); return 1; }
    if (write(fd, "x", 1) != 1) return 1;
    if (unlink(p) != 0) { perror("unlink"); return 1; }
    printf("%d\n", fd);
    close(fd);
    return 0;
}
