package jcri.image.ref;

/** A string that is not an image reference; the message says which part is wrong. */
public final class InvalidReferenceException extends IllegalArgumentException {
    public InvalidReferenceException(String message) {
        super(message);
    }
}
