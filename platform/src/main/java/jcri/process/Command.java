package jcri.process;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a helper program (runc, unshare, a CNI plugin) to completion with a deadline. */
public final class Command {
    private Command() {
    }

    /** How a command ended, with its captured output. */
    public record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** stderr, else stdout, trimmed: what to show an operator when the command failed. */
        public String error() {
            var text = stderr.isBlank() ? stdout : stderr;
            return text.strip();
        }
    }

    public static Result run(List<String> args, Duration timeout) throws IOException, InterruptedException {
        return run(args, Map.of(), null, timeout);
    }

    /**
     * Runs {@code args} with extra {@code env} and optional {@code stdin}; kills it at
     * {@code timeout} and fails with an IOException saying so.
     */
    public static Result run(List<String> args, Map<String, String> env, byte[] stdin, Duration timeout)
            throws IOException, InterruptedException {
        var builder = new ProcessBuilder(args);
        ServiceManagerVariables.removeFrom(builder.environment());
        builder.environment().putAll(env);
        if (stdin == null) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        var process = builder.start();
        var out = drain(process.getInputStream());
        var err = drain(process.getErrorStream());
        if (stdin != null) {
            try (var in = process.getOutputStream()) {
                in.write(stdin);
            } catch (IOException e) {
                // the program did not read its input; its exit status tells what happened
            }
        }
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IOException(args.getFirst() + " did not finish within " + timeout.toMillis() + " ms and was killed");
        }
        return new Result(process.exitValue(), out.join(), err.join());
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        var result = new CompletableFuture<String>();
        Thread.ofVirtual().start(() -> {
            try (stream) {
                result.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                result.completeExceptionally(new UncheckedIOException(e));
            }
        });
        return result;
    }
}
