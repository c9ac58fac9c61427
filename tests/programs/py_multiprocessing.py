# multiprocessing's locks are POSIX semaphores: glibc creates, maps and links them in
# /dev/shm and multiprocessing unlinks them at once. On Windows a SemLock is a kernel
# semaphore (CreateSemaphore), not a file: nothing here is a Windows file operation.
# (The pool starts with the platform's default method: fork up to 3.13, forkserver from
# 3.14, whose server listens on a socket file it unlinks; the main guard is what spawn
# and forkserver need, as on Windows.)
import multiprocessing as mp, sys

if __name__ == "__main__":
    lock = mp.Lock()
    with mp.Pool(2) as pool:
        print(sum(pool.map(abs, [-1, -2, 3])))
