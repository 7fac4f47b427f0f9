package jcri.image;

import java.util.Optional;
import jcri.snapshot.Info;

/** Names what, besides images, uses a snapshot made on an image's layers and keeps that image from removal. */
@FunctionalInterface
public interface SnapshotUsers {
    /** Nothing but images uses snapshots. */
    SnapshotUsers NONE = snapshot -> Optional.empty();

    /** Who uses {@code snapshot} (for example {@code image volume of container <id>}), if anyone. */
    Optional<String> user(Info snapshot);
}
