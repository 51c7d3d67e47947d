package dev.braid.app.api;

import java.security.Principal;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.braid.app.security.ApiTokens;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /api/v1/tokens}: each user's own API tokens. {@code POST {name}} → 201 with {@code token},
 * the secret, shown this once; {@code GET} lists the caller's tokens without secrets; {@code DELETE
 * /{id}} revokes one (its owner, or an admin).
 */
@RestController
@RequestMapping("/api/v1/tokens")
public class TokensController {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ApiTokens tokens;

    public TokensController(ApiTokens tokens) {
        this.tokens = tokens;
    }

    @PostMapping
    public ResponseEntity<ObjectNode> create(@RequestBody(required = false) JsonNode body, Principal me) {
        JsonNode name = body == null ? null : body.get("name");
        if (name == null || !name.isString() || name.asString().isBlank() || name.asString().length() > 100) {
            throw ApiException.badParameter("name", "'name' is required: 1 to 100 characters saying what the token is for, "
                    + "e.g. \"ci-deploy\"");
        }
        ApiTokens.Issued issued = tokens.issue(me.getName(), name.asString().strip());
        ObjectNode out = view(issued.token());
        out.put("token", issued.secret());
        return ResponseEntity.status(HttpStatus.CREATED).body(out);
    }

    @GetMapping
    public ObjectNode list(Principal me) {
        ObjectNode out = NODES.objectNode();
        ArrayNode items = out.putArray("items");
        tokens.of(me.getName()).forEach(t -> items.add(view(t)));
        out.putNull("nextCursor");
        return out;
    }

    @DeleteMapping("/{id}")
    public ObjectNode revoke(@PathVariable String id, Authentication me) {
        UUID tokenId;
        try {
            tokenId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.badParameter("id", "'" + id + "' is not a token id");
        }
        boolean admin = me.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals("ROLE_admin"));
        ApiTokens.Token token = tokens.find(tokenId)
                .filter(t -> admin || t.username().equals(me.getName()))
                // Someone else's token answers like a missing one: ids of other users' tokens are not disclosed.
                .orElseThrow(() -> ApiException.notFound("No token '" + id + "' of yours exists"));
        tokens.revoke(token.id());
        return view(tokens.find(token.id()).orElseThrow());
    }

    private static ObjectNode view(ApiTokens.Token t) {
        ObjectNode out = NODES.objectNode();
        out.put("id", t.id().toString());
        out.put("name", t.name());
        out.put("username", t.username());
        out.put("createdAt", t.createdAt().toString());
        out.put("lastUsedAt", t.lastUsedAt() == null ? null : t.lastUsedAt().toString());
        out.put("revokedAt", t.revokedAt() == null ? null : t.revokedAt().toString());
        return out;
    }
}
