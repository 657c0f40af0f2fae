/*
 * seccomp-time: installs one raw seccomp filter (or none) in this process and times syscalls.
 * Built by `npm run bench` (bench/kernel-timing.ts) with gcc into a temporary directory.
 *
 *   seccomp-time FILTER|none CALLS REPS NAME...
 *
 * FILTER is a file of little-endian `struct sock_filter` entries (8 bytes each). The filter is
 * installed with prctl(PR_SET_NO_NEW_PRIVS) and seccomp(SECCOMP_SET_MODE_FILTER,
 * SECCOMP_FILTER_FLAG_SPEC_ALLOW): runc adds SPEC_ALLOW when a profile sets no flags, and using it
 * for every variant keeps the speculation mitigation out of the comparison.
 *
 * NAME is getppid, personality, syslog or add_key. Only calls that cannot change anything are
 * made: personality(0xffffffff) queries the persona, syslog(SYSLOG_ACTION_SIZE_BUFFER) returns the
 * size of the kernel log buffer, add_key("", ...) fails with EINVAL on the empty key type. For REPS rounds, each NAME in turn is called CALLS times through
 * syscall(2), so the calls interleave within the process too. One line per NAME on stdout:
 *
 *   NAME BEST_NS MEDIAN_NS RESULT ERRNO
 *
 * (nanoseconds per call; RESULT/ERRNO of one untimed call, to show which verdict was timed).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef SECCOMP_FILTER_FLAG_SPEC_ALLOW
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW (1UL << 2) /* linux/seccomp.h, Linux 4.17 */
#endif
#define SYSLOG_ACTION_SIZE_BUFFER 10 /* include/linux/syslog.h */
#define MAX_NAMES 8
#define MAX_REPS 64

static long call(int which) {
  switch (which) {
  case 0: return syscall(SYS_getppid);
  /* unsigned long: the upper half of the register is 0, as the profile's 0xffffffff expects. */
  case 1: return syscall(SYS_personality, 0xffffffffUL);
  case 2: return syscall(SYS_syslog, SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);
  default: return syscall(SYS_add_key, "", NULL, NULL, 0, 0);
  }
}

static int which_of(const char *name) {
  if (strcmp(name, "getppid") == 0) return 0;
  if (strcmp(name, "personality") == 0) return 1;
  if (strcmp(name, "syslog") == 0) return 2;
  if (strcmp(name, "add_key") == 0) return 3;
  return -1;
}

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void install(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); exit(2); }
  static struct sock_filter insns[BPF_MAXINSNS + 1];
  size_t n = fread(insns, sizeof insns[0], BPF_MAXINSNS + 1, f);
  fclose(f);
  if (n == 0 || n > BPF_MAXINSNS) { fprintf(stderr, "%s: %zu instructions\n", path, n); exit(2); }
  struct sock_fprog prog = { .len = (unsigned short)n, .filter = insns };
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) { perror("prctl(PR_SET_NO_NEW_PRIVS)"); exit(2); }
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_SPEC_ALLOW, &prog) != 0) {
    perror("seccomp(SECCOMP_SET_MODE_FILTER)");
    exit(2);
  }
}

int main(int argc, char **argv) {
  if (argc < 5) { fprintf(stderr, "usage: %s FILTER|none CALLS REPS NAME...\n", argv[0]); return 2; }
  long calls = strtol(argv[2], NULL, 10);
  int reps = atoi(argv[3]);
  int count = argc - 4;
  if (calls <= 0 || reps <= 0 || reps > MAX_REPS || count > MAX_NAMES) { fprintf(stderr, "bad arguments\n"); return 2; }
  int which[MAX_NAMES];
  for (int i = 0; i < count; i++) {
    which[i] = which_of(argv[4 + i]);
    if (which[i] < 0) { fprintf(stderr, "unknown call %s\n", argv[4 + i]); return 2; }
  }
  if (strcmp(argv[1], "none") != 0) install(argv[1]);

  long result[MAX_NAMES];
  int err[MAX_NAMES];
  for (int i = 0; i < count; i++) {
    errno = 0;
    result[i] = call(which[i]);
    err[i] = result[i] == -1 ? errno : 0;
    for (long j = 0; j < calls / 10; j++) call(which[i]); /* warm up */
  }
  static double ns[MAX_NAMES][MAX_REPS];
  for (int r = 0; r < reps; r++) {
    for (int i = 0; i < count; i++) {
      int w = which[i];
      double t0 = now_ns();
      for (long j = 0; j < calls; j++) call(w);
      ns[i][r] = (now_ns() - t0) / (double)calls;
    }
  }
  for (int i = 0; i < count; i++) {
    qsort(ns[i], (size_t)reps, sizeof(double), cmp_double);
    printf("%s %.2f %.2f %ld %d\n", argv[4 + i], ns[i][0], ns[i][reps / 2], result[i], err[i]);
  }
  return 0;
}
