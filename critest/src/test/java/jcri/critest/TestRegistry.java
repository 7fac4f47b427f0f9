package jcri.critest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import jcri.image.testing.ImageBuilder;
import jcri.image.testing.RegistryFixture;

/** One real registry on 127.0.0.1 for the whole suite; specs push the images they need. */
public final class TestRegistry {
    private static RegistryFixture registry;

    private TestRegistry() {
    }

    public static synchronized RegistryFixture get() {
        if (registry == null) {
            try {
                registry = RegistryFixture.start(Files.createTempDirectory("critest-registry-"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            Scratch.stopAtExit(registry);
        }
        return registry;
    }

    /** Pushes {@code image} as {@code repository:tag} and returns the full reference. */
    public static String push(String repository, String tag, ImageBuilder.BuiltImage image) {
        try {
            get().push(repository, tag, image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return get().host() + "/" + repository + ":" + tag;
    }
}
