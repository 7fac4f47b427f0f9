/* Stands in for nginx in critest's web server image, with what critest's specs look for: a
 * process named nginx whose command line says "master process", its pid in /var/run/nginx.pid,
 * and a web server on port 80 (busybox httpd as its one worker). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define TITLE "nginx: master process nginx -g daemon off;"

static volatile pid_t worker;

static void stop(int sig) {
    (void) sig;
    if (worker > 0) {
        kill(worker, SIGTERM);
    }
    _exit(0);
}

int main(int argc, char **argv) {
    (void) argc;
    if (strcmp(argv[0], TITLE) != 0) {
        char *title[] = {TITLE, NULL};
        execv("/usr/sbin/nginx", title);
        perror("exec /usr/sbin/nginx");
        return 1;
    }
    FILE *pid = fopen("/var/run/nginx.pid", "w");
    if (pid == NULL) {
        perror("/var/run/nginx.pid");
        return 1;
    }
    fprintf(pid, "%d\n", (int) getpid());
    fclose(pid);
    signal(SIGTERM, stop);
    signal(SIGINT, stop);
    signal(SIGQUIT, stop);
    worker = fork();
    if (worker == 0) {
        execl("/bin/httpd", "httpd", "-f", "-p", "80", "-h", "/var/www", (char *) NULL);
        _exit(127);
    }
    int status;
    while (waitpid(worker, &status, 0) < 0) {
    }
    return 1;
}
