package dev.breakwater.cache.codec;

import java.nio.charset.StandardCharsets;

/**
 * Finds the extent of JSON values in bytes the apiserver wrote (well-formed, compact or not),
 * without decoding them: enough to walk an object's members and an array's elements and to copy
 * values verbatim. Input that is not well-formed JSON makes it throw
 * {@link IllegalArgumentException}; callers treat that as "cannot transform this object".
 *
 * <p>Stateless and thread-safe.
 */
final class JsonScan {
    private JsonScan() {}

    /** A member of an object: key bytes (inside the quotes, raw) and value range [valueStart, valueEnd). */
    interface MemberVisitor {
        void member(int keyStart, int keyEnd, int valueStart, int valueEnd);
    }

    /** An element of an array: value range [start, end). */
    interface ElementVisitor {
        void element(int start, int end);
    }

    static int skipWs(byte[] b, int i) {
        while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
            i++;
        }
        return i;
    }

    /** The exclusive end of the value starting at {@code i}. */
    static int valueEnd(byte[] b, int i) {
        if (i >= b.length) {
            throw new IllegalArgumentException("value expected at " + i);
        }
        return switch (b[i]) {
            case '"' -> stringEnd(b, i);
            case '{', '[' -> containerEnd(b, i);
            default -> {
                int j = i;
                while (j < b.length && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\n'
                        && b[j] != '\r' && b[j] != '\t') {
                    j++;
                }
                if (j == i) {
                    throw new IllegalArgumentException("value expected at " + i);
                }
                yield j;
            }
        };
    }

    private static int stringEnd(byte[] b, int i) {
        int j = i + 1;
        while (j < b.length) {
            if (b[j] == '\\') {
                j += 2;
            } else if (b[j] == '"') {
                return j + 1;
            } else {
                j++;
            }
        }
        throw new IllegalArgumentException("unterminated string at " + i);
    }

    private static int containerEnd(byte[] b, int i) {
        int depth = 0;
        int j = i;
        while (j < b.length) {
            byte c = b[j];
            if (c == '"') {
                j = stringEnd(b, j);
                continue;
            }
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
                if (depth == 0) {
                    return j + 1;
                }
            }
            j++;
        }
        throw new IllegalArgumentException("unterminated container at " + i);
    }

    /** Visits the members of the object starting at {@code start} (its '{'). */
    static void members(byte[] b, int start, MemberVisitor v) {
        int i = skipWs(b, start);
        if (i >= b.length || b[i] != '{') {
            throw new IllegalArgumentException("object expected at " + start);
        }
        i = skipWs(b, i + 1);
        if (i < b.length && b[i] == '}') {
            return;
        }
        while (true) {
            if (i >= b.length || b[i] != '"') {
                throw new IllegalArgumentException("key expected at " + i);
            }
            int keyEnd = stringEnd(b, i);
            int colon = skipWs(b, keyEnd);
            if (colon >= b.length || b[colon] != ':') {
                throw new IllegalArgumentException("':' expected at " + colon);
            }
            int vs = skipWs(b, colon + 1);
            int ve = valueEnd(b, vs);
            v.member(i + 1, keyEnd - 1, vs, ve);
            i = skipWs(b, ve);
            if (i < b.length && b[i] == ',') {
                i = skipWs(b, i + 1);
            } else if (i < b.length && b[i] == '}') {
                return;
            } else {
                throw new IllegalArgumentException("',' or '}' expected at " + i);
            }
        }
    }

    /** Visits the elements of the array starting at {@code start} (its '['). */
    static void elements(byte[] b, int start, ElementVisitor v) {
        int i = skipWs(b, start);
        if (i >= b.length || b[i] != '[') {
            throw new IllegalArgumentException("array expected at " + start);
        }
        i = skipWs(b, i + 1);
        if (i < b.length && b[i] == ']') {
            return;
        }
        while (true) {
            int ve = valueEnd(b, i);
            v.element(i, ve);
            i = skipWs(b, ve);
            if (i < b.length && b[i] == ',') {
                i = skipWs(b, i + 1);
            } else if (i < b.length && b[i] == ']') {
                return;
            } else {
                throw new IllegalArgumentException("',' or ']' expected at " + i);
            }
        }
    }

    /** The value range of member {@code key} of the object at {@code start}, or null. */
    static int[] member(byte[] b, int start, String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        int[][] found = new int[1][];
        members(b, start, (ks, ke, vs, ve) -> {
            if (found[0] == null && equals(b, ks, ke, k)) {
                found[0] = new int[] {vs, ve};
            }
        });
        return found[0];
    }

    static boolean equals(byte[] b, int start, int end, byte[] ascii) {
        if (end - start != ascii.length) {
            return false;
        }
        for (int i = 0; i < ascii.length; i++) {
            if (b[start + i] != ascii[i]) {
                return false;
            }
        }
        return true;
    }

    static boolean isNull(byte[] b, int start, int end) {
        return end - start == 4 && b[start] == 'n' && b[start + 1] == 'u' && b[start + 2] == 'l' && b[start + 3] == 'l';
    }
}
