/**
 * Promotion between environments and GitOps (ARCHITECTURE §12): bundles of recipes and the connections they use
 * (export, import with a preview), and a folder of recipe files kept in sync ({@code braid.recipes.dir}).
 */
package dev.braid.app.promotion;
