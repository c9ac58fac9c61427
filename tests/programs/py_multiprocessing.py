# multiprocessing's locks are POSIX semaphores: glibc creates, maps and links them in
# /dev/shm and multiprocessing unlinks them at once. On Windows a SemLock is a kernel
# semaphore (CreateSemaphore), not a file: nothing here is a Windows file operation.
import multiprocessing as mp, sys
lock = mp.Lock()
with mp.Pool(2) as pool:
    print(sum(pool.map(abs, [-1, -2, 3])))
