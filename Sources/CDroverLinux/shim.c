#define _GNU_SOURCE
#include "CDroverLinux.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

const int c_drover_cld_exited = CLD_EXITED;
const int c_drover_cld_killed = CLD_KILLED;
const int c_drover_cld_dumped = CLD_DUMPED;

int c_drover_set_pdeathsig(int signal) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0UL, 0UL, 0UL);
}

int c_drover_pidfd_open(pid_t pid) {
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}

int c_drover_waitid_pidfd(int pidfd, int extra_options, pid_t *out_pid, int *out_code, int *out_status) {
    siginfo_t info = {0};
    // si_pid stays 0 under WNOHANG when the child is still running.
    if (waitid(P_PIDFD, (id_t)pidfd, &info, WEXITED | WNOHANG | extra_options) != 0) {
        return -1;
    }
    if (info.si_pid == 0) {
        return 0;
    }
    *out_pid = info.si_pid;
    *out_code = info.si_code;
    *out_status = info.si_status;
    return 1;
}

int c_drover_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}

int c_drover_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int from) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
#else
    (void)actions;
    (void)from;
    return ENOSYS;
#endif
}

int c_drover_sigrtmax(void) {
    return SIGRTMAX;
}

int c_drover_eventfd(void) {
    return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

int c_drover_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}
