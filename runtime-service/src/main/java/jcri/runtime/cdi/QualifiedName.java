package jcri.runtime.cdi;

/**
 * A fully-qualified CDI device name, {@code vendor/class=name}: vendor and class start with a letter, end with a letter
 * or digit and hold letters, digits, {@code _ - .} between; a device name starts and ends with a letter or digit and
 * may hold {@code : _ - .} between.
 */
public record QualifiedName(String vendor, String className, String name) {
    /** Parses {@code text}; IllegalArgumentException says what is wrong. */
    public static QualifiedName parse(String text) {
        int eq = text.indexOf('=');
        int slash = eq < 0 ? -1 : text.substring(0, eq).indexOf('/');
        if (eq < 0 || slash < 0) {
            throw new IllegalArgumentException("'" + text + "' is not a fully-qualified CDI device name (vendor.com/class=name)");
        }
        var kind = text.substring(0, eq);
        checkKind(kind);
        var name = text.substring(eq + 1);
        checkDeviceName(name);
        return new QualifiedName(kind.substring(0, slash), kind.substring(slash + 1), name);
    }

    /** Checks a spec's {@code kind}, {@code vendor/class}. */
    static void checkKind(String kind) {
        int slash = kind.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("kind '" + kind + "' is not vendor.com/class");
        }
        var vendor = kind.substring(0, slash);
        var className = kind.substring(slash + 1);
        if (vendor.length() > 253 || !matches(vendor, true, "_-.")) {
            throw new IllegalArgumentException("kind '" + kind + "' has an invalid vendor '" + vendor + "'");
        }
        if (className.length() > 63 || !matches(className, true, "_-.")) {
            throw new IllegalArgumentException("kind '" + kind + "' has an invalid class '" + className + "'");
        }
    }

    /** Checks a device's {@code name}. */
    static void checkDeviceName(String name) {
        if (!matches(name, false, ":_-.")) {
            throw new IllegalArgumentException("invalid CDI device name '" + name + "'");
        }
    }

    /** The spec kind this device belongs to. */
    public String kind() {
        return vendor + "/" + className;
    }

    @Override
    public String toString() {
        return kind() + "=" + name;
    }

    private static boolean matches(String s, boolean letterFirst, String inner) {
        if (s.isEmpty() || !alphanumeric(s.charAt(0)) || letterFirst && !letter(s.charAt(0))
                || !alphanumeric(s.charAt(s.length() - 1))) {
            return false;
        }
        return s.chars().allMatch(c -> alphanumeric((char) c) || inner.indexOf(c) >= 0);
    }

    private static boolean letter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static boolean alphanumeric(char c) {
        return letter(c) || c >= '0' && c <= '9';
    }
}
