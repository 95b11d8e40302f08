package dev.breakwater.cache.admission;

import dev.breakwater.cache.WatchCache;
import dev.breakwater.cache.delegator.ReadPlan;
import java.nio.charset.StandardCharsets;

/**
 * Memory-aware admission of reads served from the cache: while the bytes held for clients ({@link BytesInFlight})
 * are at or above {@code --max-inflight-bytes}, a new <em>expensive</em> read is refused with the apiserver's own
 * overload answer instead of adding to the heap; cheap reads are always admitted.
 *
 * <h2>What is expensive</h2>
 * <ul>
 *   <li>a LIST page without a bound or with {@code limit} &gt; {@value ReadPlan#SMALL_LIST_LIMIT}
 *       ({@link #ofList}): unpaginated LISTs and big pages — what a client reads for a long time;</li>
 *   <li>a WATCH whose initial events are the cache's state ({@link #ofWatch}: {@code sendInitialEvents=true}, or
 *       RV 0 without it) — a WatchList or an informer's first watch, its whole state written to one client.</li>
 * </ul>
 * Cheap: GETs, pages of at most 500 items (kubectl's chunks, continue pages of such), watches from a
 * resourceVersion (history after it, then live events). An admitted read is never cut off later for the budget:
 * LIST bodies are streamed with back-pressure (what one holds is the connection's write queue), and a watcher is
 * bounded by its own {@link WatcherBudget}.
 *
 * <h2>The answer</h2>
 * The apiserver refuses an overloaded request in its priority-and-fairness filter (and the max-in-flight filter
 * when APF is off) with {@code tooManyRequests} in {@code k8s.io/apiserver/pkg/server/filters/priority-and-fairness.go}:
 * {@code Retry-After} then Go's {@code http.Error(w, "Too many requests, please try again later.", 429)}, which sets
 * {@code Content-Type: text/plain; charset=utf-8} and {@code X-Content-Type-Options: nosniff} and writes the
 * message with {@code fmt.Fprintln} (a trailing newline). Not a {@code Status} object: clients (client-go's
 * {@code newUnstructuredResponseError}) turn it into {@code TooManyRequests} with the header's delay and retry.
 * The outer filters have set {@code Audit-Id} and {@code Cache-Control: no-cache, private} already. Retry-After is
 * {@code maxinflight.go}'s constant {@code "1"}; APF's grows with the level's recent rejections and is 1 in a
 * quiet cluster. The APF response's {@code X-Kubernetes-PF-*-UID} headers name the cluster's FlowSchema and
 * priority level objects, which Breakwater does not have, so they are not sent.
 *
 * <p>No clock: the decision depends on the account only (the account follows the sockets; nothing here waits
 * or decays). Concurrency: any thread.
 */
public final class Admission {

    /** A read's weight for admission. */
    public enum Cost { CHEAP, EXPENSIVE }

    /** The apiserver's overload message. */
    public static final String TOO_MANY_REQUESTS_MESSAGE = "Too many requests, please try again later.";
    /** The body {@code http.Error} writes: the message and a newline. */
    public static final byte[] TOO_MANY_REQUESTS_BODY = (TOO_MANY_REQUESTS_MESSAGE + "\n").getBytes(StandardCharsets.UTF_8);
    public static final String TOO_MANY_REQUESTS_CONTENT_TYPE = "text/plain; charset=utf-8";
    /** {@code maxinflight.go}: {@code retryAfter = "1"}. */
    public static final int RETRY_AFTER_SECONDS = 1;

    private final BytesInFlight inFlight;

    public Admission(BytesInFlight inFlight) {
        this.inFlight = java.util.Objects.requireNonNull(inFlight);
    }

    /** Admits everything (the budget off). */
    public static Admission unlimited() {
        return new Admission(BytesInFlight.unlimited());
    }

    /** Whether a new read of {@code cost} may be served now. */
    public boolean admits(Cost cost) {
        return cost == Cost.CHEAP || !inFlight.exhausted();
    }

    public BytesInFlight inFlight() {
        return inFlight;
    }

    /** A LIST page's cost: expensive when unbounded ({@code limit ≤ 0}) or larger than the small-page bound. */
    public static Cost ofList(WatchCache.ListRequest request) {
        long limit = request.limit();
        return limit <= 0 || limit > ReadPlan.SMALL_LIST_LIMIT ? Cost.EXPENSIVE : Cost.CHEAP;
    }

    /** A WATCH's cost: expensive when its initial events are the cache's state. */
    public static Cost ofWatch(WatchCache.WatchRequest request) {
        return request.initialEventsFromState() ? Cost.EXPENSIVE : Cost.CHEAP;
    }
}
