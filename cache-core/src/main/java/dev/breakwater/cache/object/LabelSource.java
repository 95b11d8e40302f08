package dev.breakwater.cache.object;

/**
 * Read access to an object's labels ({@code labels.Labels}). Implementations must be safe to read from the
 * calling thread; {@code Map::get} qualifies for an unmodified map.
 */
@FunctionalInterface
public interface LabelSource {
    /** The label's value, or null if the object has no such label ("" is a present, empty value). */
    String get(String key);
}
