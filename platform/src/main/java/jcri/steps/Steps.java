package jcri.steps;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The named steps of runtime operations (namespace pinning, CNI add and delete, runc create and
 * start, layer unpack…), each timed into {@code container_runtime_jcri_operation_step_seconds{step}}. Crash tests start
 * jcrid with {@code -Djcri.test.pause-after=<step>}: the first call that finishes that step logs
 * {@code paused after step <step>} and never returns, so the test can SIGKILL the daemon right there.
 */
public final class Steps {
    /** The property naming the step to pause after. */
    public static final String PAUSE_PROPERTY = "jcri.test.pause-after";
    private static final Logger LOG = Logger.getLogger(Steps.class.getName());

    /** A step's work. */
    public interface Work<T> {
        T run() throws IOException, InterruptedException;
    }

    /** A step's work without a result. */
    public interface Action {
        void run() throws IOException, InterruptedException;
    }

    private final MeterRegistry registry;
    private final String pauseAfter;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public Steps(MeterRegistry registry, String pauseAfter) {
        this.registry = registry;
        this.pauseAfter = pauseAfter;
    }

    /** Steps recorded in {@code registry}, pausing where the system property says. */
    public static Steps of(MeterRegistry registry) {
        return new Steps(registry, System.getProperty(PAUSE_PROPERTY, ""));
    }

    /** Runs and times one step. */
    public <T> T time(String step, Work<T> work) throws IOException, InterruptedException {
        long started = System.nanoTime();
        try {
            return work.run();
        } finally {
            timers.computeIfAbsent(step, name -> Timer.builder("container_runtime_jcri_operation_step")
                            .description("Time taken by one step of a runtime operation")
                            .tag("step", name)
                            .publishPercentileHistogram()
                            .register(registry))
                    .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            if (step.equals(pauseAfter)) {
                LOG.warning("paused after step " + step + " (" + PAUSE_PROPERTY + ")");
                new CountDownLatch(1).await();
            }
        }
    }

    /** Runs and times one step without a result. */
    public void run(String step, Action action) throws IOException, InterruptedException {
        time(step, () -> {
            action.run();
            return null;
        });
    }
}
