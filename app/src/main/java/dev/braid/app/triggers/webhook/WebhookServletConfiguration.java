package dev.braid.app.triggers.webhook;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import tools.jackson.databind.json.JsonMapper;

/** Mounts {@link WebhookServlet} at {@code /hooks/*}, with the filter that counts its refusals around it. */
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

    /** Outside the body size limit filter (HIGHEST_PRECEDENCE + 20), whose 413 it counts too. */
    @Bean
    FilterRegistrationBean<WebhookRefusalCounter> webhookRefusalCounter(WebhookRefusals refusals) {
        FilterRegistrationBean<WebhookRefusalCounter> registration = new FilterRegistrationBean<>(new WebhookRefusalCounter(refusals));
        registration.addUrlPatterns("/hooks/*");
        registration.setOrder(org.springframework.core.Ordered.HIGHEST_PRECEDENCE + 10);
        registration.setName("webhookRefusalCounter");
        return registration;
    }
}
