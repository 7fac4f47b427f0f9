package jcri.image.unpack;

/** A layer that may not be applied: an entry escapes the snapshot, or the layer passes a size limit. */
public final class LayerRejectedException extends RuntimeException {
    public LayerRejectedException(String message) {
        super(message);
    }
}
