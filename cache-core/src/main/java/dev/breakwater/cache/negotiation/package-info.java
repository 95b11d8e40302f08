/**
 * The apiserver's content negotiation, as pure functions: which representation a read is
 * answered in ({@link dev.breakwater.cache.negotiation.Negotiation}: JSON, protobuf,
 * PartialObjectMetadata, Table, 406, or "not ours" — upstream), go-restful's route check, and how
 * an error Status is encoded for a request ({@link dev.breakwater.cache.negotiation.ErrorBodies},
 * {@code ErrorNegotiated}). No HTTP library: proxy/ passes header and query strings in.
 */
package dev.breakwater.cache.negotiation;
