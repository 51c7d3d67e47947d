package dev.braid.connectors.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Host name to addresses; a seam so tests can make a name resolve anywhere without touching DNS. */
@FunctionalInterface
public interface HostResolver {

    HostResolver SYSTEM = InetAddress::getAllByName;

    InetAddress[] resolve(String host) throws UnknownHostException;
}
