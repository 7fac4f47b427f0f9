package jcri.steps;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Undoes what an operation did, step by step, each step whatever the others did: a step that fails does not keep
 * the later ones from running, so one failure leaves nothing else behind.
 */
public final class Undo {
    private Undo() {
    }

    /**
     * Runs every step after {@code failure} ended the operation; what the steps throw is added to it as suppressed.
     * An interrupt during a step ends none of them: the thread's flag is set again when all have run.
     */
    public static void after(Throwable failure, List<Steps.Action> steps) {
        var problem = run(steps);
        if (problem != null) {
            problem.forEach(failure::addSuppressed);
        }
    }

    /** Runs every step; throws the first failure, the others suppressed in it. */
    public static void all(List<Steps.Action> steps) throws IOException {
        var problem = run(steps);
        if (problem == null) {
            return;
        }
        var first = problem.getFirst();
        problem.stream().skip(1).forEach(first::addSuppressed);
        if (first instanceof IOException io) {
            throw io;
        }
        throw new IOException(first.getMessage(), first);
    }

    private static List<Exception> run(List<Steps.Action> steps) {
        var failures = new ArrayList<Exception>();
        boolean interrupted = false;
        for (var step : steps) {
            try {
                step.run();
            } catch (InterruptedException e) {
                interrupted = true;
                failures.add(e);
            } catch (IOException | RuntimeException e) {
                failures.add(e);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return failures.isEmpty() ? null : failures;
    }
}
