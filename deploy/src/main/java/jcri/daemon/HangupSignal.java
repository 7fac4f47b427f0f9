package jcri.daemon;

import sun.misc.Signal;

/**
 * SIGHUP as a request rather than the JVM's default (run the shutdown hooks and exit): {@code systemctl reload}
 * sends it. {@code sun.misc.Signal} (module jdk.unsupported) needs no JVM flag; the JVM runs each delivery on a
 * thread of its own.
 */
final class HangupSignal {
    private HangupSignal() {
    }

    static void handle(Runnable action) {
        Signal.handle(new Signal("HUP"), signal -> action.run());
    }
}
