package dev.breakwater.bench.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The head of one watch event line: its type, the object's resourceVersion and whether it is the
 * {@code k8s.io/initial-events-end} bookmark. Read with a streaming parser that skips the rest of
 * the object (a Secret's megabyte of data costs a scan, not a tree), whatever the field order.
 */
public record WatchEvent(String type, String resourceVersion, boolean initialEventsEnd) {

  private static final JsonFactory JSON = JsonFactory.builder().build();

  public static WatchEvent parse(byte[] buf, int off, int len) throws IOException {
    String type = "";
    String rv = "";
    boolean end = false;
    try (JsonParser p = JSON.createParser(buf, off, len)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("a watch event is not a JSON object: " + new String(buf, off, Math.min(len, 200)));
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        if (field.equals("type")) {
          type = p.getText();
        } else if (field.equals("object") && v == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String of = p.currentName();
            JsonToken ov = p.nextToken();
            if (of.equals("metadata") && ov == JsonToken.START_OBJECT) {
              while (p.nextToken() == JsonToken.FIELD_NAME) {
                String mf = p.currentName();
                JsonToken mv = p.nextToken();
                if (mf.equals("resourceVersion")) {
                  rv = p.getText();
                } else if (mf.equals("annotations") && mv == JsonToken.START_OBJECT) {
                  while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String a = p.currentName();
                    p.nextToken();
                    if (a.equals("k8s.io/initial-events-end") && "true".equals(p.getText())) {
                      end = true;
                    }
                  }
                } else {
                  p.skipChildren();
                }
              }
            } else {
              p.skipChildren();
            }
          }
        } else {
          p.skipChildren();
        }
      }
    }
    return new WatchEvent(type, rv, end);
  }

  public boolean isBookmark() {
    return type.equals("BOOKMARK");
  }

  public boolean isError() {
    return type.equals("ERROR");
  }
}
