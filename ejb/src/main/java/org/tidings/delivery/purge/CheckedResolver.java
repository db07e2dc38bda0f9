package org.tidings.delivery.purge;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.apache.hc.client5.http.DnsResolver;
import org.tidings.delivery.webhook.AddressPolicy;

/**
 * The purge client's only name resolution: looks a cache's host up once, refuses it unless the
 * {@link AddressPolicy} permits every address of that one answer, and hands exactly those addresses to the
 * connection. So a name that answers a permitted address to a check and a denied one a moment later (DNS rebinding)
 * is never connected to the denied one. Thread-safe if the lookup is.
 */
final class CheckedResolver implements DnsResolver {

    /** How a host name becomes addresses; {@code InetAddress::getAllByName} outside tests. */
    @FunctionalInterface
    interface Lookup {
        InetAddress[] addresses(String host) throws UnknownHostException;
    }

    /** A host the address policy refuses; the message is the policy's (host and address, never a URL). */
    static final class Refused extends UnknownHostException {
        private static final long serialVersionUID = 1L;

        Refused(AddressPolicy.Refused refusal) {
            super(refusal.getMessage());
        }
    }

    private final AddressPolicy policy;
    private final Lookup lookup;

    CheckedResolver(AddressPolicy policy, Lookup lookup) {
        this.policy = policy;
        this.lookup = lookup;
    }

    /** @throws Refused if an address of the answer is denied; UnknownHostException if the name does not resolve */
    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] addresses = lookup.addresses(host);
        try {
            policy.checkAll(host, addresses);
        } catch (AddressPolicy.Refused e) {
            throw new Refused(e);
        }
        return addresses.clone();
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return resolve(host)[0].getCanonicalHostName();
    }
}
