package dev.breakwater.cache.delegator;

import dev.breakwater.cache.selector.SelectionPredicate;
import java.util.Objects;

/**
 * A parsed LIST ({@link ReadParams#list}): the routing parameters, the selectors as one predicate,
 * and the namespace the LIST runs in — the request's, or the one its field selector pins
 * ({@code Store.ListPredicate}'s {@code MatchesSingleNamespace}, first page only).
 *
 * @param params          what {@link ReadRouting#listDecision} reads
 * @param predicate       label and (converted) field selectors
 * @param scope           the resource
 * @param namespace       the namespace the LIST runs in ("" = all)
 */
public record ListQuery(ListParams params, SelectionPredicate predicate, ResourceScope scope, String namespace) {

  public ListQuery {
    Objects.requireNonNull(params);
    Objects.requireNonNull(predicate);
    Objects.requireNonNull(scope);
    Objects.requireNonNull(namespace);
  }
}
