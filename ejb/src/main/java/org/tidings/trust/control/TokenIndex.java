package org.tidings.trust.control;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The valid tokens in memory, by the hash of their text: checking a request's token costs a SHA-256 and a map
 * lookup, no database query. Kept equal to the committed tokens by the token directory.
 */
public final class TokenIndex {

    private final Map<String, Identity> byHash = new ConcurrentHashMap<>();
    private final Map<UUID, String> hashById = new HashMap<>();

    /** The identity of the token with this hash, or null if no valid token has it. */
    public Identity identity(String hash) {
        return byHash.get(hash);
    }

    /** The identity the token with this id gives now, or null if no valid token has that id. */
    public synchronized Identity byTokenId(UUID tokenId) {
        String hash = hashById.get(tokenId);
        return hash == null ? null : byHash.get(hash);
    }

    /** This token exists and is valid (not revoked) with this identity. */
    public synchronized void present(String hash, Identity identity) {
        String previous = hashById.put(identity.tokenId(), hash);
        if (previous != null && !previous.equals(hash)) {
            byHash.remove(previous);
        }
        byHash.put(hash, identity);
    }

    /** This token does not exist, or no longer counts. */
    public synchronized void absent(UUID tokenId) {
        String previous = hashById.remove(tokenId);
        if (previous != null) {
            byHash.remove(previous);
        }
    }

    /**
     * Exactly these tokens are valid. The new ones are put in before the others are taken out, so that a token valid
     * before and after is never missing in between: lookups do not take the lock.
     */
    public synchronized void replaced(Map<String, Identity> all) {
        all.forEach(this::present);
        byHash.keySet().retainAll(all.keySet());
        hashById.values().retainAll(all.keySet());
    }

    public int size() {
        return byHash.size();
    }
}
