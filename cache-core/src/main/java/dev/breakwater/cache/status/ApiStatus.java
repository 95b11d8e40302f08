package dev.breakwater.cache.status;

import dev.breakwater.cache.golang.GoJson;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An apiserver error response: a {@code metav1.Status} with {@code status: "Failure"}, as built by the
 * constructors in {@code k8s.io/apimachinery/pkg/api/errors/errors.go} and {@code k8s.io/apiserver/pkg/storage}.
 *
 * <p>{@link #toJson()} writes exactly the bytes of Go's {@code json.Marshal(&status)}: fields in struct order
 * {@code kind, apiVersion, metadata, status, message, reason, details, code}; {@code "metadata":{}} always present
 * (a struct, so never omitted); empty strings, zero numbers and empty slices omitted ({@code omitempty});
 * {@code details} present whenever the Go constructor allocates it, even if all its fields are empty
 * ({@code "details":{}}). The apiserver's non-pretty encoder ({@code json.NewEncoder(w).Encode}) appends one
 * {@code '\n'}; pretty output ({@code json.MarshalIndent}, two spaces) has no trailing newline. Use
 * {@link #writeTo(OutputStream, boolean)} for the exact HTTP body.
 *
 * <p>Immutable and thread-safe. Factory methods name their Go counterparts.
 */
public final class ApiStatus {

    /** {@code metav1.StatusCause}; {@code reason} is the Go field {@code Type}. Empty strings are omitted. */
    public record Cause(String reason, String message, String field) {
        public Cause {
            reason = Objects.requireNonNullElse(reason, "");
            message = Objects.requireNonNullElse(message, "");
            field = Objects.requireNonNullElse(field, "");
        }
    }

    /** {@code metav1.StatusDetails}. Empty strings, empty causes and a zero retry are omitted. */
    public record Details(String name, String group, String kind, String uid, List<Cause> causes, int retryAfterSeconds) {
        public Details {
            name = Objects.requireNonNullElse(name, "");
            group = Objects.requireNonNullElse(group, "");
            kind = Objects.requireNonNullElse(kind, "");
            uid = Objects.requireNonNullElse(uid, "");
            causes = List.copyOf(causes == null ? List.of() : causes);
        }

        static Details retryAfter(int seconds) {
            return new Details("", "", "", "", List.of(), seconds);
        }
    }

    private final int code;
    private final String reason;
    private final String message;
    private final Details details; // null = omitted
    private final String continueToken; // metadata.continue; "" = omitted

    /**
     * @param code          HTTP code ({@code code}; 0 omitted)
     * @param reason        {@code reason} ("" omitted, e.g. for an untyped 500)
     * @param message       {@code message}
     * @param details       {@code details}, or null to omit
     * @param continueToken {@code metadata.continue}, or "" / null
     */
    public ApiStatus(int code, String reason, String message, Details details, String continueToken) {
        this.code = code;
        this.reason = Objects.requireNonNullElse(reason, "");
        this.message = Objects.requireNonNullElse(message, "");
        this.details = details;
        this.continueToken = Objects.requireNonNullElse(continueToken, "");
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    public String message() {
        return message;
    }

    /** The details, or null when the Go constructor leaves {@code Details} nil. */
    public Details details() {
        return details;
    }

    /** {@code metadata.continue}, "" if none. */
    public String continueToken() {
        return continueToken;
    }

    /** Seconds for the {@code Retry-After} header the apiserver adds when {@code details.retryAfterSeconds > 0}. */
    public int retryAfterSeconds() {
        return details == null ? 0 : details.retryAfterSeconds();
    }

    // ---- factories -------------------------------------------------------------------------------------------

    /** {@code errors.NewBadRequest(message)}: 400 BadRequest. */
    public static ApiStatus badRequest(String message) {
        return new ApiStatus(400, "BadRequest", message, null, null);
    }

    /**
     * 400 for an undecodable continue token, as {@code storage.ValidateListOptions} and the watch cache build it:
     * {@code NewBadRequest(fmt.Sprintf("invalid continue token: %v", err))}.
     */
    public static ApiStatus invalidContinueToken(String goError) {
        return badRequest("invalid continue token: " + goError);
    }

    /** 400 when {@code continue} is combined with a resourceVersion other than "" or "0". */
    public static ApiStatus resourceVersionWithContinue() {
        return badRequest("specifying resource version is not allowed when using continue");
    }

    /** {@code errors.NewResourceExpired(message)}: 410 Expired, no details. */
    public static ApiStatus resourceExpired(String message) {
        return new ApiStatus(410, "Expired", message, null, null);
    }

    /** 410 for an Exact/legacy list at a compacted RV ({@code expired} in {@code storage/etcd3/errors.go}). */
    public static ApiStatus listTooOld() {
        return resourceExpired("The resourceVersion for the provided list is too old.");
    }

    /** 410 the etcd path sends for a watch from a compacted RV. */
    public static ApiStatus watchTooOldEtcd() {
        return resourceExpired("The resourceVersion for the provided watch is too old.");
    }

    /**
     * 410 from the watch cache when {@code rv} is older than its window ({@code watch_cache.go}:
     * {@code "too old resource version: %d (%d)"}, with {@code oldest-1}).
     */
    public static ApiStatus watchCacheTooOld(long resourceVersion, long oldestMinusOne) {
        return resourceExpired("too old resource version: " + Long.toUnsignedString(resourceVersion) + " ("
                + Long.toUnsignedString(oldestMinusOne) + ")");
    }

    /**
     * 410 for a continue token whose RV was compacted ({@code handleCompactedErrorForPaging} in
     * {@code storage/etcd3/errors.go}); {@code newToken} is the rv=-1 token in etcd form, or "" if it could not be
     * built (then the shorter message is used, as in Go).
     */
    public static ApiStatus continueExpired(String newToken) {
        if (newToken == null || newToken.isEmpty()) {
            return resourceExpired("The provided continue parameter is too old to display a consistent list result. "
                    + "You can start a new list without the continue parameter.");
        }
        return new ApiStatus(410, "Expired", "The provided continue parameter is too old to display a consistent list "
                + "result. You can start a new list without the continue parameter, or use the continue token in this "
                + "response to retrieve the remainder of the results. Continuing with the provided token results in an "
                + "inconsistent list - objects that were created, modified, or deleted between the time the first chunk "
                + "was returned and now may show up in the list.", null, newToken);
    }

    /** {@code errors.NewTimeoutError(message, retry)}: 504 Timeout, message prefixed {@code "Timeout: "}. */
    public static ApiStatus timeout(String message, int retryAfterSeconds) {
        return new ApiStatus(504, "Timeout", "Timeout: " + message, Details.retryAfter(retryAfterSeconds), null);
    }

    /**
     * {@code storage.NewTooLargeResourceVersionError(minimum, current, retrySeconds)}: 504 with cause
     * {@code ResourceVersionTooLarge}. The watch cache uses retrySeconds=1; the etcd path 0 (no retry).
     */
    public static ApiStatus tooLargeResourceVersion(long minimumResourceVersion, long currentRevision, int retrySeconds) {
        return new ApiStatus(504, "Timeout", "Timeout: Too large resource version: "
                + Long.toUnsignedString(minimumResourceVersion) + ", current: " + Long.toUnsignedString(currentRevision),
                new Details("", "", "", "", List.of(new Cause("ResourceVersionTooLarge", "Too large resource version", "")),
                        retrySeconds), null);
    }

    /** {@code errors.NewTooManyRequests(message, retry)}: 429 with {@code details.retryAfterSeconds}. */
    public static ApiStatus tooManyRequests(String message, int retryAfterSeconds) {
        return new ApiStatus(429, "TooManyRequests", message, Details.retryAfter(retryAfterSeconds), null);
    }

    /**
     * 406 from content negotiation ({@code negotiation.NewNotAcceptableError}): the media types the endpoint's
     * serializer offers, in its order. No details.
     */
    public static ApiStatus notAcceptable(List<String> mediaTypes) {
        return new ApiStatus(406, "NotAcceptable", "only the following media types are accepted: " + String.join(", ", mediaTypes),
                null, null);
    }

    /**
     * 406 from go-restful's route selection, when no clause of Accept names a type the route produces (jsr311.go),
     * as the apiserver's service error handler wraps it: {@code NewGenericServerResponse(406, …)}, whose details
     * are allocated with every field empty ({@code "details":{}}).
     */
    public static ApiStatus routeNotAcceptable(List<String> produces) {
        return new ApiStatus(406, "NotAcceptable", "406: Not Acceptable\n\nAvailable representations: " + String.join(", ", produces),
                new Details("", "", "", "", List.of(), 0), null);
    }

    /** 429 from an unready cacher ({@code ready.go} + {@code cacher.go}). */
    public static ApiStatus storageInitializing(int retryAfterSeconds) {
        return tooManyRequests("storage is (re)initializing", retryAfterSeconds);
    }

    /** {@code errors.NewInternalError(err)}: 500 InternalError with one cause carrying the message. */
    public static ApiStatus internalError(String errorText) {
        return new ApiStatus(500, "InternalError", "Internal error occurred: " + errorText,
                new Details("", "", "", "", List.of(new Cause("", errorText, "")), 0), null);
    }

    /** A 500 with no reason and no details (how the apiserver reports a plain Go error, e.g. a bad watch RV). */
    public static ApiStatus plainInternal(String errorText) {
        return new ApiStatus(500, "", errorText, null, null);
    }

    /**
     * {@code errors.NewForbidden(schema.GroupResource{group, resource}, name, err)}: 403 Forbidden with
     * {@code forbidden: err} (no resource), {@code configmaps is forbidden: err} or
     * {@code configmaps "x" is forbidden: err}; details {name, group, kind = resource} always present.
     */
    public static ApiStatus forbidden(String group, String resource, String name, String err) {
        String message;
        if (group.isEmpty() && resource.isEmpty()) {
            message = "forbidden: " + err;
        } else {
            String qualified = group.isEmpty() ? resource : resource + "." + group;
            message = name.isEmpty() ? qualified + " is forbidden: " + err
                    : qualified + " " + dev.breakwater.cache.golang.GoStrings.quote(name) + " is forbidden: " + err;
        }
        return new ApiStatus(403, "Forbidden", message, new Details(name, group, resource, "", List.of(), 0), null);
    }

    /** {@code errors.NewUnauthorized("Unauthorized")}: what the authentication filter answers, no details. */
    public static ApiStatus unauthorized() {
        return new ApiStatus(401, "Unauthorized", "Unauthorized", null, null);
    }

    /**
     * {@code errors.NewNotFound(schema.GroupResource{group, resource}, name)}: 404 with message
     * {@code configmaps "nope" not found} or {@code deployments.apps "nope" not found}.
     */
    public static ApiStatus notFound(String group, String resource, String name) {
        String qualified = group.isEmpty() ? resource : resource + "." + group;
        return new ApiStatus(404, "NotFound", qualified + " " + dev.breakwater.cache.golang.GoStrings.quote(name) + " not found",
                new Details(name, group, resource, "", List.of(), 0), null);
    }

    /**
     * {@code errors.NewInvalid(schema.GroupKind{group, kind}, name, errs)}: 422 Invalid. The message aggregates the
     * errors as {@code ErrorList.ToAggregate()} does (duplicates dropped; one → as is; several →
     * {@code [a, b]}); every error becomes a cause.
     */
    public static ApiStatus invalid(String group, String kind, String name, List<FieldError> errors) {
        String qualified = group.isEmpty() ? kind : kind + "." + group;
        String message = qualified + " " + dev.breakwater.cache.golang.GoStrings.quote(name) + " is invalid";
        String agg = aggregate(errors);
        if (agg != null) {
            message += ": " + agg;
        }
        List<Cause> causes = new ArrayList<>(errors.size());
        for (FieldError e : errors) {
            causes.add(new Cause(e.causeType(), e.body(), e.field()));
        }
        return new ApiStatus(422, "Invalid", message, new Details(name, group, kind, "", causes, 0), null);
    }

    /** 422 for bad list/watch options: {@code NewInvalid(GroupKind{"meta.k8s.io", "ListOptions"}, "", errs)}. */
    public static ApiStatus invalidListOptions(List<FieldError> errors) {
        return invalid("meta.k8s.io", "ListOptions", "", errors);
    }

    /**
     * {@code ErrorList.ToAggregate().Error()}: null for no errors, the single message for one distinct message,
     * otherwise {@code "[m1, m2]"}.
     */
    public static String aggregate(List<?> errors) {
        Set<String> msgs = new LinkedHashSet<>();
        for (Object e : errors) {
            msgs.add(e.toString());
        }
        if (msgs.isEmpty()) {
            return null;
        }
        if (msgs.size() == 1) {
            return msgs.iterator().next();
        }
        return "[" + String.join(", ", msgs) + "]";
    }

    // ---- encoding --------------------------------------------------------------------------------------------

    /** The compact JSON, byte-identical to Go's {@code json.Marshal} of the Status (no trailing newline). */
    public byte[] toJson() {
        return toJsonString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@link #toJson()} as a string. */
    public String toJsonString() {
        StringBuilder b = new StringBuilder(160 + message.length());
        b.append("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{");
        if (!continueToken.isEmpty()) {
            b.append("\"continue\":");
            GoJson.appendString(b, continueToken);
        }
        b.append("},\"status\":\"Failure\"");
        if (!message.isEmpty()) {
            GoJson.appendString(b.append(",\"message\":"), message);
        }
        if (!reason.isEmpty()) {
            GoJson.appendString(b.append(",\"reason\":"), reason);
        }
        if (details != null) {
            b.append(",\"details\":{");
            int mark = b.length();
            field(b, mark, "name", details.name());
            field(b, mark, "group", details.group());
            field(b, mark, "kind", details.kind());
            field(b, mark, "uid", details.uid());
            if (!details.causes().isEmpty()) {
                comma(b, mark).append("\"causes\":[");
                for (int i = 0; i < details.causes().size(); i++) {
                    Cause c = details.causes().get(i);
                    if (i > 0) {
                        b.append(',');
                    }
                    b.append('{');
                    int cm = b.length();
                    field(b, cm, "reason", c.reason());
                    field(b, cm, "message", c.message());
                    field(b, cm, "field", c.field());
                    b.append('}');
                }
                b.append(']');
            }
            if (details.retryAfterSeconds() != 0) {
                comma(b, mark).append("\"retryAfterSeconds\":").append(details.retryAfterSeconds());
            }
            b.append('}');
        }
        if (code != 0) {
            b.append(",\"code\":").append(code);
        }
        return b.append('}').toString();
    }

    /** Indented JSON as {@code json.MarshalIndent(status, "", "  ")} (the apiserver's {@code pretty=true}). */
    public byte[] toPrettyJson() {
        return GoJson.indent(toJson(), "", "  ");
    }

    /**
     * Writes the HTTP body exactly as the apiserver's JSON serializer does: compact plus {@code '\n'}, or pretty
     * without a trailing newline. Does not flush or close {@code out}.
     */
    public void writeTo(OutputStream out, boolean pretty) throws IOException {
        if (pretty) {
            out.write(toPrettyJson());
        } else {
            out.write(toJson());
            out.write('\n');
        }
    }

    private static void field(StringBuilder b, int mark, String name, String value) {
        if (!value.isEmpty()) {
            comma(b, mark).append('"').append(name).append("\":");
            GoJson.appendString(b, value);
        }
    }

    private static StringBuilder comma(StringBuilder b, int mark) {
        if (b.length() > mark) {
            b.append(',');
        }
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApiStatus s && s.code == code && s.reason.equals(reason) && s.message.equals(message)
                && Objects.equals(s.details, details) && s.continueToken.equals(continueToken);
    }

    @Override
    public int hashCode() {
        return Objects.hash(code, reason, message, details, continueToken);
    }

    @Override
    public String toString() {
        return toJsonString();
    }
}
