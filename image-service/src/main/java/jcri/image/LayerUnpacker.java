package jcri.image;

import io.grpc.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;
import jcri.api.CriException;
import jcri.image.content.Digests;
import jcri.image.oci.Descriptor;
import jcri.image.oci.MediaTypes;
import jcri.image.unpack.LayerApplier;
import jcri.image.unpack.LayerRejectedException;
import jcri.snapshot.SnapshotException;
import jcri.snapshot.Snapshotter;

/**
 * Unpacks a layer blob into a snapshot on its parent layer and commits it under its chain id, checking the
 * diff id; a layer whose chain id is already committed is left alone, so images share layers. Pulls and
 * imports both unpack through it.
 */
final class LayerUnpacker {
    private static final Logger LOG = Logger.getLogger(LayerUnpacker.class.getName());
    /** Key prefix of the active snapshots a layer is unpacked into before it is committed. */
    static final String EXTRACT_PREFIX = "extract-";

    private final Snapshotter snapshots;
    private final LayerApplier applier;

    LayerUnpacker(Snapshotter snapshots, LayerApplier applier) {
        this.snapshots = snapshots;
        this.applier = applier;
    }

    /**
     * Unpacks {@code blob}, layer {@code layer} of {@code image}, on {@code parent} ("" for the base layer) as
     * {@code chainId}; a rejected layer is INVALID_ARGUMENT, one whose content is not {@code diffId} DATA_LOSS.
     */
    void unpack(String image, Descriptor layer, Path blob, String diffId, String chainId, String parent) throws IOException {
        if (exists(chainId)) {
            return; // unpacked meanwhile for another image that shares the layer
        }
        var key = EXTRACT_PREFIX + UUID.randomUUID() + " " + chainId;
        snapshots.prepare(key, parent);
        boolean committed = false;
        try {
            LayerApplier.Applied applied;
            try (var in = Files.newInputStream(blob)) {
                applied = applier.apply(in, MediaTypes.layerCompression(layer.mediaType()), layer.size(),
                        snapshots.upperDir(key), snapshots.parentDirs(key));
            } catch (LayerRejectedException e) {
                throw CriException.invalid("image %s: layer %s rejected: %s", image, layer.digest(), e.getMessage());
            }
            if (!applied.diffId().equals(diffId)) {
                throw new CriException(Status.Code.DATA_LOSS, "image " + image + ": layer " + layer.digest() + " unpacks to "
                        + applied.diffId() + " but the image config says " + diffId);
            }
            try {
                snapshots.commit(chainId, key);
                committed = true;
            } catch (SnapshotException e) {
                if (e.reason() != SnapshotException.Reason.ALREADY_EXISTS) {
                    throw e;
                }
            }
        } finally {
            if (!committed) {
                try {
                    snapshots.remove(key);
                } catch (SnapshotException e) {
                    LOG.warning("cannot remove unfinished layer snapshot " + key + ": " + e.getMessage());
                }
            }
        }
    }

    /** Whether the layer {@code chainId} is committed. */
    boolean exists(String chainId) {
        try {
            snapshots.stat(chainId);
            return true;
        } catch (SnapshotException e) {
            if (e.reason() == SnapshotException.Reason.NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    /** chainID(L0) = diffID(L0); chainID(Ln) = sha256(chainID(Ln-1) + " " + diffID(Ln)). */
    static List<String> chainIds(List<String> diffIds) {
        var out = new ArrayList<String>();
        String chain = null;
        for (var diffId : diffIds) {
            Digests.require(diffId);
            chain = chain == null ? diffId : Digests.of((chain + " " + diffId).getBytes(StandardCharsets.UTF_8));
            out.add(chain);
        }
        return out;
    }
}
