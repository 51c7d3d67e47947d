package dev.braid.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.braid.connectors.core.CoreConnector;
import dev.braid.connectors.core.LogAction;
import dev.braid.connectors.core.TransformAction;
import dev.braid.connectors.http.HttpConnector;
import dev.braid.connectors.http.HttpRequestAction;
import dev.braid.engine.spi.ConnectorRegistry;

class ServiceLoaderTest {

    @Test
    void registryFindsTheBuiltInConnectorsAndActions() {
        ConnectorRegistry registry = ConnectorRegistry.load();

        assertThat(registry.connector("core")).containsInstanceOf(CoreConnector.class);
        assertThat(registry.connector("http")).containsInstanceOf(HttpConnector.class);
        assertThat(registry.action("core.log")).containsInstanceOf(LogAction.class);
        assertThat(registry.action("core.transform")).containsInstanceOf(TransformAction.class);
        assertThat(registry.action("http.request")).containsInstanceOf(HttpRequestAction.class);
    }
}
