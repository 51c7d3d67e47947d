/**
 * The connector SPI: Connector, Action and TriggerSource, found through ServiceLoader.
 */
package dev.braid.engine.spi;
