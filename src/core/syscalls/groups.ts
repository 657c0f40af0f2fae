/**
 * Named syscall groups, so a person can write `@network` instead of twenty names. The idea of grouping syscalls by
 * purpose (filesystem, networking, ..., with the administrative ones set apart) comes from docker's old
 * `contrib/mkseccomp.sample` (described in the project seed article shared/seeds/004); these lists are our own.
 *
 * A group is a list of names covering every ABI; a name an ABI lacks is simply absent there. Groups overlap
 * (`settimeofday` is in @time, @clock and @privileged) and do not cover every syscall: `@all` does.
 */
import { allSyscallNames } from './lookup.js';

const words = (s: string): readonly string[] => Object.freeze(s.trim().split(/\s+/));

/** Reading, creating, changing and watching files, directories and their metadata. */
const FILE = words(`
  open openat openat2 creat close close_range name_to_handle_at open_by_handle_at
  stat lstat fstat stat64 lstat64 fstat64 fstatat64 newfstatat statx oldstat oldlstat oldfstat
  statfs fstatfs statfs64 fstatfs64 ustat
  access faccessat faccessat2 chmod fchmod fchmodat fchmodat2
  chown fchown lchown chown32 fchown32 lchown32 fchownat umask
  link linkat unlink unlinkat symlink symlinkat readlink readlinkat rename renameat renameat2
  mkdir mkdirat rmdir mknod mknodat
  truncate ftruncate truncate64 ftruncate64 fallocate
  chdir fchdir getcwd getdents getdents64 readdir
  utime utimes utimensat utimensat_time64 futimesat
  setxattr lsetxattr fsetxattr getxattr lgetxattr fgetxattr listxattr llistxattr flistxattr
  removexattr lremovexattr fremovexattr setxattrat getxattrat listxattrat removexattrat
  file_getattr file_setattr
  fcntl fcntl64 flock fsync fdatasync sync syncfs sync_file_range sync_file_range2 arm_sync_file_range
  fadvise64 fadvise64_64 arm_fadvise64_64 readahead cachestat
  inotify_init inotify_init1 inotify_add_watch inotify_rm_watch fanotify_init fanotify_mark
  copy_file_range sendfile sendfile64 splice tee
`);

/** Reading and writing descriptors, waiting for them, asynchronous I/O. */
const IO = words(`
  read write readv writev pread64 pwrite64 preadv pwritev preadv2 pwritev2 lseek _llseek
  dup dup2 dup3 close close_range pipe pipe2 ioctl
  poll ppoll ppoll_time64 select _newselect pselect6 pselect6_time64
  epoll_create epoll_create1 epoll_ctl epoll_ctl_old epoll_wait epoll_wait_old epoll_pwait epoll_pwait2
  eventfd eventfd2 sendfile sendfile64 splice tee vmsplice copy_file_range
  io_setup io_destroy io_submit io_cancel io_getevents io_pgetevents io_pgetevents_time64
  io_uring_setup io_uring_enter io_uring_register
`);

/** Sockets (and x86-style socketcall). */
const NETWORK = words(`
  socket socketpair bind connect listen accept accept4 getsockname getpeername
  send recv sendto recvfrom sendmsg recvmsg sendmmsg recvmmsg recvmmsg_time64
  shutdown setsockopt getsockopt socketcall
`);

/** Creating, running, identifying and limiting processes and threads. */
const PROCESS = words(`
  fork vfork clone clone3 execve execveat exit exit_group wait4 waitid waitpid
  getpid getppid gettid getpgid setpgid getpgrp getsid setsid set_tid_address
  getuid geteuid getgid getegid getuid32 geteuid32 getgid32 getegid32
  setuid setgid setreuid setregid setresuid setresgid getresuid getresgid
  setuid32 setgid32 setreuid32 setregid32 setresuid32 setresgid32 getresuid32 getresgid32
  getgroups setgroups getgroups32 setgroups32 setfsuid setfsgid setfsuid32 setfsgid32
  capget capset prctl arch_prctl personality unshare setns
  pidfd_open pidfd_getfd pidfd_send_signal kcmp
  getrlimit setrlimit ugetrlimit prlimit64 ulimit getrusage times
  getpriority setpriority nice ioprio_get ioprio_set getcpu
  sched_setparam sched_getparam sched_setscheduler sched_getscheduler sched_yield
  sched_get_priority_max sched_get_priority_min sched_rr_get_interval sched_rr_get_interval_time64
  sched_setaffinity sched_getaffinity sched_setattr sched_getattr
  set_thread_area get_thread_area set_tls get_tls modify_ldt
  set_robust_list get_robust_list futex futex_time64 futex_waitv futex_wake futex_wait futex_requeue
  rseq rseq_slice_yield membarrier restart_syscall
  uname olduname oldolduname sysinfo getrandom
`);

/** Address space: mapping, protection, locking, NUMA policy, special memory. */
const MEMORY = words(`
  brk mmap mmap2 munmap mremap mprotect pkey_mprotect pkey_alloc pkey_free mseal map_shadow_stack
  madvise process_madvise process_mrelease mincore msync remap_file_pages
  mlock mlock2 munlock mlockall munlockall
  mbind set_mempolicy get_mempolicy set_mempolicy_home_node migrate_pages move_pages
  memfd_create memfd_secret userfaultfd getpagesize
  cacheflush cachectl riscv_flush_icache subpage_prot
`);

/** Reading time, sleeping, timers (setting the clock is @clock). */
const TIME = words(`
  time gettimeofday clock_gettime clock_gettime64 clock_getres clock_getres_time64
  nanosleep clock_nanosleep clock_nanosleep_time64
  alarm getitimer setitimer
  timer_create timer_settime timer_settime64 timer_gettime timer_gettime64 timer_getoverrun timer_delete
  timerfd timerfd_create timerfd_settime timerfd_settime64 timerfd_gettime timerfd_gettime64
  times ftime
  stime settimeofday adjtimex clock_adjtime clock_adjtime64 clock_settime clock_settime64
`);

/** Setting or steering the system clock (CAP_SYS_TIME). */
const CLOCK = words(`
  stime settimeofday adjtimex clock_adjtime clock_adjtime64 clock_settime clock_settime64
`);

/** SysV IPC (direct and through ipc(2)) and POSIX message queues. */
const IPC = words(`
  ipc semget semop semctl semtimedop semtimedop_time64 msgget msgsnd msgrcv msgctl shmget shmat shmdt shmctl
  mq_open mq_unlink mq_timedsend mq_timedsend_time64 mq_timedreceive mq_timedreceive_time64 mq_notify mq_getsetattr
`);

/** Kernel modules. */
const MODULE = words(`
  init_module finit_module delete_module create_module query_module get_kernel_syms
`);

/** Sending, catching and waiting for signals. */
const SIGNAL = words(`
  kill tkill tgkill pidfd_send_signal
  rt_sigaction rt_sigprocmask rt_sigreturn rt_sigsuspend rt_sigpending rt_sigtimedwait rt_sigtimedwait_time64
  rt_sigqueueinfo rt_tgsigqueueinfo
  sigaction signal sigprocmask sigreturn sigsuspend sigpending sigaltstack sgetmask ssetmask
  signalfd signalfd4 pause restart_syscall
`);

/** Administering the machine: mounts, swap, reboot, host names, accounting, quotas, kexec, logs. */
const SYSTEM = words(`
  mount umount umount2 mount_setattr move_mount open_tree open_tree_attr fsopen fsconfig fsmount fspick
  statmount listmount pivot_root chroot
  swapon swapoff reboot kexec_load kexec_file_load
  sethostname setdomainname acct quotactl quotactl_fd syslog sysfs _sysctl
  vhangup nfsservctl bdflush ioperm iopl idle pciconfig_iobase pciconfig_read pciconfig_write
  lookup_dcookie uselib sysmips rtas s390_pci_mmio_read s390_pci_mmio_write
`);

/** Looking into or instrumenting other processes and the kernel. */
const DEBUG = words(`
  ptrace process_vm_readv process_vm_writev perf_event_open bpf kcmp lookup_dcookie
  uprobe uretprobe breakpoint s390_runtime_instr s390_guarded_storage sys_debug_setcontext
`);

/** The kernel key retention service. */
const KEYRING = words(`
  add_key request_key keyctl
`);

/** Restricting oneself: seccomp, Landlock, LSM attributes. */
const SANDBOX = words(`
  seccomp landlock_create_ruleset landlock_add_rule landlock_restrict_self
  lsm_get_self_attr lsm_set_self_attr lsm_list_modules
`);

/**
 * Calls whose main purpose needs a capability in the initial namespace (CAP_SYS_ADMIN, CAP_SYS_MODULE,
 * CAP_SYS_TIME, CAP_SYS_BOOT, CAP_SYS_RAWIO, ...), or that container profiles gate on one (setns, unshare, bpf).
 */
const PRIVILEGED = words(`
  mount umount umount2 mount_setattr move_mount open_tree open_tree_attr fsopen fsconfig fsmount fspick
  pivot_root chroot swapon swapoff reboot kexec_load kexec_file_load
  init_module finit_module delete_module create_module
  sethostname setdomainname acct quotactl quotactl_fd syslog _sysctl vhangup nfsservctl bdflush
  ioperm iopl idle pciconfig_iobase pciconfig_read pciconfig_write rtas s390_pci_mmio_read s390_pci_mmio_write
  stime settimeofday adjtimex clock_adjtime clock_adjtime64 clock_settime clock_settime64
  setns unshare bpf lookup_dcookie open_by_handle_at fanotify_init
`);

/** The groups by name (without `@`). `all` is computed: every known syscall. */
export const GROUPS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  file: FILE,
  io: IO,
  network: NETWORK,
  process: PROCESS,
  memory: MEMORY,
  time: TIME,
  clock: CLOCK,
  ipc: IPC,
  module: MODULE,
  signal: SIGNAL,
  system: SYSTEM,
  debug: DEBUG,
  keyring: KEYRING,
  sandbox: SANDBOX,
  privileged: PRIVILEGED,
});

/** Other spellings of group names. */
const GROUP_ALIASES: Readonly<Record<string, string>> = Object.freeze({ admin: 'system', net: 'network', fs: 'file' });

/** The group names, `@`-prefixed, `@all` first. */
export function groupNames(): string[] {
  return ['@all', ...Object.keys(GROUPS).map((g) => `@${g}`)];
}

/**
 * The members of a group (`@network` or `network`, case-insensitive; `@admin` = `@system`), or undefined for
 * an unknown group.
 */
export function expandGroup(group: string): string[] | undefined {
  let key = group.trim().toLowerCase();
  if (key.startsWith('@')) key = key.slice(1);
  if (key === 'all') return [...allSyscallNames()];
  if (Object.hasOwn(GROUP_ALIASES, key)) key = GROUP_ALIASES[key];
  return Object.hasOwn(GROUPS, key) ? [...new Set(GROUPS[key])] : undefined;
}
