/** The s3 connector: put, get, list and delete objects in any S3-compatible store, signed with SigV4 by Braid itself. */
package dev.braid.connectors.s3;
