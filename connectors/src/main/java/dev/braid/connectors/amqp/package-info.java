/**
 * The amqp connector (ARCHITECTURE §13): {@code amqp.publish} with publisher confirms and the {@code amqp:}
 * trigger, over the RabbitMQ Java client (AMQP 0-9-1: RabbitMQ, Qpid Broker-J, LavinMQ, ...).
 */
package dev.braid.connectors.amqp;
