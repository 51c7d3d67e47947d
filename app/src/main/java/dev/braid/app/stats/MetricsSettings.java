package dev.braid.app.stats;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code braid.metrics.open} (ARCHITECTURE §10): {@code /actuator/prometheus} is readable with any role
 * or an API token, and needs no credentials only when this is {@code true} (a scraper inside a trusted network).
 */
@ConfigurationProperties("braid.metrics")
public record MetricsSettings(@DefaultValue("false") boolean open) {}
