package jcri.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Records of one type kept as {@code <dir>/<id>.json}, each written atomically (temp file, fsync,
 * rename, directory fsync), so a crash leaves either the old or the new record, never a torn one.
 */
public final class JsonStore<T> {
    private static final Logger LOG = Logger.getLogger(JsonStore.class.getName());
    private static final String TEMP_SUFFIX = ".tmp";
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .findAndRegisterModules()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path dir;
    private final Class<T> type;
    /** Numbers each write's temporary file: concurrent writers of one record never share one. */
    private final AtomicLong writes = new AtomicLong();

    public JsonStore(Path dir, Class<T> type) {
        this.dir = dir;
        this.type = type;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /** Writes {@code record} durably. An interrupt does not stop it: the flag is held back until the write is done. */
    public void put(String id, T record) {
        boolean interrupted = Thread.interrupted();
        try {
            write(id, record);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void write(String id, T record) {
        var target = dir.resolve(id + ".json");
        var temp = dir.resolve("." + id + ".json." + writes.incrementAndGet() + TEMP_SUFFIX);
        try {
            try (var channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(ByteBuffer.wrap(MAPPER.writeValueAsBytes(record)));
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the metadata directory " + dir + " does not support atomic renames", e);
            }
            try (var d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    public Optional<T> get(String id) {
        try {
            return Optional.of(MAPPER.readValue(dir.resolve(id + ".json").toFile(), type));
        } catch (NoSuchFileException | FileNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve(id + ".json"), e);
        }
    }

    public void delete(String id) {
        try {
            Files.deleteIfExists(dir.resolve(id + ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir.resolve(id + ".json"), e);
        }
    }

    /** Every readable record; unreadable files are logged and skipped, temp files left by a crash removed. */
    public List<T> all() {
        var records = new ArrayList<T>();
        try (var files = Files.list(dir)) {
            for (var file : files.toList()) {
                var name = file.getFileName().toString();
                if (name.endsWith(TEMP_SUFFIX)) {
                    Files.deleteIfExists(file);
                } else if (name.endsWith(".json")) {
                    try {
                        records.add(MAPPER.readValue(file.toFile(), type));
                    } catch (IOException e) {
                        LOG.warning("skipping unreadable record " + file + ": " + e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return records;
    }
}
