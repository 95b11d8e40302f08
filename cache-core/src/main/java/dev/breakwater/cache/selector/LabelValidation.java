package dev.breakwater.cache.selector;

import dev.breakwater.cache.golang.GoStrings;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Mirrors {@code IsLabelKey} / {@code IsLabelValue} ({@code k8s.io/apimachinery/pkg/api/validate/content/kube.go})
 * and {@code IsDNS1123Subdomain} ({@code content/dns.go}), returning the same message lists. Lengths are in
 * UTF-8 bytes, as Go's {@code len}. Stateless.
 */
final class LabelValidation {
    private static final String LABEL_KEY_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private static final String LABEL_KEY_ERR = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private static final String LABEL_VALUE_FMT = "(" + LABEL_KEY_FMT + ")?";
    private static final String LABEL_VALUE_ERR = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private static final String DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final String DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*";
    private static final String DNS1123_SUBDOMAIN_ERR = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

    // Java's matches() anchors at both ends like Go's "^...$" without multiline (no final-newline leniency).
    private static final Pattern LABEL_KEY = Pattern.compile(LABEL_KEY_FMT);
    private static final Pattern LABEL_VALUE = Pattern.compile(LABEL_VALUE_FMT);
    private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(DNS1123_SUBDOMAIN_FMT);

    private LabelValidation() {}

    static String maxLenError(int n) {
        return "must be no more than " + n + " bytes";
    }

    /** {@code RegexError(msg, re, examples...)}, including its double space before "or". */
    static String regexError(String msg, String re, String... examples) {
        if (examples.length == 0) {
            return msg + " (regex used for validation is '" + re + "')";
        }
        StringBuilder b = new StringBuilder(msg).append(" (e.g. ");
        for (int i = 0; i < examples.length; i++) {
            if (i > 0) {
                b.append(" or ");
            }
            b.append('\'').append(examples[i]).append("', ");
        }
        return b.append("regex used for validation is '").append(re).append("')").toString();
    }

    static List<String> isDns1123Subdomain(String value) {
        List<String> errs = new ArrayList<>(2);
        if (GoStrings.utf8Length(value) > 253) {
            errs.add(maxLenError(253));
        }
        if (!DNS1123_SUBDOMAIN.matcher(value).matches()) {
            errs.add(regexError(DNS1123_SUBDOMAIN_ERR, DNS1123_SUBDOMAIN_FMT, "example.com"));
        }
        return errs;
    }

    static List<String> isLabelKey(String value) {
        List<String> errs = new ArrayList<>(2);
        String[] parts = value.split("/", -1);
        String name;
        switch (parts.length) {
            case 1 -> name = parts[0];
            case 2 -> {
                String prefix = parts[0];
                name = parts[1];
                if (prefix.isEmpty()) {
                    errs.add("prefix part must be non-empty");
                } else {
                    for (String m : isDns1123Subdomain(prefix)) {
                        errs.add("prefix part " + m);
                    }
                }
            }
            default -> {
                errs.add("a valid label key " + regexError(LABEL_KEY_ERR, LABEL_KEY_FMT, "MyName", "my.name", "123-abc")
                        + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
                return errs;
            }
        }
        if (name.isEmpty()) {
            errs.add("name part must be non-empty");
        } else if (GoStrings.utf8Length(name) > 63) {
            errs.add("name part " + maxLenError(63));
        }
        if (!LABEL_KEY.matcher(name).matches()) {
            errs.add("name part " + regexError(LABEL_KEY_ERR, LABEL_KEY_FMT, "MyName", "my.name", "123-abc"));
        }
        return errs;
    }

    static List<String> isLabelValue(String value) {
        List<String> errs = new ArrayList<>(2);
        if (GoStrings.utf8Length(value) > 63) {
            errs.add(maxLenError(63));
        }
        if (!LABEL_VALUE.matcher(value).matches()) {
            errs.add(regexError(LABEL_VALUE_ERR, LABEL_VALUE_FMT, "MyValue", "my_value", "12345"));
        }
        return errs;
    }
}
