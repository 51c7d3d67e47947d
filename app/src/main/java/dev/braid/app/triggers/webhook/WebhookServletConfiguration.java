package dev.braid.app.triggers.webhook;

import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import tools.jackson.databind.json.JsonMapper;

/** Mounts {@link WebhookServlet} at {@code /hooks/*}. */
@Configuration(proxyBeanMethods = false)
public class WebhookServletConfiguration {

    @Bean
    ServletRegistrationBean<WebhookServlet> webhookServlet(WebhookIngress ingress, JsonMapper json) {
        ServletRegistrationBean<WebhookServlet> registration =
                new ServletRegistrationBean<>(new WebhookServlet(ingress, json), "/hooks/*");
        registration.setName("webhooks");
        registration.setLoadOnStartup(1);
        return registration;
    }
}
