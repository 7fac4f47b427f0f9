/*
 * An i386 program without libc (gcc -m32 -nostdlib -static -DNR=<i386 syscall number>): makes syscall NR
 * with the arguments (1, 0) through int 0x80, the 32-bit compat entry, and exits with its errno (0 when it
 * succeeds). critest SeccompSpec checks with it that RuntimeDefault filters the compat ABI too.
 */
void _start(void) {
    long result;
    __asm__ volatile ("int $0x80" : "=a"(result) : "a"(NR), "b"(1), "c"(0) : "memory");
    __asm__ volatile ("int $0x80" : : "a"(1 /* exit */), "b"(result < 0 ? -result : 0));
    for (;;) {
    }
}
