package dev.breakwater.cache.delegator;

import dev.breakwater.cache.status.ApiStatus;

/**
 * The read-relevant parameters of one LIST request, as the edge parsed them from the query:
 * strings as sent ("" when absent), {@code limit} already parsed (≤ 0 = no limit; an
 * unparsable one is {@link ReadParams}' 400), selector emptiness, and
 * whether {@code sendInitialEvents} was given at all.
 *
 * @param listKey the collection's storage key as the apiserver forms it, e.g.
 *     {@code /registry/configmaps} (all namespaces, or a cluster-scoped resource) or
 *     {@code /registry/configmaps/default}; a continue token's start ({@code "/c2\0"} or
 *     {@code "/default/c2\0"} from the watch cache, {@code "c2\0"} from etcd) decodes under it
 *     to the same object key either way.
 * @param sharded    a valid shard selector applies (KEP-5866)
 * @param shardError the apiserver's 500 for an invalid {@code shardSelector}, or null: {@code Store.ListPredicate}
 *     parses it after the handler's 422s and before storage's continue and RV checks, so
 *     {@link ReadRouting#listDecision} rejects with it in that place
 */
public record ListParams(
    String listKey,
    String resourceVersion,
    String resourceVersionMatch,
    String continueToken,
    long limit,
    boolean labelSelectorEmpty,
    boolean fieldSelectorEmpty,
    boolean sendInitialEventsGiven,
    boolean sharded,
    ApiStatus shardError) {

  public ListParams {
    resourceVersion = resourceVersion == null ? "" : resourceVersion;
    resourceVersionMatch = resourceVersionMatch == null ? "" : resourceVersionMatch;
    continueToken = continueToken == null ? "" : continueToken;
  }

  /** Parameters without a shard selector error. */
  public ListParams(String listKey, String resourceVersion, String resourceVersionMatch, String continueToken, long limit,
      boolean labelSelectorEmpty, boolean fieldSelectorEmpty, boolean sendInitialEventsGiven) {
    this(listKey, resourceVersion, resourceVersionMatch, continueToken, limit, labelSelectorEmpty, fieldSelectorEmpty,
        sendInitialEventsGiven, false, null);
  }

  boolean selectorsEmpty() {
    return labelSelectorEmpty && fieldSelectorEmpty;
  }
}
