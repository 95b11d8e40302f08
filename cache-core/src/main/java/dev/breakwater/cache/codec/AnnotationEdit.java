package dev.breakwater.cache.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Removes one annotation from the {@code metadata} of a JSON document, in its bytes (other
 * members keep their bytes and order; an annotations object left empty is dropped, as Go's
 * {@code omitempty} drops an empty map). Used where the apiserver shows an object's metadata
 * after converting it to its internal type, which moves some legacy annotations into fields.
 * Stateless and thread-safe.
 */
public final class AnnotationEdit {

  private AnnotationEdit() {}

  /** {@code json} without annotation {@code key} when its value satisfies {@code when}; else {@code json} itself. */
  public static byte[] without(byte[] json, String key, Predicate<String> when) {
    int[] meta = JsonScan.member(json, 0, "metadata");
    if (meta == null || json[meta[0]] != '{') {
      return json;
    }
    int[] annotations = JsonScan.member(json, meta[0], "annotations");
    if (annotations == null || json[annotations[0]] != '{') {
      return json;
    }
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    List<int[]> kept = new ArrayList<>();
    boolean[] removed = {false};
    JsonScan.members(json, annotations[0], (ks, ke, vs, ve) -> {
      if (!removed[0] && JsonScan.equals(json, ks, ke, k) && json[vs] == '"'
          && when.test(new String(json, vs + 1, ve - vs - 2, StandardCharsets.UTF_8))) {
        removed[0] = true;
      } else {
        kept.add(new int[] {ks - 1, ve});
      }
    });
    if (!removed[0]) {
      return json;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(json.length);
    if (kept.isEmpty()) {
      // Drop the whole "annotations":{…} member and one adjacent comma.
      int keyStart = lastIndexOf(json, (byte) '"', annotations[0], meta[0]);
      keyStart = lastIndexOf(json, (byte) '"', keyStart - 1, meta[0]);
      int from = keyStart;
      int to = annotations[1];
      if (json[to] == ',') {
        to++;
      } else if (json[from - 1] == ',') {
        from--;
      }
      out.write(json, 0, from);
      out.write(json, to, json.length - to);
      return out.toByteArray();
    }
    out.write(json, 0, annotations[0]);
    out.write('{');
    for (int i = 0; i < kept.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      out.write(json, kept.get(i)[0], kept.get(i)[1] - kept.get(i)[0]);
    }
    out.write('}');
    out.write(json, annotations[1], json.length - annotations[1]);
    return out.toByteArray();
  }

  /** The index of the last {@code c} at or before {@code from} and after {@code floor}. */
  private static int lastIndexOf(byte[] b, byte c, int from, int floor) {
    for (int i = from; i > floor; i--) {
      if (b[i] == c) {
        return i;
      }
    }
    throw new IllegalArgumentException("malformed metadata");
  }
}
