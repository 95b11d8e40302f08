package dev.breakwater.cache.selector;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which {@link FieldLabels} applies to a group/version/kind: the built-in table, or a custom resource's table
 * registered at runtime (when a CRD with {@code selectableFields} is seen or changes).
 *
 * <p>Concurrency: lock-free reads; {@link #registerCustomResource} and {@link #removeCustomResource} may run on
 * any thread and are visible to subsequent lookups (a {@link ConcurrentHashMap}). CRD tables are per
 * group/version, as {@code crConverter.selectableFields} is keyed by GroupVersion.
 */
public final class FieldLabelRegistry {
    private final Map<String, FieldLabels> customResources = new ConcurrentHashMap<>();

    private static String key(String group, String version, String kind) {
        return group + "/" + version + "/" + kind;
    }

    /** Registers (or replaces) a custom resource version's selectable fields. */
    public void registerCustomResource(String group, String version, String kind, boolean namespaced,
                                       List<String> selectableFieldJsonPaths) {
        customResources.put(key(group, version, kind), FieldLabels.forCustomResource(namespaced, selectableFieldJsonPaths));
    }

    /** Forgets a custom resource version (e.g. the CRD was deleted). */
    public void removeCustomResource(String group, String version, String kind) {
        customResources.remove(key(group, version, kind));
    }

    /** The table to use for a request on this kind. */
    public FieldLabels lookup(String group, String version, String kind) {
        FieldLabels cr = customResources.get(key(group, version, kind));
        return cr != null ? cr : FieldLabels.forKind(group, kind);
    }
}
