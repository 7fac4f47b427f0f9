/*
 * Makes the syscalls a seccomp profile decides about and prints, for each, "<probe> OK" or
 * "<probe> <errno name>". Arguments are chosen so that a call the profile lets through fails with an
 * errno of the kernel's own (EBADF, EFAULT, EINVAL...) or succeeds, never with EPERM or ENOSYS.
 * Built statically at test time (critest SeccompSpec) and bind-mounted into the container. It mounts
 * and sets the hostname, so it runs only as pid 1 of its own PID namespace, never on a node.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char *probe, long result) {
    if (result < 0) {
        printf("%s %s\n", probe, strerrorname_np(errno));
    } else {
        printf("%s OK\n", probe);
    }
}

/* The result of fn in a child process, so that what it changes (tracing, namespaces) ends with it. */
static long in_child(long (*fn)(void)) {
    int pipefd[2];
    if (pipe(pipefd) < 0) {
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        long r = fn();
        int e = r < 0 ? errno : 0;
        if (write(pipefd[1], &e, sizeof e) != sizeof e) {
            _exit(2);
        }
        _exit(0);
    }
    int e = 0;
    close(pipefd[1]);
    if (pid < 0 || read(pipefd[0], &e, sizeof e) != sizeof e) {
        e = ECHILD;
    }
    waitpid(pid, NULL, 0);
    errno = e;
    return e ? -1 : 0;
}

static long traceme(void) { return ptrace(PTRACE_TRACEME, 0, 0, 0); }
static long unshare_user(void) { return unshare(CLONE_NEWUSER); }
static long unshare_files(void) { return unshare(CLONE_FILES); }
static long mount_tmpfs(void) { return mount("probe", "/tmp", "tmpfs", 0, NULL); }

static long clone_flags(unsigned long flags) {
    long pid = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
    if (pid == 0) {
        _exit(0);
    }
    if (pid > 0) {
        waitpid(pid, NULL, 0);
    }
    return pid;
}

int main(void) {
    if (getpid() != 1) {
        fprintf(stderr, "probe: runs only as a container's pid 1\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    report("io_uring_setup", syscall(SYS_io_uring_setup, 1, NULL));
    report("keyctl", syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0));
    report("userfaultfd", syscall(SYS_userfaultfd, -1));
    report("pidfd_getfd", syscall(SYS_pidfd_getfd, -1, -1, 0));
    report("mount_setattr", syscall(SYS_mount_setattr, -1, NULL, 0, NULL, 0));
    report("mount", in_child(mount_tmpfs));
    report("ptrace", in_child(traceme));
    report("unshare_user", in_child(unshare_user));
    report("unshare_files", in_child(unshare_files));
    report("clone_newuser", clone_flags(CLONE_NEWUSER));
    report("clone_plain", clone_flags(0));
    report("clone3", syscall(SYS_clone3, NULL, 0));
    report("personality_query", personality(0xffffffff));
    report("personality_read_implies_exec", personality(READ_IMPLIES_EXEC));
    report("socket_inet", socket(AF_INET, SOCK_STREAM, 0));
    report("socket_alg", socket(AF_ALG, SOCK_SEQPACKET, 0));
    report("sethostname", sethostname("probe", 5));
    return 0;
}
