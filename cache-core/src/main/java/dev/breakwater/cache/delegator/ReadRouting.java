package dev.breakwater.cache.delegator;

import dev.breakwater.cache.continuation.ContinueToken;
import dev.breakwater.cache.status.ApiStatus;
import dev.breakwater.cache.status.FieldError;
import dev.breakwater.cache.status.Result;
import java.util.ArrayList;
import java.util.List;

/**
 * The one routing decision for reads: serve from the cache now, wait for freshness, or pass
 * upstream — the apiserver's {@code delegator.ShouldDelegateList} + {@code CacheDelegator.GetList}
 * (k8s.io/apiserver/pkg/storage/cacher/delegator/interface.go, delegator.go), preceded by the
 * checks the apiserver makes before storage sees a LIST: {@code ValidateListOptions}
 * (apimachinery meta/internalversion/validation, 422) and {@code storage.ValidateListOptions}
 * (400s for continue tokens and resource versions).
 *
 * <p>The LIST table it implements (SEMANTICS.md, verified on 1.36.3):
 * <pre>
 *  RVM        RV      continue  limit  → decision
 *  ""         ""      -         any    → Consistent (cache once fresh; timeout → upstream)
 *  ""         "0"     -         any    → NotOlderThan(0); limit ignored on the watch-cache path
 *  ""         N       -         0      → NotOlderThan(N)
 *  ""         N       -         &gt;0     → Exact(N) (legacy exact)
 *  ""         ""|"0"  rv&gt;0      any    → Exact(rv) from the token's key
 *  ""         ""|"0"  rv&lt;0      any    → Consistent from the token's key
 *  NotOlderThan N|0   -         any    → NotOlderThan(N)
 *  Exact      N       -         any    → Exact(N)
 *  Exact/legacy, no snapshot ≤ N       → upstream (etcd answers exactly or 410)
 * </pre>
 * Not ready: LIST with a limit and no selectors → upstream (KEP-4568); the caller waits for
 * readiness (bounded, then 429) for the rest.
 *
 * <p>Pure: a function of its arguments; safe from any thread.
 */
public final class ReadRouting {

  private ReadRouting() {}

  public static ListDecision list(ListParams p, CacheState cache, ServingPath path) {
    List<FieldError> invalid = validateListOptions(p);
    if (!invalid.isEmpty()) {
      return new ListDecision.Reject(ApiStatus.invalidListOptions(invalid));
    }
    // storage.ValidateListOptions: continue first, then the RV's syntax.
    ContinueToken token = null;
    if (!p.continueToken().isEmpty()) {
      Result<ContinueToken> decoded = ContinueToken.decode(p.continueToken(), ContinueToken.Form.ETCD.keyPrefix(p.listKey()));
      if (decoded instanceof Result.Err<ContinueToken> err) {
        return new ListDecision.Reject(err.status());
      }
      if (!p.resourceVersion().isEmpty() && !p.resourceVersion().equals("0")) {
        return new ListDecision.Reject(ApiStatus.resourceVersionWithContinue());
      }
      token = ((Result.Ok<ContinueToken>) decoded).value();
    }
    long rv = 0;
    if (token == null && !p.resourceVersion().isEmpty()) {
      rv = parseResourceVersion(p.resourceVersion());
      if (rv < 0) {
        // Not a uint64: the apiserver words this error (400 invalid resource version: …).
        return new ListDecision.Delegate("resourceVersion is not a uint64");
      }
    }
    if (!cache.ready()) {
      if (p.limit() > 0 && p.selectorsEmpty()) {
        return new ListDecision.Delegate("cache not ready; paginated list without selectors goes to storage");
      }
      // The caller waits for readiness and decides again.
    }

    switch (p.resourceVersionMatch()) {
      case "Exact" -> {
        return exact(rv, null, cache);
      }
      case "NotOlderThan" -> {
        return new ListDecision.NotOlderThan(rv, honourLimit(rv, path));
      }
      default -> {
        if (token != null) {
          long tokenRv = token.resourceVersion();
          return tokenRv > 0 ? exact(tokenRv, token.fromKey(), cache) : new ListDecision.Consistent(token.fromKey());
        }
        if (p.limit() > 0 && !p.resourceVersion().isEmpty() && rv != 0) {
          return exact(rv, null, cache);
        }
        if (p.resourceVersion().isEmpty()) {
          return new ListDecision.Consistent(null);
        }
        return new ListDecision.NotOlderThan(rv, honourLimit(rv, path));
      }
    }
  }

  /** The watch cache ignores limit for RV=0 (any staleness, one page); etcd honours it. */
  private static boolean honourLimit(long rv, ServingPath path) {
    return rv != 0 || path == ServingPath.ETCD;
  }

  /**
   * {@code shouldDelegateExactRV}: an RV the cache has not reached yet is waited for (then 504);
   * one it has reached is served from the greatest snapshot ≤ it, or delegated when none is held.
   */
  private static ListDecision exact(long rv, String startKey, CacheState cache) {
    if (rv > cache.resourceVersion() || cache.hasSnapshotAtOrBelow(rv)) {
      return new ListDecision.Exact(rv, startKey);
    }
    return new ListDecision.Delegate("no snapshot at or below resourceVersion " + Long.toUnsignedString(rv));
  }

  /** apimachinery's {@code ValidateListOptions} for a LIST (not a watch), in its order. */
  static List<FieldError> validateListOptions(ListParams p) {
    List<FieldError> errs = new ArrayList<>();
    String match = p.resourceVersionMatch();
    if (!match.isEmpty()) {
      if (p.resourceVersion().isEmpty()) {
        errs.add(FieldError.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided"));
      }
      if (!p.continueToken().isEmpty()) {
        errs.add(FieldError.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"));
      }
      if (!match.equals("Exact") && !match.equals("NotOlderThan")) {
        errs.add(FieldError.notSupported("resourceVersionMatch", match, List.of("Exact", "NotOlderThan", "")));
      }
      if (match.equals("Exact") && p.resourceVersion().equals("0")) {
        errs.add(FieldError.forbidden("resourceVersionMatch", "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
      }
    }
    if (p.sendInitialEventsGiven()) {
      errs.add(FieldError.forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list"));
    }
    return errs;
  }

  /** A uint64 resourceVersion, or -1 when it is not one (strconv.ParseUint semantics). */
  public static long parseResourceVersion(String s) {
    if (s.isEmpty() || s.length() > 20) {
      return -1;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
    }
    try {
      long v = Long.parseUnsignedLong(s);
      // RVs are etcd revisions (int64); anything above is not a real RV and the apiserver rejects it.
      return v < 0 ? -1 : v;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
