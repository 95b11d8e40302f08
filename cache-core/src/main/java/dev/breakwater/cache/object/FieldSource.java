package dev.breakwater.cache.object;

/**
 * An object's selectable fields ({@code fields.Fields}). As {@code fields.Set.Get}, an absent field reads as "".
 */
@FunctionalInterface
public interface FieldSource {
    /** The field's value, "" if absent; never null. */
    String get(String field);
}
