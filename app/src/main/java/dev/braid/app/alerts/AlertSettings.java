package dev.braid.app.alerts;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** {@code braid.alerts.*} (README settings table): how often the SLA and alert rules are evaluated. */
@ConfigurationProperties("braid.alerts")
public record AlertSettings(@DefaultValue("15s") Duration interval) {}
