package dev.breakwater.cache.table;

import java.util.List;

/**
 * client-go v0.36.3 {@code util/jsonpath/node.go}: the parsed template's nodes. A
 * {@link ListNode}'s list is mutable only while {@link JsonPathParser} builds it; a parsed
 * {@link JsonPath} never changes it.
 */
final class JsonPathNodes {

  private JsonPathNodes() {}

  sealed interface Node permits ListNode, TextNode, FieldNode, IdentifierNode, ArrayNode, FilterNode, IntNode, FloatNode,
      BoolNode, WildcardNode, RecursiveNode, UnionNode {}

  /** A sequence of nodes: the template's root, one {@code {…}} action, a union member, a filter operand. */
  record ListNode(List<Node> nodes) implements Node {}

  /** Literal text: outside the braces, or a quoted string inside them (unquoted). */
  record TextNode(String text) implements Node {}

  /** {@code .name}: a map key (backslashes removed). */
  record FieldNode(String name) implements Node {}

  /** {@code range}, {@code end}, or any other word (an error when evaluated). */
  record IdentifierNode(String name) implements Node {}

  /** One of {@code [start:end:step]}: Go's {@code ParamsEntry}. */
  record Param(long value, boolean known, boolean derived) {}

  /** {@code [n]}, {@code [a:b:c]}, {@code [*]} (as {@code [:]}). */
  record ArrayNode(Param start, Param end, Param step) implements Node {}

  /** {@code [?(left op right)]}; {@code op} is {@code exists} for {@code [?(left)]}. */
  record FilterNode(ListNode left, ListNode right, String op) implements Node {}

  /** An integer literal: Go's {@code int}. */
  record IntNode(long value) implements Node {}

  /** A float literal: {@code float64}. */
  record FloatNode(double value) implements Node {}

  /** {@code true} / {@code false}. */
  record BoolNode(boolean value) implements Node {}

  /** {@code .*}. */
  record WildcardNode() implements Node {}

  /** {@code ..}. */
  record RecursiveNode() implements Node {}

  /** {@code [a,b,…]}: each member a list. */
  record UnionNode(List<ListNode> nodes) implements Node {}
}
