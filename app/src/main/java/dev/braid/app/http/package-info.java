/**
 * HTTP plumbing below every endpoint, whether Spring MVC's controllers, the security chain or the
 * webhook servlet: RFC 9457 problems written outside MVC ({@link dev.braid.app.http.Problems}) and the
 * request body size limit. It knows no domain and no controller, so all three can use it.
 */
package dev.braid.app.http;
