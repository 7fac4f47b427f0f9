/* critest's NoNewPrivs specs run this as a set-user-ID-root program and read its one line: with
 * no_new_privs the kernel ignores the set-user-ID bit and the effective uid stays the caller's. */
#include <stdio.h>
#include <unistd.h>

int main(void) {
    printf("Effective uid: %d\n", (int) geteuid());
    return 0;
}
