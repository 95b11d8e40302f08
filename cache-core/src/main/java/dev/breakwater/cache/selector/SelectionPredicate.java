package dev.breakwater.cache.selector;

import dev.breakwater.cache.object.FieldSource;
import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.object.ObjectExtractor;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A label + field selector bound to one kind's field table: the cache's {@code storage.SelectionPredicate}
 * ({@code k8s.io/apiserver/pkg/storage/selection_predicate.go}), reduced to what the cacher evaluates per object
 * ({@code MatchesObjectAttributes} over the labels and fields kept in {@code store.Element}).
 *
 * <p>{@link #isEmpty()} is {@code Predicate.Empty()}: both selectors match everything. The cacher returns
 * {@code remainingItemCount} only for an empty predicate.
 *
 * <p>An optional {@link ShardSelector} ({@link #withShard}, KEP-5866) is checked first, as the cacher's
 * {@code MatchesSharding} is; it does not count in {@link #isEmpty()} (Go's {@code Empty()} reads only the
 * label and field selectors, so a sharded LIST without selectors still gets {@code remainingItemCount},
 * counting every object, and pages as an unfiltered one does). Its canonical form is {@link #shardInfo()}.
 *
 * <p>Immutable and thread-safe.
 */
public final class SelectionPredicate {
    private static final SelectionPredicate EVERYTHING =
            new SelectionPredicate(LabelSelector.everything(), FieldSelector.everything(), o -> f -> "");

    private final LabelSelector label;
    private final FieldSelector field;
    private final Function<CachedObject, FieldSource> fieldsOf;
    /** The shard selector, or null. */
    private final ShardSelector shard;

    private SelectionPredicate(LabelSelector label, FieldSelector field, Function<CachedObject, FieldSource> fieldsOf) {
        this(label, field, fieldsOf, null);
    }

    private SelectionPredicate(LabelSelector label, FieldSelector field, Function<CachedObject, FieldSource> fieldsOf,
                               ShardSelector shard) {
        this.label = Objects.requireNonNull(label);
        this.field = Objects.requireNonNull(field);
        this.fieldsOf = Objects.requireNonNull(fieldsOf);
        this.shard = shard;
    }

    /** This predicate restricted to {@code shard}'s hash ranges ({@code null}: no shard selector). */
    public SelectionPredicate withShard(ShardSelector shard) {
        return shard == null && this.shard == null ? this : new SelectionPredicate(label, field, fieldsOf, shard);
    }

    /** The shard selector, or null. */
    public ShardSelector shard() {
        return shard;
    }

    /** {@code ListMeta.shardInfo.selector} as {@code SetShardInfoOnList} writes it, or null without a shard selector. */
    public String shardInfo() {
        return shard == null ? null : shard.canonical();
    }

    /** Matches every object ({@code storage.Everything}). */
    public static SelectionPredicate everything() {
        return EVERYTHING;
    }

    /**
     * A predicate whose field values come from {@code fieldLabels} applied to the values {@code extractor}
     * extracted (the extractor must have been built with {@code fieldLabels.jsonPaths()}).
     */
    public static SelectionPredicate of(LabelSelector label, FieldSelector field, FieldLabels fieldLabels,
                                        ObjectExtractor extractor) {
        Map<String, Integer> index = new HashMap<>();
        for (String path : fieldLabels.jsonPaths()) {
            index.put(path, extractor.indexOf(path));
        }
        return new SelectionPredicate(label, field, obj -> fieldLabels.fieldSource(path -> {
            Integer i = index.get(path);
            return i == null || i < 0 ? null : obj.field(i);
        }));
    }

    /** For tests: field values computed by any function. */
    public static SelectionPredicate of(LabelSelector label, FieldSelector field,
                                        Function<CachedObject, FieldSource> fieldsOf) {
        return new SelectionPredicate(label, field, fieldsOf);
    }

    public LabelSelector label() {
        return label;
    }

    public FieldSelector field() {
        return field;
    }

    /** {@code Predicate.Empty()}: both selectors are empty. */
    public boolean isEmpty() {
        return label.isEmpty() && field.isEmpty();
    }

    /** {@code MatchesSharding}, then {@code MatchesObjectAttributes}: labels then fields. */
    public boolean matches(CachedObject object) {
        if (shard != null && !shard.matches(object)) {
            return false;
        }
        if (isEmpty()) {
            return true;
        }
        return label.matches(object.labels()) && (field.isEmpty() || field.matches(fieldsOf.apply(object)));
    }

    @Override
    public String toString() {
        return "labels=" + label + " fields=" + field + (shard == null ? "" : " shard=" + shard);
    }
}
