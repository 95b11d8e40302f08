package dev.breakwater.cache.selector;

/** Mirrors {@code selection.Operator} in {@code k8s.io/apimachinery/pkg/selection/operator.go}. */
public enum Operator {
    DOES_NOT_EXIST("!"),
    EQUALS("="),
    DOUBLE_EQUALS("=="),
    IN("in"),
    NOT_EQUALS("!="),
    NOT_IN("notin"),
    EXISTS("exists"),
    GREATER_THAN("gt"),
    LESS_THAN("lt");

    private final String goValue;

    Operator(String goValue) {
        this.goValue = goValue;
    }

    /** The Go constant's string value, e.g. {@code "gt"} for {@link #GREATER_THAN}. */
    public String goValue() {
        return goValue;
    }
}
