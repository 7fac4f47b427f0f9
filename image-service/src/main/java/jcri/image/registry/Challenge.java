package jcri.image.registry;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One {@code WWW-Authenticate} challenge: its scheme ({@code basic} or {@code bearer}, lower case)
 * and parameters such as {@code realm}, {@code service} and {@code scope}.
 */
record Challenge(String scheme, Map<String, String> params) {
    /** Parses the first challenge of a header value; quoted values may hold commas and escaped quotes. */
    static Challenge parse(String header) {
        var text = header.strip();
        int space = text.indexOf(' ');
        var scheme = (space < 0 ? text : text.substring(0, space)).toLowerCase(Locale.ROOT);
        var params = new LinkedHashMap<String, String>();
        int i = space < 0 ? text.length() : space + 1;
        while (i < text.length()) {
            while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == ',')) {
                i++;
            }
            int eq = text.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            var key = text.substring(i, eq).strip().toLowerCase(Locale.ROOT);
            i = eq + 1;
            var value = new StringBuilder();
            if (i < text.length() && text.charAt(i) == '"') {
                i++;
                while (i < text.length() && text.charAt(i) != '"') {
                    if (text.charAt(i) == '\\' && i + 1 < text.length()) {
                        i++;
                    }
                    value.append(text.charAt(i++));
                }
                i++;
            } else {
                while (i < text.length() && text.charAt(i) != ',') {
                    value.append(text.charAt(i++));
                }
            }
            params.put(key, value.toString().strip());
        }
        return new Challenge(scheme, Map.copyOf(params));
    }

    String param(String name) {
        return params.getOrDefault(name, "");
    }
}
