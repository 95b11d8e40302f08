package dev.breakwater.cache.delegator;

import dev.breakwater.cache.WatchCache;
import dev.breakwater.cache.request.RequestInfo;
import dev.breakwater.cache.selector.FieldSelector;
import dev.breakwater.cache.selector.LabelSelector;
import dev.breakwater.cache.selector.SelectionPredicate;
import dev.breakwater.cache.status.Result;
import dev.breakwater.cache.store.OrderedStore;
import java.time.Instant;
import java.time.InstantSource;
import java.util.function.DoubleSupplier;

/**
 * Parses a read's query string as the apiserver does before routing — {@code limit}, selectors
 * (label, then field, then the field labels' conversion), namespace pinning by field selector,
 * {@code sendInitialEvents}, {@code timeoutSeconds} and its random default — into the
 * {@link ListQuery}, {@link GetQuery} or {@link WatchQuery} that {@link ReadRouting} plans.
 *
 * <p>Bad input never throws: it becomes {@link Parsed#rejected} with the apiserver's Status where
 * the cache words it exactly (selector syntax: 400), else {@link Parsed#delegated} so the
 * apiserver answers (strconv texts, unknown field labels, whose wording differs by kind and CRD,
 * and the watch options' 422s).
 *
 * <p>Pure but for the injected clock and randomness (a watch's deadline); safe from any thread.
 */
public final class ReadParams {

  private ReadParams() {}

  /** A query parameter's first value, "" when absent. */
  static String param(String query, String name) {
    String v = RequestInfo.firstParam(query, name);
    return v == null ? "" : v;
  }

  /**
   * A LIST of {@code scope} in {@code namespace} ("" = all namespaces).
   *
   * <p>Store.ListPredicate: a cluster-wide LIST whose field selector pins one valid namespace is run
   * as a LIST of that namespace — only without a continue token ({@code MatchesSingleNamespace}), so
   * the next page's token, relative to the namespace, is read against the cluster-wide key (the
   * apiserver's page-1-only narrowing, SEMANTICS.md "Quirk").
   */
  public static Parsed<ListQuery> list(String query, String namespace, ResourceScope scope) {
    long limit = 0;
    String limitParam = param(query, "limit");
    if (!limitParam.isEmpty()) {
      try {
        limit = Long.parseLong(limitParam);
      } catch (NumberFormatException e) {
        return Parsed.delegated("limit is not an int64: the apiserver words strconv errors");
      }
    }
    Result<LabelSelector> label = LabelSelector.parse(param(query, "labelSelector"));
    if (!label.isOk()) {
      return Parsed.rejected(label.error());
    }
    Result<FieldSelector> field = FieldSelector.parse(param(query, "fieldSelector"));
    if (!field.isOk()) {
      return Parsed.rejected(field.error());
    }
    Result<FieldSelector> converted = field.value().transform(scope.fieldLabels());
    if (!converted.isOk()) {
      return Parsed.delegated("unknown field label: texts differ by kind and CRD, upstream words them");
    }
    SelectionPredicate predicate = SelectionPredicate.of(label.value(), converted.value(), scope.fieldLabels(), scope.extractor());
    String cont = param(query, "continue");
    String runIn = namespace;
    if (runIn.isEmpty() && scope.namespaced() && cont.isEmpty()) {
      runIn = converted.value().requiresExactMatch("metadata.namespace").filter(ReadParams::validNamespace).orElse("");
    }
    ListParams p = new ListParams(scope.listKey(namespace), param(query, "resourceVersion"), param(query, "resourceVersionMatch"),
        cont, limit, label.value().isEmpty(), converted.value().isEmpty(), RequestInfo.firstParam(query, "sendInitialEvents") != null);
    return Parsed.ok(new ListQuery(p, predicate, scope, runIn));
  }

  /** A GET of {@code name} in {@code namespace} ("" for cluster-scoped objects). Never fails. */
  public static GetQuery get(String query, String namespace, String name) {
    String key = namespace.isEmpty() ? name : namespace + "/" + name;
    return new GetQuery(key, name, param(query, "resourceVersion"));
  }

  /**
   * A WATCH of {@code scope} in {@code namespace}. {@code timeoutSeconds} unset or 0 is the
   * apiserver's 1800 s × [1, 2) ({@code random} gives the [0, 1) draw); the deadline is
   * {@code clock}'s now plus the timeout.
   *
   * <p>Delegated (the apiserver answers): {@code sendInitialEvents} that is not a Go bool or comes
   * without {@code resourceVersionMatch=NotOlderThan}, {@code resourceVersionMatch} without it (422s),
   * {@code sendInitialEvents=false}, an RV or {@code timeoutSeconds} that is not a uint64 (or a
   * timeout ≤ 0), and any selector the cache cannot evaluate.
   */
  public static Parsed<WatchQuery> watch(String query, String namespace, ResourceScope scope, InstantSource clock,
      DoubleSupplier random) {
    String rv = param(query, "resourceVersion");
    String rvm = param(query, "resourceVersionMatch");
    String sieParam = RequestInfo.firstParam(query, "sendInitialEvents");
    Boolean sie = sieParam == null ? null : switch (sieParam) {
      case "true", "1", "t", "T", "TRUE", "True" -> Boolean.TRUE;
      case "false", "0", "f", "F", "FALSE", "False" -> Boolean.FALSE;
      default -> null;
    };
    if ((sieParam != null && (sie == null || !rvm.equals("NotOlderThan"))) || (sieParam == null && !rvm.isEmpty())) {
      return Parsed.delegated("invalid watch options: the apiserver's 422");
    }
    if (Boolean.FALSE.equals(sie)) {
      return Parsed.delegated("sendInitialEvents=false");
    }
    boolean watchList = Boolean.TRUE.equals(sie) || rv.isEmpty() || rv.equals("0");
    long since = rv.isEmpty() ? 0 : ReadRouting.parseResourceVersion(rv);
    long timeout;
    String timeoutParam = param(query, "timeoutSeconds");
    if (timeoutParam.isEmpty() || timeoutParam.equals("0")) {
      timeout = (long) (1800 * (1 + random.getAsDouble()));
    } else {
      timeout = ReadRouting.parseResourceVersion(timeoutParam);
    }
    if (since < 0 || timeout <= 0) {
      return Parsed.delegated("resourceVersion or timeoutSeconds is not a positive uint64: the apiserver words it");
    }
    Result<LabelSelector> label = LabelSelector.parse(param(query, "labelSelector"));
    Result<FieldSelector> field = FieldSelector.parse(param(query, "fieldSelector"));
    Result<FieldSelector> converted = field.isOk() ? field.value().transform(scope.fieldLabels()) : field;
    if (!label.isOk() || !converted.isOk()) {
      return Parsed.delegated("selector the cache does not evaluate: the apiserver words it");
    }
    SelectionPredicate predicate = SelectionPredicate.of(label.value(), converted.value(), scope.fieldLabels(), scope.extractor());
    String bookmarks = param(query, "allowWatchBookmarks");
    Instant deadline = clock.instant().plusSeconds(timeout);
    WatchCache.WatchRequest wr = new WatchCache.WatchRequest(OrderedStore.namespacePrefix(namespace), since,
        watchList ? Boolean.TRUE : null, bookmarks.equals("true") || bookmarks.equals("1"), predicate, deadline);
    return Parsed.ok(new WatchQuery(wr, !param(query, "continue").isEmpty(), watchList, watchList && rv.isEmpty()));
  }

  /** A DNS-1123 label, as ValidateNamespaceName requires. */
  static boolean validNamespace(String ns) {
    return ns.length() <= 63 && ns.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  }
}
