package jcri.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import jcri.config.ConfigException;
import jcri.config.ConfigLoader;
import jcri.config.ConfigPrinter;
import jcri.runtime.info.BuildInfo;

/**
 * jcrid's entry point: {@code jcrid [--config PATH] [config]} (see {@link CommandLine}), or the image archive client
 * {@code jcrid images import|export ...} (see {@link ImagesCommand}).
 */
public final class Jcrid {
    private Jcrid() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("images")) {
            images(List.of(args).subList(1, args.length));
            return;
        }
        DaemonLogManager.install();
        CommandLine command;
        try {
            command = CommandLine.parse(args);
        } catch (IllegalArgumentException e) {
            fail(e.getMessage());
            return;
        }
        if (command.action() == CommandLine.Action.VERSION) {
            System.out.println("jcrid " + BuildInfo.version());
            return;
        }
        if (command.action() == CommandLine.Action.HELP) {
            System.out.println(CommandLine.help());
            return;
        }
        boolean printOnly = command.action() == CommandLine.Action.PRINT_CONFIG;
        ConfigLoader.Loaded loaded;
        try {
            loaded = new ConfigLoader(command.strict()).load(command.config(), command.explicit());
        } catch (ConfigException e) {
            fail("bad configuration: " + e.getMessage());
            return;
        }
        var config = loaded.config();
        // jcrid config shows the warnings whatever the level: checking a configuration is what it is for
        Logs.configure(printOnly ? "warn" : config.logLevel(), config.logFormat());
        var log = Logger.getLogger(Jcrid.class.getName());
        loaded.warnings().forEach(log::warning);
        if (printOnly) {
            System.out.print(ConfigPrinter.toml(loaded));
            return;
        }
        log.info(() -> "configuration: " + loaded.origin());
        nativeLibrariesUnder(Path.of(config.root()));
        var notifier = SystemdNotifier.fromEnvironment(System.getenv(), ProcessHandle.current().pid());
        var watchdog = new AtomicReference<Watchdog>();
        // The hook is in place before anything is made: a SIGTERM during start-up waits for start-up to
        // finish and then undoes it, so no socket, mount or server is left behind.
        var started = new CompletableFuture<Daemon>();
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("jcrid-shutdown").unstarted(() -> {
            log.info("shutting down");
            notifier.stopping("shutting down");
            try {
                var running = started.join();
                if (running != null) {
                    Optional.ofNullable(watchdog.get()).ifPresent(Watchdog::close);
                    running.close();
                    log.info("stopped");
                }
            } catch (RuntimeException | Error e) {
                log.log(Level.SEVERE, "shutdown failed", e);
            } finally {
                DaemonLogManager.close();
            }
        }));
        HangupSignal.handle(() -> log.info("SIGHUP during start-up: nothing to reload yet"));
        var serving = "serving CRI on unix://" + config.socket();
        Daemon daemon = null;
        try {
            daemon = new Daemon(config);
            log.info(() -> "jcrid " + BuildInfo.version() + " " + serving);
            notifier.ready(serving);
            notifier.watchdogInterval().ifPresent(interval ->
                    watchdog.set(Watchdog.start(notifier, interval, new SocketHealth(config.socket()))));
        } catch (IOException | IllegalArgumentException e) { // unusable files or environment (e.g. HTTPS_PROXY)
            started.complete(null); // before exit, whose hooks wait for it
            fail("cannot start: " + e.getMessage());
            return;
        } finally {
            started.complete(daemon);
        }
        var reload = new ConfigReload(new ConfigLoader(command.strict()), command.config(), command.explicit(), config, Logs::level, Logs::format, daemon::configureRegistries);
        HangupSignal.handle(() -> {
            var outcome = reload.reload();
            notifier.status(outcome.loaded() ? serving : serving + "; " + outcome.summary());
        });
        // Start-up garbage is most of the heap: collect it once so the heap shrinks to what serving needs,
        // but not while the kubelet's first calls after a (re)start are being answered.
        Thread.ofVirtual().name("heap-trim").start(() -> {
            try {
                Thread.sleep(10_000);
                System.gc();
            } catch (InterruptedException ignored) {
                // shutting down
            }
        });
        daemon.awaitTermination();
    }

    /** {@code jcrid images ...}: a client of the running daemon, nothing else (see {@link ImagesCommand}). */
    private static void images(List<String> args) throws IOException, InterruptedException {
        Logs.configure("error", "text");
        ImagesCommand command;
        try {
            command = ImagesCommand.parse(args);
        } catch (IllegalArgumentException e) {
            fail(e.getMessage());
            return;
        }
        System.exit(command.run());
    }

    private static void fail(String message) {
        System.err.println("jcrid: " + message);
        System.exit(2);
    }

    /**
     * Netty unpacks its native transport into a directory and loads it from there: under jcrid's own root, never the
     * system's temporary directory, which hardened nodes mount noexec. Set before any netty class loads.
     */
    private static void nativeLibrariesUnder(Path root) {
        var dir = root.resolve("native");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            fail("cannot create " + dir + " for the native libraries: " + e.getMessage());
        }
        System.setProperty("io.netty.native.workdir", dir.toString());
    }
}
