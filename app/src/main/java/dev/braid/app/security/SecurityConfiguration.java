package dev.braid.app.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.savedrequest.NullRequestCache;

/**
 * Who may call what: {@code /api/**} needs HTTP Basic (users from the {@code users} table); webhooks,
 * the health check and the static UI are open. Stateless — no session, no saved requests. CSRF
 * protection is off for {@code /api/**} and {@code /hooks/**}, whose callers are API clients and
 * webhook senders authenticating every request, not browsers carrying cookies.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

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
    SecurityFilterChain braidSecurity(HttpSecurity http, UserPasswordAuthentication users, ProblemEntryPoint problems) {
        http
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/hooks/**", "/actuator/health", "/actuator/health/**", "/error").permitAll()
                        .requestMatchers("/", "/index.html", "/*.js", "/*.css", "/favicon.ico").permitAll()
                        .requestMatchers("/api/**").authenticated()
                        .anyRequest().authenticated())
                .authenticationManager(new ProviderManager(users))
                .httpBasic(basic -> basic.realmName("braid").authenticationEntryPoint(problems))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .csrf(csrf -> csrf.ignoringRequestMatchers("/api/**", "/hooks/**"))
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.requestCache(new NullRequestCache()))
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable());
        return http.build();
    }
}
