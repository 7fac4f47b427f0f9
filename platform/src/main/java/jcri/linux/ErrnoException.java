package jcri.linux;

import java.io.IOException;

/** A failed system call: which call, on what, and the errno with its text. */
public final class ErrnoException extends IOException {
    private final int errno;

    public ErrnoException(String call, String subject, int errno, String text) {
        super(call + " " + subject + ": " + text + " (errno " + errno + ")");
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
