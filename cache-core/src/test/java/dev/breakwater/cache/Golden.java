package dev.breakwater.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Reads the golden vectors produced by src/test/go/refgen from the real Kubernetes Go code. */
public final class Golden {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Golden() {}

    public static List<JsonNode> read(String name) {
        InputStream in = Golden.class.getResourceAsStream("/golden/" + name);
        if (in == null) {
            throw new IllegalStateException("missing golden file " + name);
        }
        List<JsonNode> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank()) {
                    rows.add(MAPPER.readTree(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    public static String b64String(String b64) {
        return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    }
}
