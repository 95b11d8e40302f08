package dev.breakwater.cache.store;

import dev.breakwater.cache.object.CachedObject;
import java.util.List;

/**
 * One page of a list from the store, before the resourceVersion and the continue token are attached (the
 * caller encodes {@code continueKey} with {@code ContinueToken} relative to its list key).
 *
 * @param items              the selected objects in key order (never null, possibly empty)
 * @param continueKey        the store key the next page starts at (last item's key + {@code "\0"}), or null if
 *                           this is the last page
 * @param remainingItemCount {@code ListMeta.remainingItemCount}, or null (last page, or selectors present)
 * @param shardInfo          {@code ListMeta.shardInfo.selector} (the predicate's canonical shard selector), or null
 */
public record ListPage(List<CachedObject> items, String continueKey, Long remainingItemCount, String shardInfo) {
    public ListPage {
        items = List.copyOf(items);
    }

    public ListPage(List<CachedObject> items, String continueKey, Long remainingItemCount) {
        this(items, continueKey, remainingItemCount, null);
    }

    /** Whether another page follows. */
    public boolean hasMore() {
        return continueKey != null;
    }
}
