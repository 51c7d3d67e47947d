/**
 * The mqtt connector (ARCHITECTURE §13): {@code mqtt.publish} and the {@code mqtt:} trigger, over the Paho
 * MQTT 3.1.1 client.
 */
package dev.braid.connectors.mqtt;
