package dev.breakwater.cache.object;

import java.nio.charset.StandardCharsets;

/** Decodes the content of a JSON string literal (between the quotes) that contains escapes. Stateless. */
public final class JsonStrings {
    private JsonStrings() {}

    public static String unescape(byte[] b, int start, int end) {
        StringBuilder sb = new StringBuilder(end - start);
        int run = start;
        int i = start;
        while (i < end) {
            if (b[i] != '\\') {
                i++;
                continue;
            }
            sb.append(new String(b, run, i - run, StandardCharsets.UTF_8));
            char e = (char) b[i + 1];
            i += 2;
            switch (e) {
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    sb.append((char) Integer.parseInt(new String(b, i, 4, StandardCharsets.US_ASCII), 16));
                    i += 4;
                }
                default -> sb.append(e);
            }
            run = i;
        }
        sb.append(new String(b, run, end - run, StandardCharsets.UTF_8));
        return sb.toString();
    }
}
