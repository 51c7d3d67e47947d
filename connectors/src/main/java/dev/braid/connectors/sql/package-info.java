/**
 * The sql connector: query, execute and batchInsert over JDBC, PostgreSQL first.
 */
package dev.braid.connectors.sql;
