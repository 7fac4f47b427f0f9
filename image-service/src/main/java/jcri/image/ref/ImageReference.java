package jcri.image.ref;

import java.util.regex.Pattern;

/**
 * A normalised image reference, Docker style: {@code busybox} is {@code docker.io/library/busybox:latest}.
 * A reference has a tag, a digest or both (then the digest decides what is pulled).
 *
 * @param domain registry host, with port if any ({@code docker.io}, {@code 127.0.0.1:5000})
 * @param path repository path inside the registry ({@code library/busybox})
 * @param tag tag, empty when only a digest was given
 * @param digest {@code sha256:<hex>}, empty when none was given
 */
public record ImageReference(String domain, String path, String tag, String digest) {
    public static final String DOCKER_HUB = "docker.io";
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]{1,5})?");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}");
    private static final int MAX_NAME = 255;

    /** Parses and normalises {@code text}; throws {@link InvalidReferenceException} saying why it is not a reference. */
    public static ImageReference parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidReferenceException("image reference is empty");
        }
        if (!text.equals(text.strip())) {
            throw new InvalidReferenceException("image reference '" + text + "' has surrounding whitespace");
        }
        var rest = text;
        var digest = "";
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!DIGEST.matcher(digest).matches()) {
                throw new InvalidReferenceException("'" + digest + "' in '" + text
                        + "' is not a valid digest (expected sha256:<64 lowercase hex>)");
            }
        }
        var tag = "";
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw new InvalidReferenceException("'" + tag + "' in '" + text
                        + "' is not a valid tag (letters, digits, '_', '.', '-'; at most 128; not starting with '.' or '-')");
            }
        }
        var domain = DOCKER_HUB;
        var path = rest;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            var first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost") || first.startsWith("[")) {
                domain = first;
                path = rest.substring(slash + 1);
            }
        }
        if (!DOMAIN.matcher(domain).matches()) {
            throw new InvalidReferenceException("'" + domain + "' in '" + text + "' is not a valid registry host");
        }
        if (domain.equals("index.docker.io") || domain.equals("registry-1.docker.io")) {
            domain = DOCKER_HUB;
        }
        if (domain.equals(DOCKER_HUB) && !path.contains("/")) {
            path = "library/" + path;
        }
        if (path.isEmpty()) {
            throw new InvalidReferenceException("'" + text + "' names no repository");
        }
        for (var component : path.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                throw new InvalidReferenceException("'" + text + "' is not a valid repository name"
                        + (component.equals(component.toLowerCase()) ? "" : ": repository names must be lowercase")
                        + " (component '" + component + "')");
            }
        }
        if (domain.length() + 1 + path.length() > MAX_NAME) {
            throw new InvalidReferenceException("repository name of '" + text + "' is longer than " + MAX_NAME + " characters");
        }
        if (tag.isEmpty() && digest.isEmpty()) {
            tag = "latest";
        }
        return new ImageReference(domain, path, tag, digest);
    }

    /** True if {@code text} parses as a reference. */
    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (InvalidReferenceException e) {
            return false;
        }
    }

    /** {@code domain/path}. */
    public String name() {
        return domain + "/" + path;
    }

    public boolean hasDigest() {
        return !digest.isEmpty();
    }

    public boolean hasTag() {
        return !tag.isEmpty();
    }

    /** What to ask the registry's manifest endpoint for: the digest if known, else the tag. */
    public String manifestReference() {
        return hasDigest() ? digest : tag;
    }

    /** {@code name:tag}; empty if there is no tag. */
    public String tagged() {
        return hasTag() ? name() + ":" + tag : "";
    }

    /** {@code name@digest} for the given digest. */
    public String withDigest(String manifestDigest) {
        return name() + "@" + manifestDigest;
    }

    @Override
    public String toString() {
        return name() + (hasTag() ? ":" + tag : "") + (hasDigest() ? "@" + digest : "");
    }
}
