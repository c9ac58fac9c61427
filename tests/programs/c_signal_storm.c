// Signals arriving while a thread is stopped in a trapped call: a second thread sends the
// first SIGUSR1 (a handler, SA_RESTART) without pause while the first removes files it
// still has open, 200 of them. Each removal is a sharing violation on Windows (the C
// runtime's open does not share delete), and each finding must name the function that
// made the call: a signal that lands after winsan received the call wakes the thread for
// a moment, and its registers must still be read.
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile int done;

static void on_signal(int sig) { (void)sig; }

static void *storm(void *arg) {
  pthread_t target = *(pthread_t *)arg;
  while (!done)
    pthread_kill(target, SIGUSR1);
  return NULL;
}

__attribute__((noinline)) static void remove_held(const char *path) {
  int fd = open(path, O_CREAT | O_WRONLY, 0644);
  unlink(path); // the finding
  close(fd);
}

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGUSR1, &sa, NULL);
  pthread_t self = pthread_self(), thread;
  pthread_create(&thread, NULL, storm, &self);
  char path[4096];
  for (int i = 0; i < 200; i++) {
    snprintf(path, sizeof path, "%s/f%d", argv[1], i);
    remove_held(path);
  }
  done = 1;
  pthread_join(thread, NULL);
  puts("done");
  return 0;
}
