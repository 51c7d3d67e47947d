package dev.braid.app.api;

import java.util.List;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Deep links of the web UI (DESIGN §9): each page path serves the app's {@code index.html}, so a shared link
 * or a reload opens the page; the app routes in the browser. Paths outside this list stay 404.
 */
@Configuration(proxyBeanMethods = false)
public class UiRoutes implements WebMvcConfigurer {

    /** The page paths of DESIGN §9, a contract: links to them are shared. */
    static final List<String> PAGES = List.of(
            "/runs", "/runs/{id}",
            "/dead-letters",
            "/recipes", "/recipes/new", "/recipes/{slug}", "/recipes/{slug}/edit",
            "/connections", "/secrets",
            "/users", "/tokens", "/audit",
            "/cluster");

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        PAGES.forEach(page -> registry.addViewController(page).setViewName("forward:/index.html"));
    }
}
