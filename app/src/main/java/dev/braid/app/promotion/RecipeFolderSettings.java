package dev.braid.app.promotion;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code braid.recipes.*}: {@code dir}, a folder of recipe files (GitOps) loaded at start and looked at again
 * every {@code scan}; unset, no folder is read.
 */
@ConfigurationProperties("braid.recipes")
public record RecipeFolderSettings(Path dir, @DefaultValue("2s") Duration scan) {}
