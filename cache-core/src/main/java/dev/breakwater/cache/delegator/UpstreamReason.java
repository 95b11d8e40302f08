package dev.breakwater.cache.delegator;

import java.util.List;

/**
 * Why a read that reached the cache's routing went upstream after all, in a few fixed classes, for the
 * {@code breakwater_upstream_reads_total{verb,resource,reason}} counter: an operator sees which rule sends reads to
 * the apiserver (the README's "Passes upstream" list, one label value per kind of case) without the detail texts,
 * which name RVs and parameters and would make the label unbounded.
 *
 * <p>{@link #of} classifies the routing's own detail texts ({@link ReadPlan.Delegate#why}, {@link
 * FreshnessWait.Upstream}, {@link Parsed#delegated}, the edge's): by their fixed opening words, in the order of
 * {@link #RULES}. A text no rule knows is {@link #OTHER} (UpstreamReasonTest lists every text the routing writes,
 * so a new one without a class fails there). Bad input: none (a null text is {@link #OTHER}).
 */
public enum UpstreamReason {
  /** A small consistent read (a GET, a page of ≤ 500) or a small read at an RV ahead of the cache, with no budget. */
  SMALL_READ("small-read"),
  /** A read that waited for the cache's freshness proof and did not get it in time. */
  NOT_FRESH("not-fresh"),
  /** A read of a resource the apiserver serves from etcd (events) that the cache cannot answer its way. */
  ETCD_PATH("etcd-path"),
  /** A watch or exact read older than what the cache holds (its window, its snapshots). */
  WINDOW("window"),
  /** The cache is not ready (starting, resyncing). */
  NOT_READY("not-ready"),
  /** The upstream refuses this cache's LIST, or the cache failed its consistency check. */
  CACHE_DOWN("cache-down"),
  /** An answer whose text or encoding the apiserver writes (an error worded by it, a conversion it fails). */
  APISERVER_WORDS("apiserver-words"),
  OTHER("other");

  private final String label;

  UpstreamReason(String label) {
    this.label = label;
  }

  /** The metric's label value. */
  public String label() {
    return label;
  }

  private record Rule(String opening, UpstreamReason reason) {}

  private static final List<Rule> RULES = List.of(
      new Rule("small consistent read", SMALL_READ),
      new Rule("small read ahead of the cache", SMALL_READ),
      new Rule("not fresh in time", NOT_FRESH),
      new Rule("etcd path: no event within", NOT_FRESH),
      new Rule("watch from a resourceVersion on the etcd path", ETCD_PATH),
      new Rule("resourceVersion ahead on the etcd path", ETCD_PATH),
      new Rule("consistent read on the etcd path", ETCD_PATH),
      new Rule("older than the window", WINDOW),
      new Rule("snapshot evicted meanwhile", WINDOW),
      new Rule("no snapshot at or below resourceVersion", WINDOW),
      new Rule("cache not ready", NOT_READY),
      new Rule("cache became unready", NOT_READY),
      new Rule("the upstream refuses this cache's LIST", CACHE_DOWN),
      new Rule("the cache failed its consistency check", CACHE_DOWN),
      new Rule("resourceVersion is not a uint64", APISERVER_WORDS),
      new Rule("unknown field label", APISERVER_WORDS),
      new Rule("timeoutSeconds makes a negative deadline", APISERVER_WORDS),
      new Rule("invalid timeout", APISERVER_WORDS),
      new Rule("timeout shorter than a cache wait", APISERVER_WORDS),
      new Rule("a parameter is not UTF-8", APISERVER_WORDS),
      new Rule("continue on a watch", APISERVER_WORDS),
      new Rule("shardSelector outside the CEL subset", APISERVER_WORDS),
      new Rule("a Status for an Accept not modelled", APISERVER_WORDS),
      new Rule("the apiserver's YAML conversion fails", APISERVER_WORDS),
      new Rule("cannot encode", APISERVER_WORDS));

  /** The class of a routing detail text. */
  public static UpstreamReason of(String why) {
    if (why == null) {
      return OTHER;
    }
    for (Rule r : RULES) {
      if (why.startsWith(r.opening())) {
        return r.reason();
      }
    }
    // ReadParams names the parameter first: "<param> is not UTF-8: …".
    return why.contains(" is not UTF-8") ? APISERVER_WORDS : OTHER;
  }
}
