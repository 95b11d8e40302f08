/**
 * Per-client identity, without HTTP: who a request is ({@link dev.breakwater.cache.auth.UserInfo},
 * from a bearer token, an x509 certificate, front-proxy headers or impersonation headers), what it
 * asks to do ({@link dev.breakwater.cache.auth.Attributes}, the apiserver's
 * {@code authorizer.Attributes}), the TokenReview / SubjectAccessReview bodies that ask the upstream,
 * and the {@link dev.breakwater.cache.auth.DecisionCache} that remembers and coalesces the answers.
 *
 * <p>Mirrors k8s.io/apiserver v0.36.3: {@code pkg/authentication/request/{bearertoken,x509,headerrequest}},
 * {@code pkg/endpoints/filters/{authentication,impersonation,authorization}.go},
 * {@code plugin/pkg/{authenticator/token,authorizer}/webhook} and
 * {@code pkg/endpoints/handlers/responsewriters/errors.go} (the 403 text). The Vert.x glue is
 * {@code dev.breakwater.proxy.auth}.
 */
package dev.breakwater.cache.auth;
