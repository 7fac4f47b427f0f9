package jcri.runtime.cdi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import jcri.api.CriException;

/**
 * The CDI devices of the spec directories ({@code .json} and {@code .yaml} files, in name order), read again at
 * each lookup since vendors write and remove files at any time; a file is parsed again only when its modification
 * time or size changed. A device defined in a later directory replaces one of the same name in an earlier one; two
 * files of one directory defining the same device make it unusable. An invalid file is logged once and skipped.
 */
public final class CdiRegistry {
    private static final Logger LOG = Logger.getLogger(CdiRegistry.class.getName());

    private final List<Path> dirs;
    private final Map<Path, Parsed> files = new HashMap<>();

    /** Edits to apply and whence they come: a device's qualified name, or a spec file for its spec-level edits. */
    public record Edits(String origin, CdiSpec.ContainerEdits edits) {
    }

    private record Parsed(FileTime modified, long size, CdiSpecParser.Result result) {
    }

    /** A device as found: its spec, the file, the directory's rank; {@code conflict} names a second file. */
    private record Found(CdiSpec spec, CdiSpec.Device device, Path file, int rank, Path conflict) {
    }

    /** {@code dirs}: the spec directories, lowest precedence first. */
    public CdiRegistry(List<Path> dirs) {
        this.dirs = List.copyOf(dirs);
    }

    /**
     * The edits of {@code names}, fully-qualified device names: each device's own, in order, then once the
     * spec-level edits of each spec file that supplied one. INVALID_ARGUMENT names a device that is not fully
     * qualified, unknown, or defined twice in one directory.
     */
    public List<Edits> resolve(List<String> names) throws IOException {
        var qualified = new ArrayList<QualifiedName>();
        for (var name : names) {
            try {
                qualified.add(QualifiedName.parse(name));
            } catch (IllegalArgumentException e) {
                throw CriException.invalid("CDI device %s: %s", name, e.getMessage());
            }
        }
        var index = scan();
        var devices = new ArrayList<Edits>();
        var specs = new LinkedHashMap<Path, CdiSpec>();
        for (var name : qualified) {
            var found = index.devices.get(name.toString());
            if (found == null) {
                var skipped = index.skipped.get(name.kind());
                throw CriException.invalid("unknown CDI device %s: no valid spec file in %s defines it%s", name, dirs,
                        skipped == null ? "" : " (skipped " + skipped + ")");
            }
            if (found.conflict() != null) {
                throw CriException.invalid("CDI device %s is defined by both %s and %s", name, found.file(), found.conflict());
            }
            devices.add(new Edits(name.toString(), found.device().containerEdits()));
            specs.put(found.file(), found.spec());
        }
        specs.forEach((file, spec) -> devices.add(new Edits(file.toString(), spec.containerEdits())));
        return List.copyOf(devices);
    }

    /** Every device of every valid file, and for each kind an invalid file claims, why it was skipped. */
    private record Index(Map<String, Found> devices, Map<String, String> skipped) {
    }

    private synchronized Index scan() throws IOException {
        var devices = new HashMap<String, Found>();
        var skipped = new HashMap<String, String>();
        var seen = new LinkedHashSet<Path>();
        for (int rank = 0; rank < dirs.size(); rank++) {
            for (var file : specFiles(dirs.get(rank))) {
                seen.add(file);
                switch (parsed(file).result()) {
                    case CdiSpecParser.Valid(var spec) -> add(devices, spec, file, rank);
                    case CdiSpecParser.Invalid(var kind, var reason) -> skipped.put(kind, file + ": " + reason);
                }
            }
        }
        files.keySet().retainAll(seen);
        return new Index(devices, skipped);
    }

    private static void add(Map<String, Found> devices, CdiSpec spec, Path file, int rank) {
        for (var d : spec.devices()) {
            var name = spec.kind() + "=" + d.name();
            var earlier = devices.get(name);
            devices.put(name, new Found(spec, d, file, rank, earlier != null && earlier.rank() == rank ? earlier.file() : null));
        }
    }

    private Parsed parsed(Path file) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException gone) {
            return new Parsed(null, 0, new CdiSpecParser.Invalid("", "removed while read"));
        }
        var cached = files.get(file);
        if (cached != null && cached.modified().equals(attributes.lastModifiedTime()) && cached.size() == attributes.size()) {
            return cached;
        }
        var parsed = new Parsed(attributes.lastModifiedTime(), attributes.size(), CdiSpecParser.parse(file));
        if (parsed.result() instanceof CdiSpecParser.Invalid invalid) {
            LOG.warning("CDI spec file " + file + " is skipped: " + invalid.reason());
        }
        files.put(file, parsed);
        return parsed;
    }

    private static List<Path> specFiles(Path dir) throws IOException {
        try (var list = Files.list(dir)) {
            return list.filter(f -> CdiSpecParser.isSpecFile(f) && Files.isRegularFile(f)).sorted().toList();
        } catch (NoSuchFileException | NotDirectoryException absent) {
            return List.of();
        }
    }
}
