/*
 * The floor of seccomp user notification on this machine, for bench/run-bench.sh.
 *
 *   floor continue CMD...   answer every trapped call CONTINUE at once
 *   floor minimal  CMD...   first do the least a decision needs, then CONTINUE
 *
 * Same trap set as `winsan run` for the benchmark's workloads: write/create/truncate
 * opens (not O_EXCL creates), unlink/unlinkat/rmdir, rename/renameat/renameat2, truncate.
 * "The least a decision needs", per path argument: read the path from the caller
 * (process_vm_readv), resolve its dirfd (pidfd_getfd, cached and checked with kcmp) or
 * its cwd (/proc/TID), stat it, and for a regular file run the "is anyone holding it"
 * probe (open, F_SETLEASE F_WRLCK, close). No /proc scan, no model, no report: what is
 * left of winsan's time above this line is what winsan adds.
 *
 * x86_64 only; a measuring tool, not part of winsan.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/kcmp.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#define SYNC_WAKE_UP 1

static int listener, minimal;

static int send_fd(int sock, int fd) {
    char byte = 0, ctl[CMSG_SPACE(sizeof(int))];
    struct iovec io = {&byte, 1};
    struct msghdr m = {.msg_iov = &io, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl};
    struct cmsghdr *h = CMSG_FIRSTHDR(&m);
    h->cmsg_level = SOL_SOCKET;
    h->cmsg_type = SCM_RIGHTS;
    h->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(h), &fd, sizeof fd);
    return sendmsg(sock, &m, 0);
}

static int recv_fd(int sock) {
    char byte, ctl[CMSG_SPACE(sizeof(int))];
    struct iovec io = {&byte, 1};
    struct msghdr m = {.msg_iov = &io, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl};
    if (recvmsg(sock, &m, 0) <= 0) return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof fd);
    return fd;
}

/* One cached dirfd copy and one cached /proc/TID directory. */
static int copy_tid = -1, copy_fd = -1, copy_of = -1, pidfd = -1, self_pid;
static int proc_tid = -1, proc_dir = -1;

static int dirfd_copy(int tid, int fd) {
    if (copy_tid != tid) {
        if (pidfd >= 0) close(pidfd);
        pidfd = syscall(__NR_pidfd_open, tid, 0);
        if (copy_fd >= 0) close(copy_fd);
        copy_fd = -1;
        copy_tid = tid;
    }
    if (copy_fd >= 0 && copy_of == fd && syscall(__NR_kcmp, self_pid, tid, KCMP_FILE, copy_fd, fd) == 0)
        return copy_fd;
    if (copy_fd >= 0) close(copy_fd);
    copy_fd = syscall(__NR_pidfd_getfd, pidfd, fd, 0);
    copy_of = fd;
    return copy_fd;
}

static void decide_path(int tid, long dirfd, unsigned long addr) {
    char buf[16 + 4096], *path = buf + 8;
    struct iovec local = {path, 512}, remote = {(void *)addr, 512};
    if (syscall(__NR_process_vm_readv, tid, &local, 1, &remote, 1, 0) <= 0) return;
    path[511] = 0;
    int dir = AT_FDCWD;
    if (path[0] != '/') {
        if ((int)dirfd == AT_FDCWD) {
            if (proc_tid != tid) {
                char p[32];
                snprintf(p, sizeof p, "/proc/%d", tid);
                if (proc_dir >= 0) close(proc_dir);
                proc_dir = open(p, O_PATH | O_DIRECTORY);
                proc_tid = tid;
            }
            dir = proc_dir;
            path -= 4;
            memcpy(path, "cwd/", 4);
        } else {
            dir = dirfd_copy(tid, (int)dirfd);
        }
    }
    struct stat st;
    if (fstatat(dir, path, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode)) {
        int f = openat(dir, path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOATIME | O_CLOEXEC);
        if (f >= 0) {
            fcntl(f, F_SETLEASE, F_WRLCK);
            close(f);
        }
    }
}

static void *serve(void *unused) {
    (void)unused;
    for (;;) {
        struct seccomp_notif n;
        memset(&n, 0, sizeof n);
        if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &n)) {
            struct stat st;
            if (fstat(listener, &st)) break;
            continue; /* ENOENT with users left, or EINTR */
        }
        unsigned long long *a = n.data.args;
        if (minimal) switch (n.data.nr) {
            case __NR_open: case __NR_unlink: case __NR_rmdir: case __NR_truncate:
                decide_path(n.pid, AT_FDCWD, a[0]); break;
            case __NR_openat: case __NR_unlinkat:
                decide_path(n.pid, (long)a[0], a[1]); break;
            case __NR_rename:
                decide_path(n.pid, AT_FDCWD, a[0]); decide_path(n.pid, AT_FDCWD, a[1]); break;
            case __NR_renameat: case __NR_renameat2:
                decide_path(n.pid, (long)a[0], a[1]); decide_path(n.pid, (long)a[2], a[3]); break;
        }
        struct seccomp_notif_resp r = {n.id, 0, 0, SECCOMP_USER_NOTIF_FLAG_CONTINUE};
        ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &r);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 3 || (strcmp(argv[1], "continue") && strcmp(argv[1], "minimal"))) {
        fprintf(stderr, "usage: floor continue|minimal CMD...\n");
        return 2;
    }
    minimal = !strcmp(argv[1], "minimal");
    self_pid = getpid();
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    pid_t child = fork();
    if (child == 0) {
        const int write_flags = O_WRONLY | O_RDWR | O_CREAT | O_TRUNC;
        struct sock_filter f[] = {
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_openat, 0, 4),        /* 1 */
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2])),
            BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, O_EXCL, 1, 0),            /* 3: -> allow */
            BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, write_flags, 12, 0),     /* 4: -> notify */
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),                  /* 5 */
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_open, 0, 3),          /* 6 */
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1])),
            BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, O_EXCL, 7, 0),            /* 8: -> allow */
            BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, write_flags, 7, 6),      /* 9 */
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_unlinkat, 6, 0),      /* 10 */
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_unlink, 5, 0),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_rmdir, 4, 0),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_rename, 3, 0),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_renameat, 2, 0),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_renameat2, 1, 0),     /* 15 */
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),                  /* 16 */
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),             /* 17 */
        };
        struct sock_fprog prog = {sizeof f / sizeof f[0], f};
        prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        int l = syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER,
                        SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_SPEC_ALLOW, &prog);
        if (l < 0) { perror("seccomp"); _exit(125); }
        send_fd(sv[1], l);
        close(l);
        char go;
        if (read(sv[1], &go, 1) != 1) _exit(125);
        execvp(argv[2], argv + 2);
        perror(argv[2]);
        _exit(127);
    }
    listener = recv_fd(sv[0]);
    ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SYNC_WAKE_UP, 0);
    pthread_t t;
    pthread_create(&t, NULL, serve, NULL);
    if (write(sv[0], "x", 1) != 1) return 125;
    int status;
    waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
