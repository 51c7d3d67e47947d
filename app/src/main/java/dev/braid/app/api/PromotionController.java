package dev.braid.app.api;

import java.security.Principal;
import java.util.Arrays;
import java.util.List;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import dev.braid.app.promotion.Promotion;
import dev.braid.app.refusal.Invalid;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Promotion between environments (ARCHITECTURE §12): {@code GET /api/v1/export?recipes=a,b} answers a bundle (YAML,
 * or JSON when asked for) of those recipes — every recipe without the parameter — and the connections they use,
 * without secret values; {@code POST /api/v1/import?preview=true} says what the bundle would change and which
 * secrets this server must provide, {@code POST /api/v1/import} applies it (all or nothing).
 */
@RestController
public class PromotionController {

    private final Promotion promotion;
    private final JsonMapper json;

    public PromotionController(Promotion promotion, JsonMapper json) {
        this.promotion = promotion;
        this.json = json;
    }

    @GetMapping("/api/v1/export")
    public ResponseEntity<?> export(@RequestParam(required = false) String recipes,
                                    @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept) {
        List<String> slugs = recipes == null ? List.of()
                : Arrays.stream(recipes.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        ObjectNode bundle = promotion.export(slugs);
        if (accept != null && accept.contains("json") && !RecipesController.prefersYaml(accept)) {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(bundle);
        }
        return ResponseEntity.ok().contentType(RecipesController.YAML).body(yaml(bundle));
    }

    @PostMapping(path = "/api/v1/import", consumes = {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml",
            "application/json"})
    public ObjectNode importBundle(@RequestBody byte[] body, @RequestParam(defaultValue = "false") boolean preview,
                                   Principal user) {
        return promotion.importBundle(read(body), !preview, user == null ? null : user.getName());
    }

    /** YAML or JSON (JSON is YAML) into a tree; a syntax error is a 400 naming the line. */
    private JsonNode read(byte[] body) {
        Object loaded;
        try {
            loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        } catch (org.yaml.snakeyaml.error.MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw Invalid.errors("The bundle is not valid YAML or JSON: " + e.getProblem(),
                    List.of(java.util.Map.of("path", "", "line", line, "message", String.valueOf(e.getProblem()))));
        }
        return json.valueToTree(loaded);
    }

    /** Block YAML with the recipes' sources as literal blocks, so a bundle reads (and diffs) like the files. */
    static String yaml(JsonNode bundle) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        options.setWidth(120);
        org.yaml.snakeyaml.representer.Representer representer = new org.yaml.snakeyaml.representer.Representer(options) {
            {
                org.yaml.snakeyaml.representer.Represent plain = this.representers.get(String.class);
                this.representers.put(String.class, data -> ((String) data).contains("\n")
                        ? representScalar(org.yaml.snakeyaml.nodes.Tag.STR, (String) data, DumperOptions.ScalarStyle.LITERAL)
                        : plain.representData(data));
            }
        };
        return new Yaml(representer, options).dump(RecipeView.plain(bundle));
    }
}
