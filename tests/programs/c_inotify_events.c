/* Source: inotify(7): every open and close of a watched file or of a file in a watched
   directory is an event (IN_OPEN, IN_CLOSE_NOWRITE, with IN_ISDIR for a directory).
   winsan must not add any: a watcher (a test of a file-watching library, a dev server)
   sees the same events with and without it. Watches a directory and a file in it,
   then unlinks, replaces, truncates and renames there (the calls winsan decides), and
   prints the events in order. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

static void touch(const char *p, const char *text) {
    int fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0) { perror(p); _exit(1); }
    if (write(fd, text, strlen(text)) < 0) _exit(1);
    close(fd);
}

int main(int argc, char **argv) {
    if (argc < 2 || chdir(argv[1]) != 0) return 2;
    mkdir("w", 0755);
    mkdir("w/sub", 0755);
    touch("w/a", "a");
    touch("w/b", "b");
    touch("w/kept", "k");
    int in = inotify_init1(IN_NONBLOCK);
    int wd_dir = inotify_add_watch(in, "w", IN_ALL_EVENTS);
    int wd_sub = inotify_add_watch(in, "w/sub", IN_ALL_EVENTS);
    int wd_file = inotify_add_watch(in, "w/kept", IN_ALL_EVENTS);
    unlink("w/a");                /* a file nobody holds */
    rename("w/b", "w/kept");      /* onto a watched file */
    touch("w/c", "c");            /* a new file */
    truncate("w/c", 0);
    rename("w", "w2");            /* the watched directory, and back */
    rename("w2", "w");
    rmdir("w/sub");
    usleep(50000);
    char buf[8192] __attribute__((aligned(8)));
    ssize_t n = read(in, buf, sizeof buf);
    for (char *p = buf; n > 0 && p < buf + n;) {
        struct inotify_event *e = (struct inotify_event *)p;
        const char *w = e->wd == wd_dir ? "w" : e->wd == wd_sub ? "w/sub" : e->wd == wd_file ? "kept" : "?";
        printf("%s %#x %s\n", w, e->mask, e->len ? e->name : "-");
        p += sizeof *e + e->len;
    }
    return 0;
}
