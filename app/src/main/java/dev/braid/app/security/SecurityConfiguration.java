package dev.braid.app.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.DelegatingSecurityContextRepository;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.savedrequest.NullRequestCache;

import dev.braid.app.stats.MetricsSettings;

/**
 * Who may call what: {@code /api/**} needs HTTP Basic (users from the {@code users} table) or a bearer
 * API token, and a role that allows the request ({@link #accessRules}); webhooks, the health check and
 * the static UI are open. API clients are stateless (no session, no saved requests); the UI signs in
 * through {@code /api/v1/session} and then rides on a session cookie, so its changes must carry the
 * CSRF token ({@code X-XSRF-TOKEN} echoing the {@code XSRF-TOKEN} cookie).
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

    private static final java.util.List<String> NOT_THE_WEB_APP = java.util.List.of("/api", "/hooks", "/actuator", "/v3");

    /** {bcrypt} by default; hashes carry their encoder's id, so stronger encoders can follow. */
    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    /**
     * Webhooks bypass the security filter chain altogether: the ingress authenticates senders itself
     * (signatures, rate limits), and the chain's dozen filters cost more CPU than storing the event.
     */
    @Bean
    WebSecurityCustomizer webhooksOutsideTheFilterChain() {
        return web -> web.ignoring().requestMatchers("/hooks/**");
    }

    @Bean
    SecurityFilterChain braidSecurity(HttpSecurity http, UserPasswordAuthentication users, ApiTokens tokens,
                                      ProblemEntryPoint problems, MetricsSettings metrics) {
        http
                .authorizeHttpRequests(rules -> accessRules(rules, metrics.open()))
                .authenticationManager(new ProviderManager(users))
                .addFilterBefore(new ApiTokenFilter(tokens, problems), BasicAuthenticationFilter.class)
                .httpBasic(basic -> basic.realmName("braid").authenticationEntryPoint(problems))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                // CSRF protects what a browser's cookie could do on its own: changes riding on the session.
                // A request with Basic or bearer credentials proves itself and needs no token.
                .csrf(csrf -> csrf
                        .csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
                        .csrfTokenRequestHandler(new CsrfTokenRequestAttributeHandler())
                        .requireCsrfProtectionMatcher(SecurityConfiguration::ridesOnTheSession))
                .securityContext(context -> context.securityContextRepository(new DelegatingSecurityContextRepository(
                        new RequestAttributeSecurityContextRepository(), new HttpSessionSecurityContextRepository())))
                // Sessions exist only for the UI's sign-in (SessionController); API credentials never create one.
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.NEVER))
                .requestCache(cache -> cache.requestCache(new NullRequestCache()))
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable());
        return http.build();
    }

    private static boolean ridesOnTheSession(jakarta.servlet.http.HttpServletRequest request) {
        String method = request.getMethod();
        boolean safe = method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS") || method.equals("TRACE");
        if (safe || request.getHeader("Authorization") != null || request.getRequestURI().startsWith("/hooks/")) {
            return false;
        }
        // A request with no session cookie has nothing a forger could borrow (it gets a 401), except the
        // sign-in itself, which is protected too so that no one can sign a browser into their account.
        return request.getRequestedSessionId() != null || request.getRequestURI().equals("/api/v1/session");
    }

    /**
     * The web UI's pages and static files (DESIGN §9: every path outside /api, /hooks, /actuator and /v3) are
     * open to GET: they hold no data, and the app signs in through {@code /api/v1/session} itself.
     */
    private static boolean isTheWebApp(jakarta.servlet.http.HttpServletRequest request) {
        if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
            return false;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return NOT_THE_WEB_APP.stream().noneMatch(prefix -> path.equals(prefix) || path.startsWith(prefix + "/"));
    }

    /**
     * Who may do what (issue 7), in one place; the first matching rule decides. Every role reads and
     * manages its own tokens; changes need the role that owns them; anything not listed is admin-only,
     * so a new endpoint is closed until a rule opens it.
     */
    private static void accessRules(
            AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry rules, boolean metricsOpen) {
        String admin = Role.ADMIN.wire();
        String builder = Role.BUILDER.wire();
        String operator = Role.OPERATOR.wire();
        String viewer = Role.VIEWER.wire();
        rules
                .requestMatchers("/hooks/**", "/actuator/health", "/actuator/health/**", "/error").permitAll()
                .requestMatchers(SecurityConfiguration::isTheWebApp).permitAll()
                .requestMatchers("/api/v1/session").permitAll()
                // The recipe format's JSON Schema describes a file format, nothing stored: editors (VS Code's YAML
                // extension) fetch it without credentials.
                .requestMatchers(HttpMethod.GET, "/api/v1/schema/recipe.json").permitAll()
                // ARCHITECTURE §10: metrics are readable with any role or a token; open only with braid.metrics.open=true.
                .requestMatchers(HttpMethod.GET, "/actuator/prometheus").access(metricsOpen
                        ? (authentication, context) -> new org.springframework.security.authorization.AuthorizationDecision(true)
                        : org.springframework.security.authorization.AuthorityAuthorizationManager.hasAnyRole(admin, builder, operator, viewer))
                .requestMatchers("/api/v1/users", "/api/v1/users/**").hasRole(admin)
                .requestMatchers("/api/v1/tokens", "/api/v1/tokens/**").hasAnyRole(admin, builder, operator, viewer)
                .requestMatchers(HttpMethod.GET, "/api/v1/audit").hasAnyRole(admin, operator)
                .requestMatchers(HttpMethod.GET, "/api/**").hasAnyRole(admin, builder, operator, viewer)
                .requestMatchers(HttpMethod.POST, "/api/v1/recipes/*/enable", "/api/v1/recipes/*/disable")
                        .hasAnyRole(admin, builder, operator)
                .requestMatchers(HttpMethod.POST, "/api/v1/recipes/test", "/api/v1/recipes/*/test", "/api/v1/expressions/evaluate")
                        .hasAnyRole(admin, builder)
                .requestMatchers(HttpMethod.POST, "/api/v1/recipes/*/runs", "/api/v1/recipes/*/replay",
                        "/api/v1/recipes/*/backfill").hasAnyRole(admin, operator)
                .requestMatchers("/api/v1/runs/**", "/api/v1/dead-letters", "/api/v1/dead-letters/**", "/api/v1/jobs",
                        "/api/v1/jobs/**")
                        .hasAnyRole(admin, operator)
                .requestMatchers("/api/v1/recipes", "/api/v1/recipes/**", "/api/v1/connections", "/api/v1/connections/**",
                        "/api/v1/secrets", "/api/v1/secrets/**").hasAnyRole(admin, builder)
                .anyRequest().hasRole(admin);
    }
}
