package org.tidings.delivery.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.apache.hc.client5.http.DnsResolver;

/**
 * The only name resolution of the HTTP clients of {@link CheckedExchanges}: looks a host up once, refuses it unless
 * the {@link AddressPolicy} permits every address of that one answer, and hands exactly those addresses to the
 * connection. So a name that answers a permitted address to a check and a denied one a moment later (DNS rebinding)
 * is never connected to the denied one. Thread-safe if the lookup is.
 */
public final class CheckedResolver implements DnsResolver {

    /** A host the address policy refuses; the message is the policy's (host and address, never a URL). */
    public static final class Refused extends UnknownHostException {
        private static final long serialVersionUID = 1L;

        private final boolean mayPassLater;

        Refused(AddressPolicy.Refused refusal) {
            super(refusal.getMessage());
            this.mayPassLater = refusal.mayPassLater();
        }

        /** See {@link AddressPolicy.Refused#mayPassLater}. */
        public boolean mayPassLater() {
            return mayPassLater;
        }
    }

    private final AddressPolicy policy;
    private final AddressPolicy.Lookup lookup;

    public CheckedResolver(AddressPolicy policy, AddressPolicy.Lookup lookup) {
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
