#ifndef C_DROVER_LINUX_H
#define C_DROVER_LINUX_H

// The few Linux calls Swift cannot make directly: variadic (prctl, syscall), GNU-only
// spawn file actions, and siginfo_t's union fields. Only DroverPosix imports this module.

#include <signal.h>
#include <spawn.h>
#include <sys/types.h>

/// prctl(PR_SET_PDEATHSIG, signal): the kernel sends `signal` to this process when the
/// thread that spawned it exits. Returns 0, or -1 with errno set.
int c_drover_set_pdeathsig(int signal);

/// pidfd_open(pid, 0). The descriptor is always close-on-exec. Returns it, or -1 with errno set.
int c_drover_pidfd_open(pid_t pid);

/// waitid(P_PIDFD, pidfd, WEXITED | WNOHANG | extra_options).
/// Returns 1 and fills the out values when a child was reaped (or, with WNOWAIT, seen),
/// 0 when the child has not exited yet, and -1 with errno set on failure.
/// `out_code` is CLD_EXITED, CLD_KILLED or CLD_DUMPED; `out_status` the exit code or signal.
int c_drover_waitid_pidfd(int pidfd, int extra_options, pid_t *out_pid, int *out_code, int *out_status);

/// posix_spawn_file_actions_addchdir_np (glibc 2.29+). Returns 0 or an errno value.
int c_drover_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// posix_spawn_file_actions_addclosefrom_np (glibc 2.34+). Returns 0 or an errno value;
/// ENOSYS when this libc lacks it.
int c_drover_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int from);

/// eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), for waking a thread blocked in poll.
/// Returns the descriptor, or -1 with errno set.
int c_drover_eventfd(void);

/// pipe2(fds, O_CLOEXEC): both ends close-on-exec from birth. Returns 0, or -1 with errno set.
int c_drover_pipe_cloexec(int fds[2]);

/// The CLD_* codes, which Swift does not import from the enum in <bits/siginfo-consts.h>.
extern const int c_drover_cld_exited;
extern const int c_drover_cld_killed;
extern const int c_drover_cld_dumped;

/// SIGRTMAX, a function call in glibc; signal numbers run 1 ... SIGRTMAX.
int c_drover_sigrtmax(void);

#endif
