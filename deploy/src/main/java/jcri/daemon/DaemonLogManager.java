package jcri.daemon;

import java.util.logging.LogManager;

/**
 * Keeps logging alive until jcrid's own shutdown hook has finished: the JDK's default manager
 * resets (silences) every handler as soon as shutdown starts, which would swallow the lines that
 * say how shutdown went.
 */
public final class DaemonLogManager extends LogManager {
    private volatile boolean closing;

    @Override
    public void reset() {
        if (closing) {
            super.reset();
        }
    }

    /** Lets the final reset through; called last thing at shutdown. */
    void finish() {
        closing = true;
        super.reset();
    }

    /**
     * Asks for this manager when nothing has touched java.util.logging yet; the launcher also
     * sets the property on the command line, since class-data sharing may initialise logging first.
     */
    static void install() {
        System.setProperty("java.util.logging.manager", DaemonLogManager.class.getName());
    }

    /** Flushes and closes the handlers if this manager is in charge. */
    static void close() {
        if (LogManager.getLogManager() instanceof DaemonLogManager manager) {
            manager.finish();
        }
    }
}
