package dev.braid.app.api;

import java.net.URI;
import java.util.Map;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.braid.app.connections.RunSecrets;
import dev.braid.app.secrets.SecretStore;
import tools.jackson.databind.JsonNode;

/** {@code /api/v1/secrets}: standalone secrets {@code {name, value}} for {@code secrets.NAME}; values are write-only. */
@RestController
@RequestMapping("/api/v1/secrets")
public class SecretsController {

    private final SecretStore secrets;
    private final RunSecrets runSecrets;

    public SecretsController(SecretStore secrets, RunSecrets runSecrets) {
        this.secrets = secrets;
        this.runSecrets = runSecrets;
    }

    @GetMapping
    public Map<String, Object> list() {
        return Map.of("items", secrets.list());
    }

    @GetMapping("/{name}")
    public SecretStore.Info get(@PathVariable String name) {
        return secrets.find(name).orElseThrow(() -> ApiException.notFound("No secret named '" + name + "' exists"));
    }

    /** Creates or replaces a secret: 201 when new, 200 when replaced. */
    @PostMapping
    public ResponseEntity<SecretStore.Info> put(@RequestBody JsonNode body) {
        String name = body.path("name").asString(null);
        if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]{0,63}")) {
            throw ApiException.badParameter("name", "A secret name is 1 to 64 letters, digits or '_', not starting with a digit "
                    + "(it is read as secrets.NAME in expressions)");
        }
        JsonNode value = body.get("value");
        if (value == null || !value.isString() || value.asString().isEmpty()) {
            throw ApiException.badParameter("value", "value must be a non-empty string");
        }
        boolean created = secrets.put(name, value.asString());
        runSecrets.changed();
        SecretStore.Info info = get(name);
        return created ? ResponseEntity.created(URI.create("/api/v1/secrets/" + name)).body(info) : ResponseEntity.ok(info);
    }

    @DeleteMapping("/{name}")
    public ResponseEntity<Void> delete(@PathVariable String name) {
        if (!secrets.delete(name)) {
            throw ApiException.notFound("No secret named '" + name + "' exists");
        }
        runSecrets.changed();
        return ResponseEntity.noContent().build();
    }
}
