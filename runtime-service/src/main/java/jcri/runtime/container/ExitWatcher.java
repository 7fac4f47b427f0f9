package jcri.runtime.container;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Watches conmon's exit dir (inotify) and reports each container id whose exit file appears; also
 * runs {@code tick} every two seconds, and when inotify's queue overflowed, for checks that no event
 * announces (a conmon that died, an exit whose event was lost).
 */
final class ExitWatcher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ExitWatcher.class.getName());
    private final WatchService watch;
    private final Thread thread;

    private static final long TICK_NANOS = 2_000_000_000L;

    ExitWatcher(Path exitDir, Consumer<String> onExit, Runnable tick) throws IOException {
        this.watch = FileSystems.getDefault().newWatchService();
        exitDir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
        this.thread = Thread.ofPlatform().daemon().name("exit-watcher").start(() -> {
            try {
                long lastTick = System.nanoTime();
                while (true) {
                    var key = watch.poll(2, java.util.concurrent.TimeUnit.SECONDS);
                    if (System.nanoTime() - lastTick >= TICK_NANOS) {
                        lastTick = System.nanoTime();
                        check(tick);
                    }
                    if (key == null) {
                        continue;
                    }
                    for (var event : key.pollEvents()) {
                        if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                            check(tick); // the kernel's queue overflowed: look at every container instead
                        } else if (event.context() instanceof Path file && !file.toString().startsWith(".")) {
                            try {
                                onExit.accept(file.toString());
                            } catch (RuntimeException e) {
                                LOG.warning("handling the exit of " + file + ": " + e);
                            }
                        }
                    }
                    key.reset();
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                // closing
            }
        });
    }

    private static void check(Runnable tick) {
        try {
            tick.run();
        } catch (RuntimeException e) {
            LOG.warning("periodic container check failed: " + e);
        }
    }

    @Override
    public void close() throws IOException {
        watch.close();
        thread.interrupt();
    }
}
