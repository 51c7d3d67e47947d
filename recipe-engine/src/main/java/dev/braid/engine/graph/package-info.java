/**
 * The studio's picture of a recipe: {@link dev.braid.engine.graph.RecipeGraph} turns the engine's model into
 * nodes and edges a browser can lay out, so the server's parser stays the one authority on what a recipe is.
 */
package dev.braid.engine.graph;
