package dev.breakwater.cache.status;

import dev.breakwater.cache.golang.GoStrings;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One validation error, mirroring {@code field.Error} in
 * {@code k8s.io/apimachinery/pkg/util/validation/field/errors.go}: a cause type (as it appears in
 * {@code details.causes[].reason}), a field path, and the body returned by {@code ErrorBody()}.
 * {@link #toString()} is {@code Error()}: {@code "<field>: <body>"}. Immutable.
 *
 * @param causeType e.g. {@code FieldValueForbidden}
 * @param field     the field path as {@code Path.String()} renders it
 * @param body      {@code ErrorBody()}, e.g. {@code Forbidden: resourceVersionMatch is forbidden ...}
 */
public record FieldError(String causeType, String field, String body) {
    public FieldError {
        Objects.requireNonNull(causeType);
        Objects.requireNonNull(field);
        Objects.requireNonNull(body);
    }

    /** {@code field.Forbidden(path, detail)}. */
    public static FieldError forbidden(String field, String detail) {
        return new FieldError("FieldValueForbidden", field, withDetail("Forbidden", detail));
    }

    /** {@code field.Invalid(path, stringValue, detail)}: the value is rendered with {@code %q}. */
    public static FieldError invalid(String field, String value, String detail) {
        return new FieldError("FieldValueInvalid", field, withDetail("Invalid value: " + GoStrings.quote(value), detail));
    }

    /**
     * {@code field.Invalid(path, rawValue, detail)} where the bad value is not a string and Go renders it with
     * {@code json.Marshal}; {@code renderedValue} is that rendering.
     */
    public static FieldError invalidRendered(String field, String renderedValue, String detail) {
        return new FieldError("FieldValueInvalid", field, withDetail("Invalid value: " + renderedValue, detail));
    }

    /** {@code field.NotSupported(path, value, validValues)} for a string value. */
    public static FieldError notSupported(String field, String value, List<String> validValues) {
        String detail = validValues.isEmpty() ? ""
                : "supported values: " + validValues.stream().map(GoStrings::quote).collect(Collectors.joining(", "));
        return new FieldError("FieldValueNotSupported", field, withDetail("Unsupported value: " + GoStrings.quote(value), detail));
    }

    private static String withDetail(String s, String detail) {
        return detail.isEmpty() ? s : s + ": " + detail;
    }

    /** {@code field.Error.Error()}. */
    @Override
    public String toString() {
        return field + ": " + body;
    }
}
