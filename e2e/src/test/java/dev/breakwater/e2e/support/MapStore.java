package dev.breakwater.e2e.support;

import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.reflector.ReflectorStore;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain ordered-map {@link ReflectorStore} for reflector e2e tests: keeps the current state,
 * and on {@code replace} of a populated store counts the ADDED / MODIFIED / DELETED a watch
 * cache would emit for the difference. Synchronized: the reflector writes, the test reads.
 */
public final class MapStore implements ReflectorStore {

  private final TreeMap<String, CachedObject> objects = new TreeMap<>();
  private long resourceVersion;
  public final AtomicInteger replaces = new AtomicInteger();
  public final AtomicInteger diffAdded = new AtomicInteger();
  public final AtomicInteger diffModified = new AtomicInteger();
  public final AtomicInteger diffDeleted = new AtomicInteger();

  static String key(CachedObject o) {
    return (o.namespace() == null || o.namespace().isEmpty() ? "" : o.namespace() + "/") + o.name();
  }

  @Override
  public synchronized void replace(List<CachedObject> state, long rv) {
    TreeMap<String, CachedObject> next = new TreeMap<>();
    state.forEach(o -> next.put(key(o), o));
    if (replaces.getAndIncrement() > 0) {
      next.forEach((k, o) -> {
        CachedObject old = objects.get(k);
        if (old == null) {
          diffAdded.incrementAndGet();
        } else if (old.resourceVersion() != o.resourceVersion()) {
          diffModified.incrementAndGet();
        }
      });
      objects.keySet().stream().filter(k -> !next.containsKey(k)).forEach(k -> diffDeleted.incrementAndGet());
    }
    objects.clear();
    objects.putAll(next);
    resourceVersion = rv;
  }

  @Override
  public synchronized void add(CachedObject o) {
    objects.put(key(o), o);
    resourceVersion = o.resourceVersion();
  }

  @Override
  public synchronized void update(CachedObject o) {
    objects.put(key(o), o);
    resourceVersion = o.resourceVersion();
  }

  @Override
  public synchronized void delete(CachedObject o) {
    objects.remove(key(o));
    resourceVersion = o.resourceVersion();
  }

  @Override
  public synchronized void updateResourceVersion(long rv) {
    resourceVersion = rv;
  }

  /** key → resourceVersion of every object held. */
  public synchronized Map<String, Long> versions() {
    Map<String, Long> m = new TreeMap<>();
    objects.forEach((k, o) -> m.put(k, o.resourceVersion()));
    return m;
  }

  public synchronized long resourceVersion() {
    return resourceVersion;
  }

  public synchronized String json(String key) {
    CachedObject o = objects.get(key);
    return o == null ? null : o.jsonString();
  }
}
