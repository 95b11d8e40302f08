package dev.breakwater.cache.continuation;

import dev.breakwater.cache.golang.GoJson;
import dev.breakwater.cache.status.ApiStatus;
import dev.breakwater.cache.status.Result;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * A decoded continue token: the storage key to resume from (inclusive) and the resourceVersion of the list
 * snapshot (-1 = "continue at the latest RV", issued with 410 continue-expired).
 *
 * <p>Wire format (mirrors {@code continueToken}, {@code EncodeContinue} and {@code DecodeContinue} in
 * {@code k8s.io/apiserver/pkg/storage/continue.go}): base64 RawURL (no padding) of the Go {@code json.Marshal}
 * of {@code {"v":"meta.k8s.io/v1","rv":<int64>,"start":"<key relative to the list prefix>"}}.
 *
 * <p>Two forms of {@code start} exist for the same position ({@link Form}); {@link #decode} accepts both, as Go
 * does, because it re-roots {@code start} at "/" before {@code path.Clean}.
 *
 * <p>Immutable and thread-safe; all methods are pure.
 *
 * @param fromKey         the absolute storage key to resume from, e.g. {@code /registry/configmaps/default/c2\0}
 * @param resourceVersion the snapshot RV (never 0)
 */
public record ContinueToken(String fromKey, long resourceVersion) {

    /** The token API version Go writes and accepts. */
    public static final String VERSION = "meta.k8s.io/v1";

    public ContinueToken {
        Objects.requireNonNull(fromKey, "fromKey");
    }

    /** Which server path issued a token: they differ only in the leading slash of {@code start}. */
    public enum Form {
        /**
         * The watch cache ({@code cacher.go}) passes the list key without trailing slash as prefix, so
         * {@code start} keeps a leading slash: {@code "/c2\0"}, cross-namespace {@code "/default/c2\0"}.
         */
        WATCH_CACHE,
        /**
         * The etcd store ({@code etcd3/store.go}) passes the list key with a trailing slash: {@code "c2\0"},
         * {@code "default/c2\0"}. The 410 continue-expired token is always in this form.
         */
        ETCD;

        /** The keyPrefix Go passes to {@code EncodeContinue} for a list key like {@code /registry/configmaps}. */
        public String keyPrefix(String listKey) {
            String k = listKey.endsWith("/") ? listKey.substring(0, listKey.length() - 1) : listKey;
            return this == WATCH_CACHE ? k : k + "/";
        }
    }

    /**
     * Mirrors {@code EncodeContinue(key, keyPrefix, resourceVersion)}: strips {@code keyPrefix} from {@code key}
     * and encodes the rest. Fails (500 InternalError: the Go error is not a Status) when trimming the prefix does
     * not change the key, which is Go's check ({@code strings.TrimPrefix(key, keyPrefix) == key}).
     */
    public static Result<String> encode(String key, String keyPrefix, long resourceVersion) {
        if (!key.startsWith(keyPrefix) || keyPrefix.isEmpty()) {
            return Result.err(ApiStatus.internalError("unable to encode next field: the key and key prefix do not match"));
        }
        String next = key.substring(keyPrefix.length());
        StringBuilder json = new StringBuilder(40 + next.length());
        json.append("{\"v\":\"meta.k8s.io/v1\",\"rv\":").append(resourceVersion).append(",\"start\":");
        GoJson.appendString(json, next);
        json.append('}');
        byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
        return Result.ok(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /**
     * The token for the next page, as {@code PrepareContinueToken}: resume just after {@code lastItemKey} (Go
     * appends {@code "\x00"}).
     *
     * @param form        which path's format to produce
     * @param listKey     the list's storage key, e.g. {@code /registry/configmaps} or {@code /registry/configmaps/ns}
     * @param lastItemKey the storage key of the last item on this page (must be under {@code listKey})
     */
    public static Result<String> next(Form form, String listKey, String lastItemKey, long resourceVersion) {
        return encode(lastItemKey + "\u0000", form.keyPrefix(listKey), resourceVersion);
    }

    /**
     * Mirrors {@code DecodeContinue(continueValue, keyPrefix)} including its error texts; on failure returns the
     * 400 the apiserver sends: {@code invalid continue token: continue key is not valid: ...}.
     *
     * @param keyPrefix the list key with trailing slash, e.g. {@code /registry/configmaps/}
     */
    public static Result<ContinueToken> decode(String continueValue, String keyPrefix) {
        ContinueTokenDecoder.Outcome o = ContinueTokenDecoder.decode(continueValue, keyPrefix);
        if (o.error() != null) {
            return Result.err(ApiStatus.invalidContinueToken(o.error()));
        }
        return Result.ok(o.token());
    }
}
