package dev.breakwater.cache.reflector;

import dev.breakwater.cache.object.CachedObject;
import java.util.List;

/**
 * What the {@link Reflector} feeds: the store side of client-go's reflector contract
 * (cache.Store as the apiserver's watchCache implements it in watch_cache.go — Replace,
 * Add/Update/Delete, UpdateResourceVersion).
 *
 * <p>Threading: one reflector calls one store from a single thread at a time (calls are
 * serialized, never concurrent); implementations synchronize with their readers themselves.
 * Resource versions never go backwards across calls.
 */
public interface ReflectorStore {

  /**
   * The complete state at {@code resourceVersion} (after the initial LIST, or a relist after
   * 410 Gone). A store that already held state must turn the difference into ADDED / MODIFIED /
   * DELETED events so its watchers survive a relist.
   */
  void replace(List<CachedObject> objects, long resourceVersion);

  /** A watch ADDED event; the event's RV is {@code object.resourceVersion()}. */
  void add(CachedObject object);

  /** A watch MODIFIED event. */
  void update(CachedObject object);

  /** A watch DELETED event: the object's last state with the deletion RV. */
  void delete(CachedObject object);

  /** A BOOKMARK: no change up to {@code resourceVersion}. */
  void updateResourceVersion(long resourceVersion);
}
