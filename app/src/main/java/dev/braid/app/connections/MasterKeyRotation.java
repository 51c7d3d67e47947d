package dev.braid.app.connections;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

import dev.braid.app.config.BraidProperties;
import dev.braid.app.secrets.SecretStore;

/**
 * Rotating the master key: start with the new key in {@code BRAID_MASTER_KEY} and the old one in
 * {@code BRAID_MASTER_PREVIOUS}; every value still sealed with the old key is re-sealed with the new
 * one here, and later starts can drop {@code BRAID_MASTER_PREVIOUS}.
 */
@Component
class MasterKeyRotation {

    private static final Logger log = LoggerFactory.getLogger(MasterKeyRotation.class);

    private final BraidProperties properties;
    private final SecretStore secrets;
    private final ConnectionStore connections;

    MasterKeyRotation(BraidProperties properties, SecretStore secrets, ConnectionStore connections) {
        this.properties = properties;
        this.secrets = secrets;
        this.connections = connections;
    }

    @EventListener(ApplicationReadyEvent.class)
    void resealWithTheNewKey() {
        if (!StringUtils.hasText(properties.master().previous())) {
            return;
        }
        int n = secrets.reseal() + connections.reseal();
        log.info("Master key rotation: re-sealed {} secret value(s) with the new key; "
                + "BRAID_MASTER_PREVIOUS can be removed", n);
    }
}
