package dev.breakwater.cache.delegator;

import dev.breakwater.cache.WatchCache;
import dev.breakwater.cache.golang.GoStrconv;
import dev.breakwater.cache.request.GoQuery;
import dev.breakwater.cache.selector.FieldSelector;
import dev.breakwater.cache.selector.LabelSelector;
import dev.breakwater.cache.selector.SelectionPredicate;
import dev.breakwater.cache.selector.ShardSelector;
import dev.breakwater.cache.status.ApiStatus;
import dev.breakwater.cache.status.FieldError;
import dev.breakwater.cache.status.Result;
import dev.breakwater.cache.store.OrderedStore;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * Parses a read's query string as the apiserver does before routing, into the {@link ListQuery},
 * {@link GetQuery} or {@link WatchQuery} that {@link ReadRouting} plans. The apiserver's steps, in
 * its order (k8s.io/apiserver@v0.36.3 endpoints/filters/request_deadline.go, handlers/get.go
 * {@code listOpts}/{@code GetResource}; apimachinery meta/v1 {@code Convert_url_Values_To_v1_ListOptions},
 * internalversion conversion, defaults and validation):
 * <ol>
 *   <li>the query as Go's {@code url.ParseQuery} reads it ({@link GoQuery}: the first value of each
 *       parameter; pairs with {@code ;} or a bad escape dropped);
 *   <li>LIST and GET only (not long-running): {@code timeout} ({@code time.ParseDuration}) — its
 *       400 comes before authentication, so an invalid one goes upstream; a valid one under
 *       {@link #SHORT_TIMEOUT_NANOS} too (the apiserver could time out while a cache read would wait);
 *   <li>ListOptions conversion: {@code timeoutSeconds} then {@code limit} ({@code strconv.ParseInt}:
 *       400 {@code strconv.ParseInt: parsing "abc": invalid syntax} / {@code value out of range});
 *       the bools {@code watch}, {@code allowWatchBookmarks}, {@code sendInitialEvents} (false only for
 *       {@code 0} and any case of {@code false}; "", "yes", "abc" are true; never an error); then the
 *       label and field selectors (400 with the parser's text);
 *   <li>WATCH: the WatchList defaults and {@code validateWatchOptions} (422 Invalid ListOptions); LIST:
 *       {@code ValidateListOptions} is {@link ReadRouting#listDecision}'s;
 *   <li>field label conversion (unknown labels: 400 worded per kind and CRD → upstream);
 *   <li>GET: {@code export} other than false → 400 {@code the export parameter, deprecated since
 *       v1.14, is no longer supported}; GetOptions has only {@code resourceVersion}.
 * </ol>
 * <p>A non-empty {@code shardSelector} (KEP-5866) is served as an apiserver with the ShardedListAndWatch gate
 * on serves it, whatever the upstream's gate: parsed by {@link ShardSelector} and added to the predicate; an
 * invalid one is the gate-on apiserver's 500 {@code invalid shard selector: …} — on a LIST after
 * {@code ValidateListOptions}' 422s and before the continue/RV 400s ({@link ListParams#shardError}), on a
 * WATCH after {@code validateWatchOptions}' 422s — and one outside the CEL subset {@link ShardSelector}
 * reads (a CEL syntax error, whose text is ANTLR's) goes upstream, whose gate then decides.
 *
 * <p>Then upstream, never guessed: a parameter the cache reads whose value is not UTF-8 (the apiserver
 * quotes its bytes), {@code sendInitialEvents=false}, a watch's {@code timeoutSeconds} that makes
 * a negative Go duration ({@code context deadline exceeded}), RVs that are not uint64s (400 on LIST,
 * 500 on GET and WATCH, worded by the apiserver).
 *
 * <p>Bad input never throws: it becomes {@link Parsed#rejected} with the apiserver's Status or
 * {@link Parsed#delegated}. Pure but for the injected clock and randomness (a watch's deadline); safe
 * from any thread.
 */
public final class ReadParams {

  /** A {@code timeout} (Go duration) at or above which a read is served from the cache: longer than a freshness wait. */
  public static final long SHORT_TIMEOUT_NANOS = 4_000_000_000L;

  /** Parameters whose value the cache interprets: a non-UTF-8 value among them sends the read upstream. */
  private static final Set<String> READ_PARAMS = Set.of("labelSelector", "fieldSelector", "watch", "allowWatchBookmarks",
      "resourceVersion", "resourceVersionMatch", "timeoutSeconds", "limit", "continue", "sendInitialEvents", "shardSelector",
      "timeout", "export", "pretty", "includeObject", "-");

  private ReadParams() {}

  /** A query parameter's first value, "" when absent. */
  static String param(String query, String name) {
    return GoQuery.parse(query).firstOrEmpty(name);
  }

  /** ListOptions as decoded and converted ({@code DecodeParameters}), before defaults and validation. */
  record ListOptions(Long timeoutSeconds, long limit, LabelSelector label, FieldSelector field, ShardSelector shard,
      ApiStatus shardError) {}

  /**
   * Steps 1–3 for LIST and WATCH; {@code longRunning}: a watch ({@code timeout} is not read).
   * {@code Parsed.ok} carries the options.
   */
  static Parsed<ListOptions> decode(GoQuery q, boolean longRunning) {
    for (String p : READ_PARAMS) {
      if (q.invalidUtf8(p)) {
        return Parsed.delegated(p + " is not UTF-8: the apiserver quotes its bytes");
      }
    }
    if (!longRunning) {
      String why = requestDeadline(q);
      if (why != null) {
        return Parsed.delegated(why);
      }
    }
    Long timeoutSeconds = null;
    if (q.has("timeoutSeconds")) {
      GoStrconv.Parsed t = GoStrconv.parseInt(q.first("timeoutSeconds"));
      if (!t.ok()) {
        return Parsed.rejected(ApiStatus.badRequest(t.error()));
      }
      timeoutSeconds = t.value();
    }
    long limit = 0;
    if (q.has("limit")) {
      GoStrconv.Parsed l = GoStrconv.parseInt(q.first("limit"));
      if (!l.ok()) {
        return Parsed.rejected(ApiStatus.badRequest(l.error()));
      }
      limit = l.value();
    }
    Result<LabelSelector> label = LabelSelector.parse(q.firstOrEmpty("labelSelector"));
    if (!label.isOk()) {
      return Parsed.rejected(label.error());
    }
    Result<FieldSelector> field = FieldSelector.parse(q.firstOrEmpty("fieldSelector"));
    if (!field.isOk()) {
      return Parsed.rejected(field.error());
    }
    String shard = q.firstOrEmpty("shardSelector");
    ShardSelector selector = null;
    ApiStatus shardError = null;
    if (!shard.isEmpty()) {
      switch (ShardSelector.parse(shard)) {
        case ShardSelector.Parse.Ok ok -> selector = ok.selector();
        case ShardSelector.Parse.Invalid bad -> shardError = invalidShardSelector(bad.error());
        case ShardSelector.Parse.Unrecognized u -> {
          return Parsed.delegated("shardSelector outside the CEL subset Breakwater reads (" + u.why() + "): the upstream words it");
        }
      }
    }
    return Parsed.ok(new ListOptions(timeoutSeconds, limit, label.value(), field.value(), selector, shardError));
  }

  /**
   * {@code Store.ListPredicate} / {@code Store.Watch}: {@code fmt.Errorf("invalid shard selector: %w", err)}, a plain
   * Go error, so the apiserver answers 500 with no reason (as a gate-on apiserver does).
   */
  static ApiStatus invalidShardSelector(String parseError) {
    return ApiStatus.plainInternal("invalid shard selector: " + parseError);
  }

  /**
   * {@code WithRequestDeadline}'s {@code timeout}: null when the cache may serve, else why not (an
   * invalid duration — the apiserver's 400 precedes authentication — or one shorter than a wait the
   * cache could make).
   */
  static String requestDeadline(GoQuery q) {
    String t = q.firstOrEmpty("timeout");
    if (t.isEmpty()) {
      return null;
    }
    GoStrconv.Parsed d = GoStrconv.parseDuration(t);
    if (!d.ok()) {
      return "invalid timeout: the apiserver's 400 comes before authentication";
    }
    if (d.value() > 0 && d.value() < SHORT_TIMEOUT_NANOS) {
      return "timeout shorter than a cache wait: the apiserver's deadline decides";
    }
    return null;
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
    GoQuery q = GoQuery.parse(query);
    Parsed<ListOptions> decoded = decode(q, false);
    if (!decoded.ok()) {
      return Parsed.failed(decoded);
    }
    ListOptions o = decoded.value();
    Result<FieldSelector> converted = o.field().transform(scope.fieldLabels());
    if (!converted.isOk()) {
      return Parsed.delegated("unknown field label: texts differ by kind and CRD, upstream words them");
    }
    SelectionPredicate predicate = SelectionPredicate.of(o.label(), converted.value(), scope.fieldLabels(), scope.extractor())
        .withShard(o.shard());
    String cont = q.firstOrEmpty("continue");
    String runIn = namespace;
    if (runIn.isEmpty() && scope.namespaced() && cont.isEmpty()) {
      runIn = converted.value().requiresExactMatch("metadata.namespace").filter(ReadParams::validNamespace).orElse("");
    }
    ListParams p = new ListParams(scope.listKey(namespace), q.firstOrEmpty("resourceVersion"), q.firstOrEmpty("resourceVersionMatch"),
        cont, o.limit(), o.label().isEmpty(), converted.value().isEmpty(), q.has("sendInitialEvents"), o.shard() != null,
        o.shardError());
    return Parsed.ok(new ListQuery(p, predicate, scope, runIn));
  }

  /**
   * A GET of {@code name} in {@code namespace} ("" for cluster-scoped objects): the request
   * deadline, then {@code export} (400 unless false), then GetOptions ({@code resourceVersion}).
   */
  public static Parsed<GetQuery> get(String query, String namespace, String name) {
    GoQuery q = GoQuery.parse(query);
    if (q.invalidUtf8("timeout") || q.invalidUtf8("export") || q.invalidUtf8("resourceVersion")) {
      return Parsed.delegated("a parameter is not UTF-8: the apiserver quotes its bytes");
    }
    String why = requestDeadline(q);
    if (why != null) {
      return Parsed.delegated(why);
    }
    if (q.has("export") && GoStrconv.queryBool(q.first("export"))) {
      return Parsed.rejected(ApiStatus.badRequest("the export parameter, deprecated since v1.14, is no longer supported"));
    }
    String key = namespace.isEmpty() ? name : namespace + "/" + name;
    return Parsed.ok(new GetQuery(key, name, q.firstOrEmpty("resourceVersion")));
  }

  /**
   * A WATCH of {@code scope} in {@code namespace}. The deadline is Go's: {@code timeoutSeconds} ×
   * 1 s as an int64 of nanoseconds (wrapping as Go's multiplication does); 0 or unset is the
   * apiserver's 1800 s × [1, 2) ({@code random} gives the [0, 1) draw); a negative one goes upstream
   * (an ERROR {@code context deadline exceeded}). The deadline is {@code clock}'s now plus it.
   *
   * <p>Rejected here, as the apiserver words them: the decoding 400s and {@code validateWatchOptions}'
   * 422s. Delegated: an RV that is not a uint64, a negative deadline, and any selector the cache
   * cannot evaluate. {@code sendInitialEvents=false} is a watch from the RV (RV 0: from the cache's
   * current RV; unset: from the upstream's current RV, which the routing waits for).
   */
  public static Parsed<WatchQuery> watch(String query, String namespace, ResourceScope scope, InstantSource clock,
      DoubleSupplier random) {
    GoQuery q = GoQuery.parse(query);
    Parsed<ListOptions> decoded = decode(q, true);
    if (!decoded.ok()) {
      return Parsed.failed(decoded);
    }
    ListOptions o = decoded.value();
    String rv = q.firstOrEmpty("resourceVersion");
    String rvm = q.firstOrEmpty("resourceVersionMatch");
    Boolean sie = q.has("sendInitialEvents") ? GoStrconv.queryBool(q.first("sendInitialEvents")) : null;
    // SetListOptionsDefaults (WatchList on): RV unset or "0", neither sendInitialEvents nor RVM given.
    if (sie == null && rvm.isEmpty() && (rv.isEmpty() || rv.equals("0"))) {
      sie = Boolean.TRUE;
      rvm = "NotOlderThan";
    }
    List<FieldError> invalid = validateWatchOptions(sie, rvm, q.firstOrEmpty("continue"));
    if (!invalid.isEmpty()) {
      return Parsed.rejected(ApiStatus.invalidListOptions(invalid));
    }
    Result<FieldSelector> converted = o.field().transform(scope.fieldLabels());
    if (!converted.isOk()) {
      return Parsed.delegated("unknown field label: the apiserver words it");
    }
    // Store.Watch parses the shard selector after the handler's conversions, before the cacher reads the RV.
    if (o.shardError() != null) {
      return Parsed.rejected(o.shardError());
    }
    boolean watchList = Boolean.TRUE.equals(sie);
    long since = rv.isEmpty() ? 0 : ReadRouting.parseResourceVersion(rv);
    if (since < 0) {
      return Parsed.delegated("resourceVersion is not a uint64: the apiserver's 500");
    }
    // time.Duration(*TimeoutSeconds) * time.Second: int64 nanoseconds, wrapping.
    long timeoutNanos = o.timeoutSeconds() == null ? 0 : o.timeoutSeconds() * 1_000_000_000L;
    if (timeoutNanos == 0) {
      timeoutNanos = (long) (1800e9 * (1 + random.getAsDouble()));
    }
    if (timeoutNanos < 0) {
      return Parsed.delegated("timeoutSeconds makes a negative deadline: the apiserver's context deadline exceeded");
    }
    SelectionPredicate predicate = SelectionPredicate.of(o.label(), converted.value(), scope.fieldLabels(), scope.extractor())
        .withShard(o.shard());
    boolean bookmarks = q.has("allowWatchBookmarks") && GoStrconv.queryBool(q.first("allowWatchBookmarks"));
    Instant deadline = clock.instant().plusNanos(timeoutNanos);
    WatchCache.WatchRequest wr = new WatchCache.WatchRequest(OrderedStore.namespacePrefix(namespace), since, sie, bookmarks,
        predicate, deadline);
    // RV unset (sendInitialEvents is then given, or the defaults made it true): the apiserver starts
    // from etcd's current RV (getWatchCacheResourceVersion) — a WatchList's state at it, or, with
    // sendInitialEvents=false, the events after it.
    return Parsed.ok(new WatchQuery(wr, q.has("continue") && !q.first("continue").isEmpty(), watchList, rv.isEmpty()));
  }

  /** apimachinery's {@code validateWatchOptions} (WatchList on), after the defaults, in its order. */
  static List<FieldError> validateWatchOptions(Boolean sendInitialEvents, String match, String cont) {
    List<FieldError> errs = new ArrayList<>();
    if (sendInitialEvents != null && !match.equals("NotOlderThan")) {
      errs.add(FieldError.forbidden("resourceVersionMatch", "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"));
    }
    if (!match.isEmpty()) {
      if (sendInitialEvents == null) {
        errs.add(FieldError.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"));
      }
      if (!match.equals("NotOlderThan")) {
        errs.add(FieldError.notSupported("resourceVersionMatch", match, List.of("NotOlderThan")));
      }
      if (!cont.isEmpty()) {
        errs.add(FieldError.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"));
      }
    }
    return errs;
  }

  /**
   * A Table's options ({@code TableOptions}: {@code includeObject}, and {@code -}, which is
   * {@code noHeaders}): the include policy when the cache can write the Table, else null (an
   * unknown {@code includeObject} — the apiserver's 400 comes after its read — or headers turned off).
   */
  public static dev.breakwater.cache.table.TableEncoder.IncludeObject tableOptions(String query) {
    GoQuery q = GoQuery.parse(query);
    if (q.invalidUtf8("includeObject") || (q.has("-") && GoStrconv.queryBool(q.first("-")))) {
      return null;
    }
    return dev.breakwater.cache.table.TableEncoder.IncludeObject.parse(q.first("includeObject"));
  }

  /** A DNS-1123 label, as ValidateNamespaceName requires. */
  static boolean validNamespace(String ns) {
    return ns.length() <= 63 && ns.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  }
}
