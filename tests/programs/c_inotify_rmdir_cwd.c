/* Source: inotify(7) (opening and listing a watched directory are events: IN_OPEN,
   IN_ACCESS, IN_CLOSE_NOWRITE with IN_ISDIR) and Microsoft's RemoveDirectoryW (a process's
   current directory is held open without FILE_SHARE_DELETE). The program watches a
   directory, enters a directory in it and removes it: a finding, for which winsan must
   know that the directory is empty (Linux refuses a non-empty one anyway). On tmpfs it
   tells that from the directory's size, so the watcher sees the same events with and
   without winsan. Takes its work directory (on tmpfs) as argv[1]; prints the events. */
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2 || mkdir(argv[1], 0755) != 0 || chdir(argv[1]) != 0) return 2;
    mkdir("w", 0755);
    mkdir("w/cw", 0755);
    int in = inotify_init1(IN_NONBLOCK);
    int wd_dir = inotify_add_watch(in, "w", IN_ALL_EVENTS);
    int wd_cw = inotify_add_watch(in, "w/cw", IN_ALL_EVENTS);
    char top[4096];
    if (!getcwd(top, sizeof top)) return 2;
    if (chdir("w/cw") != 0) return 2;
    char cw[4200];
    snprintf(cw, sizeof cw, "%s/w/cw", top);
    if (rmdir(cw) != 0) perror("rmdir");
    if (chdir(top) != 0) return 2;
    usleep(50000);
    char buf[8192] __attribute__((aligned(8)));
    ssize_t n = read(in, buf, sizeof buf);
    for (char *p = buf; n > 0 && p < buf + n;) {
        struct inotify_event *e = (struct inotify_event *)p;
        const char *w = e->wd == wd_dir ? "w" : e->wd == wd_cw ? "w/cw" : "?";
        printf("%s %#x %s\n", w, e->mask, e->len ? e->name : "-");
        p += sizeof *e + e->len;
    }
    return 0;
}
