package dev.breakwater.bench.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;

/**
 * What a client needs from a LIST response, read as a stream without building any object: the
 * list's resourceVersion and continue token, the number of items and the bytes of their JSON.
 *
 * @param resourceVersion {@code metadata.resourceVersion}
 * @param continueToken {@code metadata.continue}, empty on the last page
 * @param items number of items
 * @param itemBytes sum of the items' encoded sizes (each from its '{' to its '}')
 * @param bytes the whole response
 */
public record ListSummary(String resourceVersion, String continueToken, int items, long itemBytes, long bytes) {

  private static final JsonFactory JSON = JsonFactory.builder().build();

  public static ListSummary read(InputStream in) throws IOException {
    String rv = "";
    String cont = "";
    int items = 0;
    long itemBytes = 0;
    try (JsonParser p = JSON.createParser(in)) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("metadata") && value == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String m = p.currentName();
            p.nextToken();
            switch (m) {
              case "resourceVersion" -> rv = p.getText();
              case "continue" -> cont = p.getText();
              default -> p.skipChildren();
            }
          }
        } else if (field.equals("items") && value == JsonToken.START_ARRAY) {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            long start = p.currentTokenLocation().getByteOffset();
            p.skipChildren();
            itemBytes += p.currentTokenLocation().getByteOffset() + 1 - start;
            items++;
          }
        } else {
          p.skipChildren();
        }
      }
      long total = p.currentLocation().getByteOffset();
      return new ListSummary(rv, cont, items, itemBytes, total);
    }
  }

  private static void expect(JsonToken got, JsonToken want) throws IOException {
    if (got != want) {
      throw new IOException("expected " + want + " at the start of a list, got " + got);
    }
  }
}
